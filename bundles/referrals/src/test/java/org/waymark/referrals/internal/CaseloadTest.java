package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.referrals.internal.CaseFixture.ADMIN;
import static org.waymark.referrals.internal.CaseFixture.WORKER;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Subject;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.TimeRange;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.StaffDirectory;

/** Caseload filters and sorting, assignment and hand-over, and referrals entered by hand. */
class CaseloadTest {
    private static final Caller KIM = new Caller("kim", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    private static final StaffDirectory STAFF = new StaffDirectory() {
        @Override
        public Optional<Caller> findStaff(String username) {
            return List.of(WORKER, KIM, CaseFixture.OTHER_AREA).stream().filter(c -> c.id().equals(username)).findFirst();
        }

        @Override
        public List<Caller> staffOf(String area) {
            return List.of(WORKER, KIM);
        }
    };

    private CaseFixture fixture;
    private Assignments assignments;
    private ManualReferrals manual;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CaseFixture();
        assignments = new Assignments(fixture.db, fixture.audit, STAFF, Clock.systemUTC());
        manual = new ManualReferrals(fixture.db, fixture.audit, Clock.systemUTC());
    }

    /** Found probing: an assignment overtaken by another change answered 412 though it sent no If-Match. */
    @Test
    void anAssignmentOvertakenWithoutIfMatchIsDecidedAgainAndWithIfMatchIsA412() {
        Referral referral = fixture.received("R1", "9990010005");
        OvertakingClock racing = new OvertakingClock(fixture.db);
        Assignments racingAssignments = new Assignments(fixture.db, fixture.audit, STAFF, racing);

        racing.overtakeOnce(referral.id());
        Referral assigned = racingAssignments.assign(WORKER, referral.id(), "kim", null);
        assertThat(assigned.assignee()).isEqualTo("kim");
        assertThat(assigned.version()).as("the other change and this one").isEqualTo(referral.version() + 2);

        racing.overtakeOnce(referral.id());
        assertThatThrownBy(() -> racingAssignments.assign(WORKER, referral.id(), "sam", assigned.version()))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
    }

    @Test
    void aReferralIsAssignedToAWorkerOfItsAreaWithTheVersionChecked() {
        Referral referral = fixture.received("R1", "9990010005");
        Referral assigned = assignments.assign(WORKER, referral.id(), "kim", 1L);
        assertThat(assigned.assignee()).isEqualTo("kim");
        assertThat(assigned.version()).isEqualTo(2);
        assertThatThrownBy(() -> assignments.assign(WORKER, referral.id(), "sam", 1L)).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
        assertThatThrownBy(() -> assignments.assign(WORKER, referral.id(), "ira", null)).hasMessageContaining("not a link worker in sheffield");
        assertThatThrownBy(() -> assignments.assign(WORKER, referral.id(), "nobody", null)).hasMessageContaining("No active user");
        assertThat(assignments.assign(WORKER, referral.id(), null, 2L).assignee()).as("back to the queue").isNull();
    }

    @Test
    void anAdminHandsALeaversOpenCaseloadToAColleague() {
        Referral open = fixture.received("R1", "9990010005");
        Referral closed = fixture.received("R2", "9990010374");
        assignments.assign(WORKER, open.id(), "sam", null);
        fixture.referrals.changeStatus(WORKER, closed.id(), ReferralStatus.ACCEPTED, null, null);
        fixture.referrals.changeStatus(WORKER, closed.id(), ReferralStatus.COMPLETED, null, null);

        assertThatThrownBy(() -> assignments.handOver(WORKER, "sheffield", "sam", "kim")).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
        assertThat(assignments.handOver(ADMIN, "sheffield", "sam", "kim")).isEqualTo(1);
        assertThat(fixture.referrals.find(WORKER, open.id()).orElseThrow().assignee()).isEqualTo("kim");
        assertThat(fixture.referrals.find(WORKER, closed.id()).orElseThrow().assignee()).as("closed work stays with its worker").isEqualTo("sam");
    }

