package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.referrals.internal.CaseFixture.ADMIN;
import static org.waymark.referrals.internal.CaseFixture.GP;
import static org.waymark.referrals.internal.CaseFixture.OTHER_AREA;
import static org.waymark.referrals.internal.CaseFixture.WORKER;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.StatusChange;

/** Status changes with reasons, outcomes and the episode's SNOMED CT code; reason lists; the referral page and timeline. */
class ReferralWorkTest {
    private CaseFixture fixture;
    private ReasonLists reasons;
    private ReferralDetails details;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CaseFixture();
        fixture.contacts.save(WORKER, Party.organisation(GP.id()),
                new ContactPreferences(false, null, Map.of("fhir", "http://gp.example/fhir")));
        reasons = new ReasonLists(fixture.db, fixture.audit, null);
        ListedPlugins none = new ListedPlugins();
        details = new ReferralDetails(fixture.db, fixture.referrals, fixture.audit, null,
                new ReferralTriage(fixture.db, none, null, java.time.Clock.systemUTC()), new ReferralPathways(none),
                new ReferralFlags(fixture.db, fixture.audit, fixture.notifier, fixture.contacts, java.time.Clock.systemUTC()),
                new ReferralValidation(fixture.db, null, java.time.Clock.systemUTC(), null, java.time.Duration.ZERO));
    }

    @Test
    void acceptingRecordsTheReferralCodeOnceAndTellsTheSenderOnlyWithThatChange() {
        Referral referral = fixture.received("R1", "9990010005");
        Referral accepted = fixture.referrals.changeStatus(WORKER, referral.id(), new StatusChange(ReferralStatus.ACCEPTED, null, null), 1L);
        fixture.referrals.changeStatus(WORKER, referral.id(), new StatusChange(ReferralStatus.ON_HOLD, "In hospital", null), null);
        fixture.referrals.changeStatus(WORKER, referral.id(), new StatusChange(ReferralStatus.IN_PROGRESS, null, null), null);
        Referral completed = fixture.referrals.changeStatus(WORKER, referral.id(),
                new StatusChange(ReferralStatus.COMPLETED, null, "Joined a walking group"), null);

        assertThat(accepted.episodeCode()).isEqualTo("871731000000106");
        assertThat(completed.episodeCode()).isEqualTo("871731000000106");
        assertThat(completed.outcome()).isEqualTo("Joined a walking group");
        List<Notification> toSender = fixture.notifier.queued.stream().filter(n -> n.to().equals(Party.organisation(GP.id()))).toList();
        assertThat(toSender).hasSize(4);
        assertThat(toSender).filteredOn(n -> n.data().containsKey("code")).singleElement().satisfies(n -> {
            assertThat(n.data()).containsEntry("status", "accepted").containsEntry("code", "871731000000106")
                    .containsEntry("codeSystem", "http://snomed.info/sct")
                    .containsEntry("codeDisplay", "Referral to social prescribing service");
        });
        assertThat(toSender.get(3).data()).containsEntry("outcome", "Joined a walking group");
    }

    @Test
    void rejectingRecordsTheDeclinedCodeAndNeedsAReason() {
        Referral referral = fixture.received("R1", "9990010005");
        assertThatThrownBy(() -> fixture.referrals.changeStatus(WORKER, referral.id(),
                new StatusChange(ReferralStatus.REJECTED, " ", null), null)).hasMessageContaining("reason is required");
        Referral rejected = fixture.referrals.changeStatus(WORKER, referral.id(),
                new StatusChange(ReferralStatus.REJECTED, "The person declined social prescribing", null), null);
        assertThat(rejected.episodeCode()).isEqualTo("871711000000103");
        assertThat(rejected.statusReason()).isEqualTo("The person declined social prescribing");
    }

    @Test
    void anOutcomeBelongsToAClosingStatusAndAStaleVersionIsRefused() {
        Referral referral = fixture.received("R1", "9990010005");
        assertThatThrownBy(() -> fixture.referrals.changeStatus(WORKER, referral.id(),
                new StatusChange(ReferralStatus.ACCEPTED, null, "Done"), null)).hasMessageContaining("outcome");
        assertThatThrownBy(() -> fixture.referrals.changeStatus(WORKER, referral.id(),
                new StatusChange(ReferralStatus.ACCEPTED, null, null), 2L))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
        assertThat(fixture.notifier.queued).isEmpty();
    }

    @Test
    void anAreaUsesTheDefaultReasonsUntilItsAdminWritesItsOwn() {
        assertThat(reasons.list(WORKER, "reject", "sheffield").reasons()).extracting(ReasonLists.Reason::code)
                .startsWith("person-declined", "not-eligible");
        assertThatThrownBy(() -> reasons.replace(WORKER, "reject", "sheffield", List.of(new ReasonLists.Reason("x", "X"))))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> reasons.replace(ADMIN, "reject", "sheffield", List.of(new ReasonLists.Reason("a", "A"),
                new ReasonLists.Reason("a", "B")))).hasMessageContaining("twice");

        reasons.replace(ADMIN, "reject", "sheffield", List.of(new ReasonLists.Reason("moved-away", "Moved out of Sheffield"),
                new ReasonLists.Reason("person-declined", "Declined")));

        ReasonLists.ReasonList own = reasons.list(WORKER, "reject", "sheffield");
        assertThat(own.area()).isEqualTo("sheffield");
        assertThat(own.reasons()).extracting(ReasonLists.Reason::label).containsExactly("Moved out of Sheffield", "Declined");
        assertThat(reasons.list(OTHER_AREA, "reject", "islington").area()).as("other areas keep the default").isEqualTo("*");
        assertThatThrownBy(() -> reasons.list(OTHER_AREA, "reject", "sheffield")).isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> reasons.list(WORKER, "nonsense", "sheffield")).hasMessageContaining("No reason list");
    }

    @Test
    void theReferralPageShowsThePersonTheLinkageAndATimelineOfChanges() {
        Referral referral = fixture.received("R1", "9990010005");
        fixture.referrals.changeStatus(WORKER, referral.id(), new StatusChange(ReferralStatus.ACCEPTED, null, null), null);
        new CaseRecords(fixture.db, fixture.audit, java.time.Clock.systemUTC()).addNote(WORKER, referral.id(), "Called, will visit");

        ReferralDetails.Detail detail = details.detail(WORKER, referral.id());
        assertThat(detail.patient().name()).isEqualTo("Alex Holloway");
        assertThat(detail.patientId()).as("the list item's fields stay").isEqualTo(referral.patientId());
        assertThat(detail.nhsNumber()).isEqualTo("9990010005");
        assertThat(detail.patient().birthDate()).hasToString("1950-01-01");
        assertThat(detail.requester()).isEqualTo("Dr X, Demo Surgery");
        assertThat(detail.note()).isEqualTo("Lives alone");
        assertThat(detail.linkage().state()).isEqualTo("new-patient");
        assertThat(detail.nextStatuses()).contains("in-progress", "on-hold", "completed");
        assertThat(detail.episodeCode()).isEqualTo("871731000000106");

        assertThat(details.timeline(WORKER, referral.id())).extracting(ReferralDetails.Event::what)
                .containsExactly("Note added", "Status changed to accepted", "Referral received");
        assertThat(details.timeline(WORKER, referral.id()).get(1).actor()).isEqualTo("sam");
        assertThatThrownBy(() -> details.timeline(OTHER_AREA, referral.id())).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }
    /** Found probing: after a reviewer's link (a merge), the referral's timeline had lost everything before it. */
    @Test
    void aMergedReferralKeepsItsWholeTimeline() throws Exception {
        Referral referral = fixture.referrals.receive(GP, new org.waymark.api.referral.NewReferral("https://gp.example/ref", "R9",
                org.waymark.api.referral.Subject.described(null, new org.waymark.api.referral.Demographics("Holloway", "Alexa",
                        java.time.LocalDate.of(1950, 1, 1), "female", null)),
                "Isolated", null, "routine", java.time.Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, null, null)).referral();
        Referral other = fixture.received("R1", "9990010005");
        assertThat(referral.patientId()).isNotEqualTo(other.patientId());
        new CaseRecords(fixture.db, fixture.audit, java.time.Clock.systemUTC()).addNote(WORKER, referral.id(), "Called, will visit");

        new PatientMerges(fixture.db, fixture.audit, org.waymark.referrals.internal.governance.GovernanceAccess.create(fixture.db,
                fixture.referrals, fixture.audit, java.time.Clock.systemUTC(), List.of()).personalData(), java.time.Clock.systemUTC())
                .merge(WORKER, referral.patientId(), other.patientId(), "Same person: GP confirmed");

        assertThat(details.timeline(WORKER, referral.id())).extracting(ReferralDetails.Event::what)
                .containsExactly("Moved to the person's other record (records merged)", "Note added", "Referral received");
    }

    /**
     * Found probing two workers accepting and rejecting one referral at once: the change that lost the race answered
     * 412, though its caller sent no If-Match. Without one, the change is decided on the referral as it is now.
     */
    @Test
    void aStatusChangeOvertakenWithoutIfMatchIsDecidedAgainAndWithIfMatchIsA412() {
        Referral referral = fixture.received("RACE", "9990010005");
        OvertakingClock racing = new OvertakingClock(fixture.db);
        JdbcReferralService service = new JdbcReferralService(fixture.db, fixture.audit, racing,
                new ReferralNotices(fixture.notifier, fixture.contacts));

        racing.overtakeOnce(referral.id());
        Referral accepted = service.changeStatus(WORKER, referral.id(), new StatusChange(ReferralStatus.ACCEPTED, null, null), null);
        assertThat(accepted.status()).isEqualTo(ReferralStatus.ACCEPTED);
        assertThat(accepted.version()).as("the other change and this one").isEqualTo(referral.version() + 2);

        racing.overtakeOnce(referral.id());
        assertThatThrownBy(() -> service.changeStatus(WORKER, referral.id(), new StatusChange(ReferralStatus.IN_PROGRESS, null, null),
                accepted.version())).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
    }
}
