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
        assertThatThrownBy(() -> manual.enter(WORKER, new ManualReferrals.Entry("sheffield", "self", null, "X", null, null, null,
                null, " ", null, null, null))).hasMessageContaining("reason is required");
    }
}