    @Test
    void theCaseloadFiltersByAreaPriorityAndDaysWaitingAndSortsOldestFirst() throws Exception {
        Referral first = fixture.received("R1", "9990010005");
        Referral second = fixture.received("R2", "9990010374");
        try (var c = fixture.db.getConnection(); var s = c.prepareStatement("UPDATE wm_referral SET created_at = ?, priority = 'urgent' WHERE id = ?")) {
            s.setTimestamp(1, java.sql.Timestamp.from(Instant.now().minus(10, ChronoUnit.DAYS)));
            s.setString(2, first.id());
            s.executeUpdate();
        }
        ReferralSearch all = ReferralSearch.all(0, 10);
        assertThat(fixture.referrals.search(WORKER, all).items()).extracting(Referral::id).containsExactly(second.id(), first.id());
        assertThat(fixture.referrals.search(WORKER, all.withCaseloadFilters(null, TimeRange.ANY, true)).items())
                .extracting(Referral::id).containsExactly(first.id(), second.id());
        assertThat(fixture.referrals.search(WORKER, all.withCaseloadFilters("urgent", TimeRange.ANY, false)).items())
                .extracting(Referral::id).containsExactly(first.id());
        assertThat(fixture.referrals.search(WORKER, all.withCaseloadFilters(null,
                new TimeRange(null, Instant.now().minus(7, ChronoUnit.DAYS)), false)).items()).extracting(Referral::id).containsExactly(first.id());
        assertThat(fixture.referrals.search(WORKER, all.withArea("islington")).total()).isZero();
    }

    @Test
    void oneWorkersReferralsAndTheUnassignedQueueAreListedAndCountedInEitherOrder() {
        Referral first = fixture.received("R1", "9990010005");
        Referral second = fixture.received("R2", "9990010374");
        Referral third = fixture.received("R3", "9990010544");
        assignments.assign(WORKER, first.id(), "kim", null);
        assignments.assign(WORKER, third.id(), "kim", null);
        for (boolean oldestFirst : new boolean[] {false, true}) {
            ReferralSearch kims = new ReferralSearch(null, null, null, null, Set.of(), "kim", false, null, 0, 10)
                    .withCountLimit(CaseloadResource.COUNT_LIMIT).withCaseloadFilters(null, TimeRange.ANY, oldestFirst);
            var page = fixture.referrals.search(WORKER, kims);
            assertThat(page.total()).isEqualTo(2);
            assertThat(page.items()).extracting(Referral::id)
                    .containsExactly(oldestFirst ? new String[] {first.id(), third.id()} : new String[] {third.id(), first.id()});
            ReferralSearch queue = new ReferralSearch(null, null, null, null, Set.of(), ReferralSearch.UNASSIGNED, false, null, 0, 10)
                    .withCountLimit(CaseloadResource.COUNT_LIMIT).withCaseloadFilters(null, TimeRange.ANY, oldestFirst);
            assertThat(fixture.referrals.search(WORKER, queue).items()).extracting(Referral::id).containsExactly(second.id());
            ReferralSearch mine = new ReferralSearch(null, null, null, null, Set.of(), "kim", true, null, 0, 10)
                    .withCountLimit(CaseloadResource.COUNT_LIMIT).withCaseloadFilters(null, TimeRange.ANY, oldestFirst);
            assertThat(fixture.referrals.search(WORKER, mine).total()).as("kim's working list").isEqualTo(3);
        }
    }

