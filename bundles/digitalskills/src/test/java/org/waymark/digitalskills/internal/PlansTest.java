package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Caller;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class PlansTest {
    private static final Caller WORKER = Fakes.Staff.worker("linkworker");
    private static final Plans.PlanBody ONE_GOAL = new Plans.PlanBody(List.of(new Plans.GoalBody("nhs-app", null, null)),
            List.of("no-device"), null, List.of(new Plans.ActionBody("digital-champion", "Library", null)));
    private final Fakes.Jobs jobs = new Fakes.Jobs();
    private final Fakes.Notices notices = new Fakes.Notices();
    private final Fakes.Referrals referrals = new Fakes.Referrals().open("r1", "linkworker");
    private final Fakes.Staff staff = new Fakes.Staff();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-10-19T13:00:00Z"));
    private Plans plans;
    private DataSource db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/digitalskills.xml");
        plans = new Plans(db, referrals.service(), Fakes.followUps(db, referrals, jobs, notices, staff, clock), Fakes.AUDIT, clock);
    }

    private static ObjectNode empty() {
        return FhirJson.MAPPER.createObjectNode();
    }

    private static void refused(Plans.PlanBody body, String message) {
        assertThatThrownBy(() -> Plans.validated(body, empty())).isInstanceOf(WaymarkException.class)
                .hasMessageContaining(message).extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.INVALID);
    }

    @Test
    void aListLeftOutIsRefusedRatherThanSavedAsEmpty() {
        refused(new Plans.PlanBody(null, List.of(), null, List.of()), "goals is required");
        refused(new Plans.PlanBody(List.of(), null, null, List.of()), "barriers is required");
        refused(new Plans.PlanBody(List.of(), List.of(), null, null), "actions is required");
        assertThat(Plans.validated(new Plans.PlanBody(List.of(), List.of(), null, List.of()), empty()).path("goals")).isEmpty();
    }

    @Test
    void unknownCodesAndAreasAreRefusedNamingTheirField() {
        refused(new Plans.PlanBody(List.of(new Plans.GoalBody("nhs-app", null, null), new Plans.GoalBody("nope", null, null)),
                List.of(), null, List.of()), "goals[1].code: unknown goal nope");
        refused(new Plans.PlanBody(List.of(new Plans.GoalBody("other", "Email my GP", "nope")), List.of(), null, List.of()),
                "goals[0].skillArea: unknown skill area nope");
        refused(new Plans.PlanBody(List.of(new Plans.GoalBody("nhs-app", null, "communicating")), List.of(), null, List.of()),
                "goals[0].skillArea: the goal nhs-app belongs to transacting");
        refused(new Plans.PlanBody(List.of(new Plans.GoalBody("other", "Email my GP", null)), List.of(), null, List.of()),
                "goals[0]: describe another goal");
        refused(new Plans.PlanBody(List.of(), List.of("no-device", "no-money"), null, List.of()), "barriers[1]: unknown barrier no-money");
        refused(new Plans.PlanBody(List.of(), List.of(), null, List.of(new Plans.ActionBody("cake", null, null))),
                "actions[0].code: unknown action cake");
        refused(new Plans.PlanBody(List.of(), List.of(), null, List.of(new Plans.ActionBody("skills-group", null, "nope"))),
                "actions[0].serviceId: nope is not a directory service's id");
        refused(new Plans.PlanBody(java.util.Arrays.asList((Plans.GoalBody) null), List.of(), null, List.of()), "goals[0] must be a goal");
    }

    @Test
    void aValidPlanKeepsItsGoalsAreasAndADirectoryServiceId() {
        ObjectNode doc = Plans.validated(new Plans.PlanBody(List.of(new Plans.GoalBody("nhs-app", null, "transacting"),
                new Plans.GoalBody("other", "Email my GP", "communicating")), List.of("no-device"), " Shared phone ",
                List.of(new Plans.ActionBody("skills-group", "Tuesdays", "ac148810-d857-441c-9679-408f346de14b"))), empty());

        assertThat(doc.path("goals")).extracting(g -> g.path("skillArea").asText()).containsExactly("transacting", "communicating");
        assertThat(doc.path("barrierNote").asText()).isEqualTo("Shared phone");
        assertThat(doc.path("actions").get(0).path("serviceId").asText()).isEqualTo("ac148810-d857-441c-9679-408f346de14b");
    }

    @Test
    void aClosedReferralsPlanIsReadButNotChangedAndSchedulesNothing() {
        Plans.Plan agreed = plans.save(WORKER, "r1", ONE_GOAL, 0L);
        String goalId = agreed.doc().path("goals").get(0).path("id").asText();
        notices.queued.clear();
        int jobsBefore = jobs.scheduleCalls;
        for (ReferralStatus closed : List.of(ReferralStatus.COMPLETED, ReferralStatus.REJECTED, ReferralStatus.CANCELLED,
                ReferralStatus.FAILED, ReferralStatus.ENTERED_IN_ERROR)) {
            referrals.status.put("r1", closed);
            assertThatThrownBy(() -> plans.save(WORKER, "r1", ONE_GOAL, 1L)).as(closed.code())
                    .hasMessageContaining("A " + closed.code() + " referral is closed")
                    .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
            assertThatThrownBy(() -> plans.goal(WORKER, "r1", goalId, true)).as(closed.code())
                    .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
            assertThatThrownBy(() -> plans.ethnicity(WORKER, "r1", "white")).as(closed.code())
                    .extracting(e -> ((WaymarkException) e).kind()).isEqualTo(WaymarkException.Kind.CONFLICT);
        }

        Plans.Plan read = plans.plan(WORKER, "r1");
        assertThat(read.version()).isEqualTo(1);
        assertThat(read.followUps()).extracting(FollowUps.FollowUp::status).containsOnly(FollowUps.CANCELLED);
        assertThat(notices.queued).isEmpty();
        assertThat(jobs.scheduleCalls).isEqualTo(jobsBefore);
    }

    @Test
    void aRejectedReferralGetsNoPlanAndSoNoFollowUps() {
        referrals.status.put("r1", ReferralStatus.REJECTED);

        assertThatThrownBy(() -> plans.save(WORKER, "r1", ONE_GOAL, null)).hasMessageContaining("rejected referral is closed");

        assertThat(plans.plan(WORKER, "r1").version()).isZero();
        assertThat(jobs.pending).isEmpty();
        assertThat(notices.queued).isEmpty();
    }
    @Test
    void readingThePersonsEthnicityIsAuditedAsTheSpecialCategoryDataItIs() {
        // Found probing: GET .../equality left only the referral's read in the audit trail, none of the ethnicity.
        List<String> audited = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.waymark.api.security.AuditLog audit = (caller, action, type, id, patient) ->
                audited.add(caller.id() + " " + action + " " + type + " " + patient);
        Plans recorded = new Plans(db, referrals.service(), Fakes.followUps(db, referrals, jobs, notices, staff, clock), audit, clock);
        recorded.ethnicity(WORKER, "r1", "white");
        audited.clear();

        assertThat(recorded.ethnicity(WORKER, "r1")).hasValue("white");
        assertThat(audited).containsExactly("linkworker READ EqualityMonitoring patient-1");
        assertThat(recorded.ethnicity(Fakes.Staff.worker("someone-else"), "r1")).hasValue("white");
        assertThat(audited).hasSize(2);
    }
}
