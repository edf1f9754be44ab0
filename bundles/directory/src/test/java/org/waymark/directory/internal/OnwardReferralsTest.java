package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.directory.OnwardReferral;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class OnwardReferralsTest {
    private static final Caller WORKER = new Caller("worker", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    private final List<Notification> sent = new ArrayList<>();
    private final List<String> audited = new ArrayList<>();
    private final Map<Party, ContactPreferences> contacts = new HashMap<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private DataSource db;
    private OnwardReferrals onward;
    private String serviceId;
    private Directory directory;
    private volatile ReferralStatus status = ReferralStatus.ACCEPTED;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/directory.xml");
        directory = new Directory(new DirectoryStore(db), clock);
        directory.apply(DemoDirectory.batch(), "test", "demo");
        serviceId = DemoDirectory.uuid("svc:2").toString();
        ReferralService referrals = readingR1();
        ContactBook book = new ContactBook() {
            @Override
            public ContactPreferences find(Party party) {
                return contacts.getOrDefault(party, ContactPreferences.NONE);
            }

            @Override
            public void save(Caller caller, Party party, ContactPreferences preferences) {
                contacts.put(party, preferences);
            }
        };
        AuditLog audit = (caller, action, type, id, patient) -> audited.add(caller.id() + " " + action + " " + type + " " + patient);
        onward = new OnwardReferrals(db, directory, referrals, (Connection c, Notification n) -> sent.add(n), book, audit, clock);
    }

    /** Only "r1" is visible to the worker, as the real service scopes referrals by area. */
    private ReferralService readingR1() {
        return (ReferralService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ReferralService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("find")) {
                        return "r1".equals(args[1]) ? Optional.of(new Referral("r1", "task-1", "p1", null, "A Person", "demo-gp",
                                "sheffield", null, null, status, null, "Lonely", null, "routine", clock.instant(), null, null, null,
                                1, clock.instant(), clock.instant())) : Optional.empty();
                    }
                    // Onward referral may only read the referral through the caller's scope: any other call is a bug.
                    throw new AssertionError("OnwardReferrals must not call ReferralService." + method.getName());
                });
    }

    @Test
    void consentIsNeededBeforeAnythingIsSent() {
        assertThatThrownBy(() -> onward.refer(WORKER, "r1", serviceId, false, null, "https://w/a/"))
                .isInstanceOf(WaymarkException.class).extracting(e -> ((WaymarkException) e).kind())
                .isEqualTo(WaymarkException.Kind.UNPROCESSABLE);
        assertThat(sent).isEmpty();
    }

    @Test
    void aServiceThatNoLongerRunsTakesNoOnwardReferralOrSignpostAndNothingIsSent() throws Exception {
        // Found probing: a defunct service (closed for good) took an onward referral and was sent the note.
        for (String status : List.of("defunct", "inactive")) {
            com.fasterxml.jackson.databind.node.ObjectNode closed = directory.catalog().get(Kind.SERVICE, serviceId).orElseThrow().deepCopy();
            closed.put("status", status);
            assertThat(directory.importJson(closed, Optional.of(Kind.SERVICE), "test").errors()).isEmpty();

            for (Runnable call : List.<Runnable>of(() -> onward.refer(WORKER, "r1", serviceId, true, "note", "https://w/a/"),
                    () -> onward.signpost(WORKER, "r1", serviceId, "note"))) {
                assertThatThrownBy(call::run).as(status).isInstanceOfSatisfying(WaymarkException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
                    assertThat(e.getMessage()).contains("This service is " + status);
                });
            }
        }
        assertThat(sent).isEmpty();
        com.fasterxml.jackson.databind.node.ObjectNode paused = directory.catalog().get(Kind.SERVICE, serviceId).orElseThrow().deepCopy();
        paused.put("status", "temporarily closed");
        assertThat(directory.importJson(paused, Optional.of(Kind.SERVICE), "test").errors()).isEmpty();
        assertThat(onward.refer(WORKER, "r1", serviceId, true, "note", "https://w/a/").token()).isNotBlank();
    }

    @Test
    void aNoteLongerThanANoteMayBeIsRefusedNotCutAndNothingIsKeptOrSent() throws Exception {
        // Found probing: a 2,000-character note was kept and sent as its first 1,000 characters, without a word.
        String tooLong = "word ".repeat(250);
        String longest = "x".repeat(OnwardReferrals.MAX_NOTE);

        for (Runnable call : List.<Runnable>of(() -> onward.refer(WORKER, "r1", serviceId, true, tooLong, "https://w/a/"),
                () -> onward.signpost(WORKER, "r1", serviceId, tooLong))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(WaymarkException.class, e -> {
                assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID);
                assertThat(e.getMessage()).contains("note must be at most 1000 characters");
            });
        }
        assertThat(sent).isEmpty();
        for (String table : List.of("dir_onward_referral", "dir_signpost")) {
            try (Connection c = db.getConnection(); ResultSet rows = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
                rows.next();
                assertThat(rows.getInt(1)).as(table).isZero();
            }
        }
        OnwardReferrals.Created created = onward.refer(WORKER, "r1", serviceId, true, longest, "https://w/a/");
        assertThat(onward.byToken(created.token())).hasValueSatisfying(r -> assertThat(r.note()).isEqualTo(longest));
        assertThat(onward.signpost(WORKER, "r1", serviceId, "  " + longest + " ").note()).isEqualTo(longest);
    }

    @Test
    void theProviderIsSentTheLinkAtTheServicesEmailAndOnlyADigestOfTheTokenIsKept() throws Exception {
        OnwardReferrals.Created created = onward.refer(WORKER, "r1", serviceId, true, "note", "https://w/a/");

        assertThat(sent).hasSize(1);
        Notification notification = sent.get(0);
        assertThat(notification.to()).isEqualTo(Party.organisation("directory-service:" + serviceId));
        assertThat(notification.text()).contains("https://w/a/" + created.token()).contains("Crookes Health Walk");
        assertThat(notification.area()).isEqualTo("sheffield");
        // Found in review: the outbox kept the working link in its copy after sending (only the digest was meant to stay).
        assertThat(notification.data()).containsEntry(Notification.ONE_TIME_LINK, "https://w/a/" + created.token());
        assertThat(contacts.get(notification.to()).addresses()).containsEntry("email", "groups@peak-edge.example.org");
        assertThat(created.referral().partOfTaskId()).isEqualTo("task-1");
        try (Connection c = db.getConnection(); ResultSet rows = c.createStatement().executeQuery("SELECT token_digest FROM dir_onward_referral")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(OnwardReferrals.digest(created.token())).isNotEqualTo(created.token());
        }
    }

    @Test
    void afterTheServicesEmailIsCorrectedItsReferralsGoToTheNewAddressNotTheOneCopiedBefore() throws Exception {
        // Found probing: the first onward referral copied the directory's email into the contact book, and after an
        // admin corrected it every later referral, with the note about the person, still went to the old address.
        Party provider = Party.organisation("directory-service:" + serviceId);
        referAndHearBack("first");
        assertThat(contacts.get(provider).addresses()).containsExactly(Map.entry("email", "groups@peak-edge.example.org"));

        ServiceEditor editor = new ServiceEditor(db, directory, (caller, action, type, id, patient) -> { }, clock);
        editor.edit(WORKER, serviceId, null, new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"email\": \"walks-intake@peak-edge.example.org\"}"));
        referAndHearBack("second");
        assertThat(contacts.get(provider).addresses()).as("an edit")
                .containsExactly(Map.entry("email", "walks-intake@peak-edge.example.org"));

        com.fasterxml.jackson.databind.node.ObjectNode imported = directory.catalog().get(Kind.SERVICE, serviceId).orElseThrow().deepCopy();
        imported.put("email", "walks@peak-edge.example.org");
        assertThat(directory.importJson(imported, Optional.of(Kind.SERVICE), "test").errors()).isEmpty();
        referAndHearBack("third");
        assertThat(contacts.get(provider).addresses()).as("an import").containsExactly(Map.entry("email", "walks@peak-edge.example.org"));

        // Details set to an address the directory never gave (an intake mailbox), and other channels, are kept.
        contacts.put(provider, new ContactPreferences(true, "fhir", Map.of("email", "referrals@nhs.example", "fhir", "https://p.example/fhir")));
        imported.put("email", "walking@peak-edge.example.org");
        assertThat(directory.importJson(imported, Optional.of(Kind.SERVICE), "test").errors()).isEmpty();
        referAndHearBack("fourth");
        assertThat(contacts.get(provider)).isEqualTo(new ContactPreferences(true, "fhir",
                Map.of("email", "referrals@nhs.example", "fhir", "https://p.example/fhir")));

        // A former address is dropped when the directory has none now: nothing goes to it any more.
        contacts.put(provider, new ContactPreferences(false, "email", Map.of("email", "walking@peak-edge.example.org")));
        imported.remove("email");
        assertThat(directory.importJson(imported, Optional.of(Kind.SERVICE), "test").errors()).isEmpty();
        referAndHearBack("fifth");
        assertThat(contacts.get(provider)).isEqualTo(new ContactPreferences(false, null, Map.of()));
        assertThat(sent).hasSize(5);
    }

    @Test
    void theLinkTakesAnswersUntilAFinalOneAndEachMapsToATaskStatus() {
        String token = onward.refer(WORKER, "r1", serviceId, true, null, "x/").token();

        assertThat(onward.answerByLink(token, "accepted", null).taskStatus()).isEqualTo("accepted");
        assertThat(onward.answerByLink(token, "did-not-attend", null).taskStatus()).isEqualTo("failed");
        assertThatThrownBy(() -> onward.answerByLink(token, "attended", null)).hasMessageContaining("already answered");
        assertThat(onward.list(WORKER, "r1")).singleElement().extracting(OnwardReferrals.OnwardReferral::status).isEqualTo("did-not-attend");
    }

    @Test
    void eachAnswerAndEachReadOfTheLinksPageIsAuditedWithThePerson() {
        // Found probing: an answer through the link left no entry, and one recorded by staff named no person.
        String token = onward.refer(WORKER, "r1", serviceId, true, "Ring first", "x/").token();
        String id = onward.list(WORKER, "r1").get(0).id();
        audited.clear();

        onward.byToken(token);
        onward.answerByLink(token, "accepted", null);
        onward.answerByStaff(WORKER, id, "attended", null);

        assertThat(audited).filteredOn(e -> e.contains(" OnwardReferral ")).containsExactly(
                "system:provider-link READ OnwardReferral p1", "system:provider-link UPDATE OnwardReferral p1",
                "worker UPDATE OnwardReferral p1");
    }

    @Test
    void afterAFinalAnswerTheLinkShowsNothingOfTheReferralAndTakesNoOtherAnswer() {
        String token = onward.refer(WORKER, "r1", serviceId, true, "Al has mobility needs, ring first", "x/").token();
        assertThat(onward.byToken(token)).hasValueSatisfying(r -> assertThat(r.note()).contains("mobility"));
        onward.answerByLink(token, "accepted", null);
        assertThat(onward.byToken(token)).as("accepted is not final").isPresent();

        onward.answerByLink(token, "declined", "full");

        assertThat(onward.byToken(token)).isEmpty();
        assertThatThrownBy(() -> onward.answerByLink(token, "attended", null)).extracting(e -> ((WaymarkException) e).kind())
                .isEqualTo(WaymarkException.Kind.CONFLICT);
    }

    /** An onward referral the service then answers finally, so that the person may be referred to it again. */
    private void referAndHearBack(String note) {
        onward.answerByLink(onward.refer(WORKER, "r1", serviceId, true, note, "https://w/a/").token(), "did-not-attend", null);
    }

    @Test
    void thePersonIsNotReferredToAServiceAgainWhileItHasNotAnsweredOrHasAccepted() {
        // Found probing: a second onward referral to the same service sent the provider a second message about them.
        String first = onward.refer(WORKER, "r1", serviceId, true, null, "x/").token();
        sent.clear();

        assertThatThrownBy(() -> onward.refer(WORKER, "r1", serviceId, true, null, "x/"))
                .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
        onward.answerByLink(first, "accepted", null);
        assertThatThrownBy(() -> onward.refer(WORKER, "r1", serviceId, true, null, "x/"))
                .hasMessageContaining("already referred").hasMessageContaining("accepted");
        assertThat(sent).isEmpty();
        assertThat(onward.list(WORKER, "r1")).hasSize(1);

        // Once the service has given a final answer (here: did not attend), the person may be referred again.
        onward.answerByLink(first, "did-not-attend", null);
        onward.refer(WORKER, "r1", serviceId, true, null, "x/");
        assertThat(sent).hasSize(1);
        assertThat(onward.list(WORKER, "r1")).hasSize(2);
    }

    /**
     * Two nodes: the check for an open onward referral was serialised within one node only, so two link workers on two
     * nodes could both refer the person to the service and the provider heard twice. Node B checks, then (while it
     * looks up the provider's contact) node A refers; B's insert must not store a second open one.
     */
    @Test
    void twoNodesReferringThePersonToTheServiceAtOnceStoreOneAndSendOne() throws Exception {
        ReferralService sameReferrals = readingR1();
        OnwardReferrals[] nodeA = new OnwardReferrals[1];
        boolean[] raced = new boolean[1];
        ContactBook racingBook = new ContactBook() {
            @Override
            public ContactPreferences find(Party party) {
                if (!raced[0]) {
                    raced[0] = true;
                    nodeA[0].refer(WORKER, "r1", serviceId, true, "from node A", "https://a/");
                }
                return contacts.getOrDefault(party, ContactPreferences.NONE);
            }

            @Override
            public void save(Caller caller, Party party, ContactPreferences preferences) {
                contacts.put(party, preferences);
            }
        };
        nodeA[0] = onward;
        OnwardReferrals nodeB = new OnwardReferrals(db, directory, sameReferrals, (Connection c, Notification n) -> sent.add(n),
                racingBook, (caller, action, type, id, patient) -> { }, clock);

        assertThatThrownBy(() -> nodeB.refer(WORKER, "r1", serviceId, true, "from node B", "https://b/"))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT))
                .hasMessageContaining("already referred");
        assertThat(raced[0]).isTrue();
        assertThat(onward.list(WORKER, "r1")).hasSize(1);
        assertThat(sent).as("the provider hears once, from node A").singleElement()
                .satisfies(n -> assertThat(n.data().get("link")).startsWith("https://a/"));
    }

    /** The database keeps one open onward referral of a person to a service, whoever writes it; answered ones do not count. */
    @Test
    void theDatabaseHoldsOneOpenOnwardReferralOfAPersonToAServiceAndAnyNumberAnswered() throws Exception {
        String first = onward.refer(WORKER, "r1", serviceId, true, null, "x/").token();
        try (Connection c = db.getConnection(); java.sql.Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("INSERT INTO dir_onward_referral (id, referral_id, part_of_task_id, service_id,"
                    + " area, status, consent_recorded_by, consent_recorded_at, token_digest, token_expires_at, version, created_by,"
                    + " created_at, open_for) SELECT 'copy', referral_id, part_of_task_id, service_id, area, 'requested',"
                    + " consent_recorded_by, consent_recorded_at, '" + "0".repeat(64) + "', token_expires_at, 1, created_by,"
                    + " created_at, open_for FROM dir_onward_referral"))
                    .isInstanceOfSatisfying(java.sql.SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
        }
        onward.answerByLink(first, "declined", "Full");
        onward.refer(WORKER, "r1", serviceId, true, null, "x/");
        assertThat(onward.list(WORKER, "r1")).extracting(o -> o.status()).containsExactlyInAnyOrder("declined", "requested");
    }

    @Test
    void aClosedReferralIsNeitherSignpostedNorReferredOnwardButEarlierOnesStillTakeTheirAnswers() {
        String token = onward.refer(WORKER, "r1", serviceId, true, null, "x/").token();
        sent.clear();
        for (ReferralStatus closed : List.of(ReferralStatus.COMPLETED, ReferralStatus.REJECTED, ReferralStatus.CANCELLED,
                ReferralStatus.FAILED, ReferralStatus.ENTERED_IN_ERROR)) {
            status = closed;
            assertThatThrownBy(() -> onward.refer(WORKER, "r1", serviceId, true, null, "x/")).as(closed.code())
                    .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
            // Not "record the person's consent first": recording it would change nothing.
            assertThatThrownBy(() -> onward.refer(WORKER, "r1", serviceId, false, null, "x/")).as(closed.code())
                    .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
            assertThatThrownBy(() -> onward.signpost(WORKER, "r1", serviceId, null)).as(closed.code())
                    .hasMessageContaining(closed.code() + " referral is closed");
        }
        assertThat(sent).isEmpty();
        assertThat(onward.list(WORKER, "r1")).hasSize(1);
        assertThat(onward.signposts(WORKER, "r1")).isEmpty();
        assertThat(onward.answerByLink(token, "attended", null).taskStatus()).isEqualTo("completed");
    }

    @Test
    void declineNeedsAReasonAndUnknownOutcomesAreRefused() {
        String token = onward.refer(WORKER, "r1", serviceId, true, null, "x/").token();

        assertThatThrownBy(() -> onward.answerByLink(token, "declined", " ")).hasMessageContaining("reason");
        assertThatThrownBy(() -> onward.answerByLink(token, "maybe", null)).hasMessageContaining("outcome");
        // Found probing: a longer reason sent as JSON was kept as its first 500 characters, without a word.
        assertThatThrownBy(() -> onward.answerByLink(token, "declined", "full ".repeat(101)))
                .hasMessageContaining("reason must be at most 500 characters (it has 504)");
        assertThat(onward.answerByLink(token, "declined", "Full until March").taskStatus()).isEqualTo("rejected");
    }

    @Test
    void anExpiredOrWrongLinkIsNotFoundAndReferralsOutsideTheCallersScopeAreHidden() {
        String token = onward.refer(WORKER, "r1", serviceId, true, null, "x/").token();

        assertThatThrownBy(() -> onward.byToken(token.substring(1) + "x")).hasMessageContaining("not valid");
        clock.advance(OnwardReferrals.LINK_LIFETIME.plus(Duration.ofMinutes(1)));
        assertThatThrownBy(() -> onward.byToken(token)).hasMessageContaining("expired");
        assertThatThrownBy(() -> onward.signpost(WORKER, "someone-elses", serviceId, null))
                .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND);
    }

    @Test
    void signpostsAreCountedPerReferral() {
        onward.signpost(WORKER, "r1", serviceId, "leaflet");
        clock.advance(Duration.ofMinutes(5));
        onward.signpost(WORKER, "r1", DemoDirectory.uuid("svc:8").toString(), null);

        assertThat(onward.signposts(WORKER, "r1")).extracting(OnwardReferrals.Signpost::serviceName)
                .containsExactly("Crookes Health Walk", "Debt and Benefits Advice Sessions");
        assertThatThrownBy(() -> onward.signpost(WORKER, "r1", "no-such-service", null)).hasMessageContaining("No directory service");
    }

    @Test
    void theApiShowsEachOnwardReferralWithItsOrganisationAnswerVersionAndLastChange() {
        DirectoryOnwardReferralRecords records = new DirectoryOnwardReferralRecords(onward, directory);
        String token = onward.refer(WORKER, "r1", serviceId, true, null, "x/").token();
        String id = onward.byToken(token).orElseThrow().id();
        clock.advance(Duration.ofHours(2));
        onward.answerByLink(token, "declined", "Full until March");

        OnwardReferral shown = records.find(id).orElseThrow();
        assertThat(shown.partOfTaskId()).isEqualTo("task-1");
        assertThat(shown.serviceName()).isEqualTo("Crookes Health Walk");
        assertThat(shown.organizationName()).isEqualTo("Peak Edge Walkers");
        assertThat(shown.answer()).isEqualTo(OnwardReferral.Answer.DECLINED);
        assertThat(shown.statusReason()).isEqualTo("Full until March");
        assertThat(shown.version()).isEqualTo(2);
        assertThat(shown.createdAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(shown.lastUpdated()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
        assertThat(records.ofReferral("r1")).singleElement().isEqualTo(shown);
        assertThat(records.ofReferral("r2")).isEmpty();
        assertThat(records.find("no-such-id")).isEmpty();
    }
}