    @Test
    void aNameSearchListsByNameThenNewestAndFollowsACorrectedName() throws Exception {
        Referral holloway = fixture.received("R1", "9990010005");
        Referral hollins = fixture.referrals.receive(CaseFixture.GP, new NewReferral("https://gp.example/ref", "R2",
                Subject.described(NhsNumber.parse("9990010374").orElseThrow(),
                        new Demographics("Hollins", "Sam", LocalDate.of(1960, 2, 2), "male", "S2 2BB")),
                "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X, Demo Surgery", null,
                "application/fhir+json", "{}")).referral();
        ReferralSearch holl = new ReferralSearch(null, null, null, null, Set.of(), null, false, "Holl", 0, 10)
                .withCountLimit(CaseloadResource.COUNT_LIMIT);
        assertThat(fixture.referrals.search(WORKER, holl).items()).as("by name first, although Holloway is older")
                .extracting(Referral::id).containsExactly(hollins.id(), holloway.id());

        Rectifications rectifications = new Rectifications(fixture.db, fixture.referrals, fixture.audit, Clock.systemUTC());
        long version = fixture.referrals.findPatient(WORKER, holloway.patientId()).orElseThrow().version();
        rectifications.correct(WORKER, holloway.patientId(),
                new Rectifications.Correction(null, "Smith", null, null, null, null, "Name changed on marriage"), version);
        assertThat(fixture.referrals.search(WORKER, holl).items()).extracting(Referral::id).containsExactly(hollins.id());
        ReferralSearch smi = new ReferralSearch(null, null, null, null, Set.of(), null, false, "smi", 0, 10);
        assertThat(fixture.referrals.search(WORKER, smi).items()).extracting(Referral::id).containsExactly(holloway.id());
        ReferralSearch byNumber = new ReferralSearch(null, null, null, null, Set.of(), null, false, "999 001 0374", 0, 10);
        assertThat(fixture.referrals.search(WORKER, byNumber).items()).extracting(Referral::id).containsExactly(hollins.id());
        ReferralSearch unknownNumber = new ReferralSearch(null, "9990010544", null, null, Set.of(), null, false, null, 0, 10);
        assertThat(fixture.referrals.search(WORKER, unknownNumber).total()).isZero();
    }

    @Test
    void aReferralEnteredByHandIsLinkedLikeAnyOtherAndGetsATask() {
        Referral fromGp = fixture.received("R1", "9990010005");
        Referral byPhone = manual.enter(WORKER, new ManualReferrals.Entry("sheffield", "phone", "999 001 0005", "Holloway", "Alex",
                LocalDate.of(1950, 1, 1), "female", "S1 1AA", "Rang to ask for help with loneliness", "urgent", "Daughter", null));
        assertThat(byPhone.patientId()).as("the same verified NHS number links to the same person").isEqualTo(fromGp.patientId());
        assertThat(byPhone.taskId()).isNotBlank();
        assertThat(byPhone.senderId()).isEqualTo("sam");
        assertThat(byPhone.requester()).isEqualTo("Daughter, phone call");
        assertThat(byPhone.status()).isEqualTo(ReferralStatus.REQUESTED);
        assertThat(fixture.referrals.findByTask(WORKER, byPhone.taskId())).isPresent();

        assertThatThrownBy(() -> manual.enter(WORKER, new ManualReferrals.Entry("islington", "phone", null, "X", null, null, null,
                null, "r", null, null, null))).hasMessageContaining("area")
                .satisfies(e -> assertThat(((org.waymark.api.error.WaymarkException) e).kind())
                        .as("another area is outside the caller's data: 403").isEqualTo(org.waymark.api.error.WaymarkException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> manual.enter(WORKER, new ManualReferrals.Entry("sheffield", "pigeon", null, "X", null, null, null,
                null, "r", null, null, null))).hasMessageContaining("source");
        assertThatThrownBy(() -> manual.enter(WORKER, new ManualReferrals.Entry("sheffield", null, null, "X", null, null, null,
                null, "r", null, null, null))).as("no source at all: a 400, not Map.of(...).containsKey(null)'s exception")
                .isInstanceOf(org.waymark.api.error.WaymarkException.class).hasMessageContaining("source must be");
        assertThatThrownBy(() -> manual.enter(WORKER, new ManualReferrals.Entry("sheffield", "self", null, "X", null, null, null,
                null, " ", null, null, null))).hasMessageContaining("reason is required");
    }
}
