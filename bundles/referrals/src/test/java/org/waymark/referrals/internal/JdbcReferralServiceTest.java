package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.BusinessIdentifier;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

class JdbcReferralServiceTest {
    private static final Caller GP_SHEFFIELD = new Caller("gp-sheffield", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
    private static final Caller GP_OTHER = new Caller("gp-other", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
    private static final Caller WORKER_SHEFFIELD = new Caller("sam", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    private static final Caller WORKER_ISLINGTON = new Caller("ira", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("islington"), false);

    private final List<String> audited = new ArrayList<>();
    private DataSource db;
    private JdbcReferralService service;

    @BeforeEach
    void setUp() throws Exception {
        db = ReferralsDatabase.create();
        AuditLog audit = (caller, action, type, id, patient) -> audited.add(caller.id() + " " + action + " " + type);
        service = new JdbcReferralService(db, audit, java.time.Clock.systemUTC(), new ReferralNotices(new RecordingNotifier(), new MapContactBook()));
    }

    private static NewReferral referral(String identifier, String nhs, String family) {
        return new NewReferral("https://gp.example/ref", identifier,
                Subject.described(nhs == null ? null : NhsNumber.parse(nhs).orElseThrow(),
                        new Demographics(family, "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, "application/fhir+json", "{}");
    }

    private static org.waymark.api.referral.MessageReceipt receipt(String messageId) {
        return new org.waymark.api.referral.MessageReceipt("gp-sheffield|https://gp.example", messageId, "d-" + messageId, r -> "{}");
    }

    /** An update cannot bring back a referral withdrawn as entered in error: the hint says what the sender can do. */
    @Test
    void aNewMessageAfterAWithdrawalSaysANewServiceRequestIsNeeded() {
        service.receive(GP_SHEFFIELD, referral("urn:uuid:sr1", "9990010005", "Holloway"), receipt("m1"));
        assertThatThrownBy(() -> service.receive(GP_SHEFFIELD, referral("urn:uuid:sr1", "9990010005", "Holloway"), receipt("m2")))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("send an update message");

        service.updateFromSender(GP_SHEFFIELD, "https://gp.example/ref", "urn:uuid:sr1", ReferralStatus.ENTERED_IN_ERROR,
                "Entered in error by the referrer", receipt("m3"));

        assertThatThrownBy(() -> service.receive(GP_SHEFFIELD, referral("urn:uuid:sr1", "9990010005", "Holloway"), receipt("m4")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT))
                .hasMessageContaining("withdrawn as entered in error").hasMessageContaining("new ServiceRequest fullUrl")
                .hasMessageNotContaining("update");
    }

    /** A referral is the sender's ServiceRequest, named by a later message by the same fullUrl or by the same id. */
    @Test
    void anUpdateFindsTheReferralByTheSendersServiceRequestIdWhenTheFullUrlDiffers() {
        String id = service.receive(GP_SHEFFIELD, referral("urn:uuid:first", "9990010005", "Holloway").withSenderRequestId("sr-7"),
                receipt("m1")).referral().id();
        service.receive(GP_SHEFFIELD, referral("urn:uuid:other", "9990010374", "Ashworth").withSenderRequestId("sr-8"), receipt("m2"));

        Referral cancelled = service.updateFromSender(GP_SHEFFIELD, "https://gp.example/ref", "urn:uuid:second", "sr-7",
                ReferralStatus.CANCELLED, "Cancelled by the referrer", receipt("m3"));

        assertThat(cancelled.id()).isEqualTo(id);
        assertThat(cancelled.status()).isEqualTo(ReferralStatus.CANCELLED);
        assertThatThrownBy(() -> service.updateFromSender(GP_SHEFFIELD, "https://gp.example/ref", "urn:uuid:third", "sr-9",
                ReferralStatus.CANCELLED, "Cancelled by the referrer", receipt("m4")))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("No referral from this sender");
        // The id is the sender's own: another sender's referral with it is not found.
        assertThatThrownBy(() -> service.updateFromSender(GP_OTHER, "https://gp.example/ref", "urn:uuid:second", "sr-8",
                ReferralStatus.CANCELLED, "Cancelled by the referrer", new org.waymark.api.referral.MessageReceipt(
                        "gp-other|https://gp.example", "m5", "d", r -> "{}")))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("No referral from this sender");
    }

    @Test
    void twoReferralsWithTheSameServiceRequestIdAreNotGuessedBetween() {
        service.receive(GP_SHEFFIELD, referral("urn:uuid:a", "9990010005", "Holloway").withSenderRequestId("sr-1"), receipt("m1"));
        service.receive(GP_SHEFFIELD, referral("urn:uuid:b", "9990010374", "Ashworth").withSenderRequestId("sr-1"), receipt("m2"));

        assertThatThrownBy(() -> service.updateFromSender(GP_SHEFFIELD, "https://gp.example/ref", "urn:uuid:c", "sr-1",
                ReferralStatus.CANCELLED, "Cancelled by the referrer", receipt("m3")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE))
                .hasMessageContaining("More than one referral");
    }

    @Test
    void aMessagesCanonicalDigestAndItsReferralsOriginalAreKeptForReplays() {
        NewReferral sent = new NewReferral("https://gp.example/ref", "urn:uuid:sr1",
                Subject.described(NhsNumber.parse("9990010005").orElseThrow(), new Demographics("Holloway", "Alex",
                        LocalDate.of(1950, 1, 1), "female", "S1 1AA")), "Isolated", null, "routine", null, "Dr X", null,
                "application/fhir+xml", "<Bundle/>");
        service.receive(GP_SHEFFIELD, sent, receipt("m1"));
        service.updateFromSender(GP_SHEFFIELD, "https://gp.example/ref", "urn:uuid:sr1", null, ReferralStatus.CANCELLED,
                "Cancelled", new org.waymark.api.referral.MessageReceipt("gp-sheffield|https://gp.example", "m2", "raw", r -> "{}", "c".repeat(64)));

        assertThat(service.findMessage(GP_SHEFFIELD, "gp-sheffield|https://gp.example", "m1").orElseThrow().canonicalHash()).isNull();
        assertThat(service.findMessage(GP_SHEFFIELD, "gp-sheffield|https://gp.example", "m2").orElseThrow().canonicalHash())
                .isEqualTo("c".repeat(64));
        assertThat(service.messageReferralDocument(GP_SHEFFIELD, "gp-sheffield|https://gp.example", "m1")).contains("<Bundle/>");
        assertThat(service.messageReferralDocument(GP_SHEFFIELD, "gp-sheffield|https://gp.example", "unknown")).isEmpty();
        assertThatThrownBy(() -> service.messageReferralDocument(GP_OTHER, "gp-sheffield|https://gp.example", "m1"))
                .isInstanceOf(WaymarkException.class);
    }

    @Test
    void retryWithTheSameIdentifierReturnsTheStoredReferral() {
        Intake first = service.receive(GP_SHEFFIELD, referral("R1", "9990010005", "Holloway"));
        Intake again = service.receive(GP_SHEFFIELD, referral("R1", "9990010005", "Holloway"));
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.referral().id()).isEqualTo(first.referral().id());
        assertThat(count("wm_referral")).isEqualTo(1);
    }

    /**
     * The referral, its Task and a patient made for it get ids that begin with the time they were made, so the
     * tables' indexes take each new referral at their end: with random UUIDs, a database grown past its page cache
     * read about seven 32 KB pages back for every referral (bench/intake.sh).
     */
    @Test
    void aNewReferralItsTaskAndItsNewPatientHaveIdsMadeInTheOrderOfTime() {
        long before = System.currentTimeMillis();
        Referral referral = service.receive(GP_SHEFFIELD, referral("R1", "9990010005", "Holloway")).referral();
        long after = System.currentTimeMillis();

        for (String id : List.of(referral.id(), referral.taskId(), referral.patientId())) {
            java.util.UUID uuid = java.util.UUID.fromString(id);
            assertThat(uuid.version()).as(id).isEqualTo(7);
            assertThat(uuid.getMostSignificantBits() >>> 16).as(id).isBetween(before, after);
        }
    }

    /**
     * An identifier longer than its column was cut to fit on insert while the retry lookup used it whole, so two long
     * identifiers sharing 200 characters were one referral, and a retry was never found; refused instead.
     */
    @Test
    void anIdentifierTooLongToKeepWholeIsRefusedAndNothingIsStored() {
        String shared = "R".repeat(ReferralWriter.MAX_IDENTIFIER_LENGTH);
        assertThat(service.receive(GP_SHEFFIELD, referral(shared, "9990010005", "Holloway")).created()).isTrue();

        assertThatThrownBy(() -> service.receive(GP_SHEFFIELD, referral(shared + "-2", "9990010005", "Holloway")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID))
                .hasMessageContaining("at most 200");
        assertThat(count("wm_referral")).isEqualTo(1);
    }

    /** BaRS senders search by their own case number, which is not the identity of the referral (its fullUrl is). */
    @Test
    void aSendersOwnIdentifiersAreShownAndSearchableWithinScopeButAreNotItsIdentity() {
        BusinessIdentifier caseNumber = new BusinessIdentifier("https://sender.url/Id/case-number", "sender1234");
        Referral first = service.receive(GP_SHEFFIELD, referral("urn:uuid:a", "9990010005", "Holloway")
                .withBusinessIdentifiers(List.of(caseNumber, new BusinessIdentifier(null, "tab\tand\nnewline"))), receipt("m1")).referral();
        Referral second = service.receive(GP_SHEFFIELD, referral("urn:uuid:b", "9990010374", "Ashworth")
                .withBusinessIdentifiers(List.of(caseNumber)), receipt("m2")).referral();
        service.receive(GP_SHEFFIELD, referral("urn:uuid:c", "9990010374", "Ashworth"), receipt("m3"));

        assertThat(service.find(GP_SHEFFIELD, first.id()).orElseThrow().businessIdentifiers())
                .containsExactly(caseNumber, new BusinessIdentifier(null, "tab\tand\nnewline"));
        assertThat(byIdentifier(GP_SHEFFIELD, caseNumber.system(), "sender1234")).containsExactlyInAnyOrder(first.id(), second.id());
        assertThat(byIdentifier(GP_SHEFFIELD, null, "sender1234")).as("a value alone, in any system").hasSize(2);
        assertThat(byIdentifier(GP_SHEFFIELD, "https://other.system", "sender1234")).isEmpty();
        assertThat(byIdentifier(GP_SHEFFIELD, null, "tab\\tand\\nnewline")).isEmpty();
        assertThat(byIdentifier(GP_SHEFFIELD, null, "tab\tand\nnewline")).containsExactly(first.id());
        // FHIR's |value: only an identifier sent without a system (it was read as any system).
        assertThat(byIdentifier(GP_SHEFFIELD, ReferralSearch.NO_SYSTEM, "tab\tand\nnewline")).containsExactly(first.id());
        assertThat(byIdentifier(GP_SHEFFIELD, ReferralSearch.NO_SYSTEM, "sender1234")).isEmpty();
        assertThat(byIdentifier(GP_SHEFFIELD, ReferralSearch.NO_SYSTEM, "urn:uuid:c")).as("the identity has its system").isEmpty();
        assertThat(byIdentifier(GP_SHEFFIELD, "https://gp.example/ref", "urn:uuid:c")).as("the identity still finds it").hasSize(1);
        assertThat(byIdentifier(GP_OTHER, caseNumber.system(), "sender1234")).as("another sender's referrals").isEmpty();
        assertThat(byIdentifier(WORKER_SHEFFIELD, caseNumber.system(), "sender1234")).hasSize(2);
        assertThat(byIdentifier(WORKER_ISLINGTON, caseNumber.system(), "sender1234")).isEmpty();

        assertThatThrownBy(() -> service.receive(GP_SHEFFIELD, referral("urn:uuid:d", "9990010005", "Holloway")
                .withBusinessIdentifiers(List.of(new BusinessIdentifier("s", "x".repeat(201)))), receipt("m4")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        assertThat(count("wm_referral")).isEqualTo(3);
        assertThat(count("wm_referral_identifier")).isEqualTo(3);
    }

    private List<String> byIdentifier(Caller caller, String system, String value) {
        return service.search(caller, new ReferralSearch(null, null, system, value, Set.of(), null, false, null, 0, 10))
                .items().stream().map(Referral::id).toList();
    }

    @Test
    void sameIdentifierFromAnotherSenderIsAnotherReferral() {
        service.receive(GP_SHEFFIELD, referral("R1", "9990010005", "Holloway"));
        service.receive(GP_OTHER, referral("R1", "9990010005", "Holloway"));
        assertThat(count("wm_referral")).isEqualTo(2);
        assertThat(count("wm_patient")).as("one person, linked by verified NHS number").isEqualTo(1);
    }

    /** Text longer than the columns was cut without a word to the sender. */
    @Test
    void textLongerThanIsKeptIsShortenedAndTheSenderToldSo() {
        NewReferral plain = referral("R1", "9990010005", "Holloway");
        NewReferral wordy = new NewReferral(plain.identifierSystem(), "R1", plain.subject(), "x".repeat(1500), null, "routine",
                plain.authoredOn(), "Dr " + "y".repeat(300), "z".repeat(4000), plain.sourceFormat(), plain.sourceDocument());
        Intake intake = service.receive(GP_SHEFFIELD, wordy);
        assertThat(intake.warnings()).containsExactly(
                "The reason for referral is 1,500 characters long; staff see its first 1,000, and the referral as sent is kept whole",
                "The requester is 303 characters long; staff see its first 300, and the referral as sent is kept whole");
        assertThat(intake.referral().reasonText()).hasSize(NewReferral.MAX_REASON_TEXT);
        assertThat(intake.referral().note()).as("exactly as long as is kept: no warning").hasSize(NewReferral.MAX_NOTE);
        assertThat(service.receive(GP_SHEFFIELD, referral("R2", "9990010005", "Holloway")).warnings()).isEmpty();
    }

    @Test
    void unverifiedNhsNumberIsStoredButNeverUsedToLink() {
        Intake first = service.receive(GP_SHEFFIELD, referral("R1", "9990010006", "Smith"));
        Intake second = service.receive(GP_SHEFFIELD, referral("R2", "9990010006", "Smith"));
        assertThat(first.warnings()).singleElement().asString().contains("check digit");
        assertThat(first.referral().patientNhsNumber().verified()).isFalse();
        assertThat(second.referral().patientId()).isNotEqualTo(first.referral().patientId());
    }

    @Test
    void concurrentReferralsForOnePersonCreateOnePatient() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Intake>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String id = "C" + i;
                calls.add(() -> service.receive(GP_SHEFFIELD, referral(id, "9990010374", "Ashworth")));
            }
            for (Future<Intake> f : pool.invokeAll(calls)) {
                assertThat(f.get().created()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(count("wm_patient")).isEqualTo(1);
        assertThat(count("wm_referral")).isEqualTo(16);
    }

    @Test
    void callersSeeOnlyTheirOwnReferralsOrTheirAreas() {
        Intake intake = service.receive(GP_SHEFFIELD, referral("R1", "9990010005", "Holloway"));
        String id = intake.referral().id();
        assertThat(service.find(GP_SHEFFIELD, id)).isPresent();
        assertThat(service.find(WORKER_SHEFFIELD, id)).isPresent();
        assertThat(service.find(GP_OTHER, id)).isEmpty();
        assertThat(service.find(WORKER_ISLINGTON, id)).isEmpty();
        assertThat(service.findPatient(GP_OTHER, intake.referral().patientId())).isEmpty();
        assertThat(service.findPatient(GP_SHEFFIELD, intake.referral().patientId())).isPresent();
        assertThat(audited).contains("gp-sheffield READ ServiceRequest", "sam READ ServiceRequest", "gp-sheffield READ Patient");
    }

    @Test
    void searchFindsByNameOrNhsNumberWithinScope() {
        service.receive(GP_SHEFFIELD, referral("R1", "9990010005", "Holloway"));
        service.receive(GP_SHEFFIELD, referral("R2", "9990010374", "Ashworth"));
        assertThat(search(WORKER_SHEFFIELD, "hOll")).isEqualTo(1);
        assertThat(search(WORKER_SHEFFIELD, "999 001 0374")).isEqualTo(1);
        assertThat(search(WORKER_SHEFFIELD, null)).isEqualTo(2);
        assertThat(search(WORKER_ISLINGTON, null)).isZero();
        // Found probing: a FHIR Patient search by a postcode with nothing searchable in it listed everyone in scope.
        for (String postcode : List.of("%", "!!!", "_")) {
            assertThat(service.searchPatients(WORKER_SHEFFIELD, new org.waymark.api.referral.PatientSearch(null, null, null, null, null,
                    postcode, 0, 10)).total()).as(postcode).isZero();
        }
        assertThat(service.searchPatients(WORKER_SHEFFIELD, new org.waymark.api.referral.PatientSearch(null, null, null, null, null,
                "s1", 0, 10)).total()).isEqualTo(2);
        // Found probing: "%" matched every name (a LIKE wildcard once punctuation was normalised away).
        for (String nothingSearchable : List.of("%", "_", "\u2603", "!!!")) {
            assertThatThrownBy(() -> search(WORKER_SHEFFIELD, nothingSearchable)).as(nothingSearchable)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        }
    }

    @Test
    void subjectReferenceToAnUnknownPatientIsRefused() {
        NewReferral unknown = new NewReferral("s", "v", Subject.existing("no-such-patient"), null, null, null, null, null,
                null, null, null);
        assertThatThrownBy(() -> service.receive(GP_SHEFFIELD, unknown))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE));
        assertThat(count("wm_referral")).isZero();
    }

    @Test
    void onlySendingSystemsMayCreateReferrals() {
        assertThatThrownBy(() -> service.receive(WORKER_SHEFFIELD, referral("R1", null, "X")))
                .isInstanceOf(WaymarkException.class);
    }

    @Test
    void statusChangesFollowTheLifecycleAndDetectStaleVersions() {
        String id = service.receive(GP_SHEFFIELD, referral("R1", "9990010005", "Holloway")).referral().id();
        Referral accepted = service.changeStatus(WORKER_SHEFFIELD, id, ReferralStatus.ACCEPTED, null, 1L);
        assertThat(accepted.status()).isEqualTo(ReferralStatus.ACCEPTED);
        assertThat(accepted.version()).isEqualTo(2);
        assertThat(accepted.assignee()).as("accepting takes the referral").isEqualTo("sam");
        assertThatThrownBy(() -> service.changeStatus(WORKER_SHEFFIELD, id, ReferralStatus.IN_PROGRESS, null, 1L))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
        assertThatThrownBy(() -> service.changeStatus(WORKER_SHEFFIELD, id, ReferralStatus.ON_HOLD, " ", null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        assertThat(service.changeStatus(WORKER_SHEFFIELD, id, ReferralStatus.ON_HOLD, "In hospital", 2L).statusReason()).isEqualTo("In hospital");
        service.changeStatus(WORKER_SHEFFIELD, id, ReferralStatus.COMPLETED, null, null);
        assertThatThrownBy(() -> service.changeStatus(WORKER_SHEFFIELD, id, ReferralStatus.IN_PROGRESS, null, null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
        assertThatThrownBy(() -> service.changeStatus(WORKER_ISLINGTON, id, ReferralStatus.CANCELLED, "x", null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> service.changeStatus(GP_SHEFFIELD, id, ReferralStatus.CANCELLED, "x", null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
    }

    private int search(Caller caller, String text) {
        return service.search(caller, new ReferralSearch(null, null, null, null, Set.of(), null, false, text, 0, 10)).total();
    }

    private int count(String table) {
        return ReferralsDatabase.count(db, "SELECT COUNT(*) FROM " + table);
    }
}
