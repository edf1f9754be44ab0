package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.notify.Notification;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class FollowUpsTest {
    private DataSource db;
    private final Fakes.Jobs jobs = new Fakes.Jobs();
    private final Fakes.Notices notices = new Fakes.Notices();
    private final Fakes.Plugins plugins = new Fakes.Plugins();
    private final Fakes.Referrals referrals = new Fakes.Referrals().open("r1", "linkworker").open("r2", "linkworker");
    private final Fakes.Staff staff = new Fakes.Staff();
    // Monday 19 October 2026, 14:00 London (BST); the clocks go back on Sunday 25 October.
    private final MutableClock clock = new MutableClock(Instant.parse("2026-10-19T13:00:00Z"));

    @BeforeEach
    void database() throws Exception {
        db = TestDatabase.migrated("db/digitalskills.xml");
        staff.active.add("linkworker");
    }

    private FollowUps followUps() {
        return new FollowUps(db, referrals.service(), jobs, notices, plugins, staff, Fakes.AUDIT, clock);
    }

    private List<FollowUps.FollowUp> schedule(FollowUps service, String referral) {
        return Jdbc.inTransaction(db, c -> service.scheduleOnce(c, referral, "patient-1", "sheffield", "linkworker",
                Schedule.today(clock.instant())));
    }

    @Test
    void agreeingAPlanSchedulesTheDefaultFollowUpsEachWithADurableReminder() {
        List<FollowUps.FollowUp> scheduled = schedule(followUps(), "r1");

        assertThat(scheduled).extracting(FollowUps.FollowUp::dueOn).containsExactly(LocalDate.of(2026, 11, 2),
                LocalDate.of(2026, 11, 30), LocalDate.of(2027, 1, 11));
        assertThat(scheduled).extracting(FollowUps.FollowUp::status).containsOnly(FollowUps.SCHEDULED);
        assertThat(jobs.pending.values()).extracting(JobRequest::key).containsExactly(
                Schedule.jobKey(scheduled.get(0).id(), LocalDate.of(2026, 11, 2)),
                Schedule.jobKey(scheduled.get(1).id(), LocalDate.of(2026, 11, 30)),
                Schedule.jobKey(scheduled.get(2).id(), LocalDate.of(2027, 1, 11)));
        // After the clocks went back: 09:00 GMT on Sunday 1 November.
        assertThat(jobs.pending.values().iterator().next().runAt()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
        assertThat(notices.queued).singleElement().satisfies(n -> {
            assertThat(n.to()).isEqualTo(Party.person("patient-1"));
            assertThat(n.text()).contains("Monday 2 November 2026", "Monday 30 November 2026", "Monday 11 January 2027");
        });
    }

    @Test
    void afterARestartSchedulingAgainAddsNoFollowUpJobOrMessage() {
        List<FollowUps.FollowUp> first = schedule(followUps(), "r1");
        int jobsBefore = jobs.pending.size();

        // A new component instance over the same database, as after a restart; the same plan is agreed again.
        List<FollowUps.FollowUp> again = schedule(followUps(), "r1");

        assertThat(again).isEqualTo(first);
        assertThat(jobs.pending).hasSize(jobsBefore);
        assertThat(notices.queued).hasSize(1);
    }

    @Test
    void aReminderGoesToThePersonAndTheWorkerOnceWithStableIds() {
        FollowUps service = followUps();
        FollowUps.FollowUp first = schedule(service, "r1").get(0);
        notices.queued.clear();

        clock.set(Instant.parse("2026-11-01T09:00:00Z"));
        assertThat(service.remind(first.id(), first.dueOn())).isTrue();
        // The job runs again (its node died before marking it done): nothing is sent twice.
        assertThat(followUps().remind(first.id(), first.dueOn())).isFalse();

        assertThat(notices.queued).extracting(Notification::to).containsExactly(Party.person("patient-1"), Party.staff("linkworker"));
        assertThat(notices.queued).extracting(Notification::messageId).containsExactly(
                "digital-skills-reminder-" + first.id() + "-2026-11-02-person",
                "digital-skills-reminder-" + first.id() + "-2026-11-02-worker");
        assertThat(notices.queued.get(1).data()).containsEntry("task", "true").containsEntry("link", "#/referrals/r1");
    }

    /**
     * Found probing: a reminder job that runs only after its follow-up's day (the node was down over a weekend) told
     * the person that their link worker "will check in with you on" a day already gone. The worker still gets the task.
     */
    @Test
    void aReminderThatRunsAfterItsDayHasPassedTellsThePersonNothingAndTheWorkerItIsOverdue() {
        FollowUps service = followUps();
        FollowUps.FollowUp first = schedule(service, "r1").get(0);
        notices.queued.clear();

        clock.set(Instant.parse("2026-11-03T08:30:00Z"));
        assertThat(service.remind(first.id(), first.dueOn())).isTrue();

        assertThat(notices.queued).singleElement().satisfies(n -> {
            assertThat(n.to()).isEqualTo(Party.staff("linkworker"));
            assertThat(n.subject()).contains("overdue");
            assertThat(n.text()).contains("was due on Monday 2 November 2026");
        });
        assertThat(followUps().remind(first.id(), first.dueOn())).as("once").isFalse();
    }

    @Test
    void aReminderGoesToWhoeverHoldsTheReferralWhenItGoesNotToWhoAgreedThePlan() {
        FollowUps service = followUps();
        FollowUps.FollowUp first = schedule(service, "r1").get(0);
        notices.queued.clear();
        // A caseload handover: the plan was agreed by linkworker, who has left; newworker holds the referral now.
        referrals.assignee.put("r1", "newworker");
        staff.active.remove("linkworker");
        staff.active.add("newworker");

        clock.set(Instant.parse("2026-11-01T09:00:00Z"));
        assertThat(service.remind(first.id(), first.dueOn())).isTrue();

        assertThat(notices.queued).extracting(Notification::to).containsExactly(Party.person("patient-1"), Party.staff("newworker"));
        assertThat(service.list(Fakes.Staff.worker("newworker"), "r1")).extracting(FollowUps.FollowUp::worker).containsOnly("newworker");
        assertThat(referrals.readers).extracting(c -> c.id()).contains("system:digital-skills-reminder");
    }

    @Test
    void aReminderForAReferralInTheQueueOrHeldBySomeoneWhoCannotSignInGoesToTheAreasLinkWorkers() {
        FollowUps service = followUps();
        List<FollowUps.FollowUp> scheduled = schedule(service, "r1");
        notices.queued.clear();
        clock.set(Instant.parse("2026-11-01T09:00:00Z")); // before both follow-ups: the person is reminded too

        referrals.assignee.remove("r1");
        assertThat(service.remind(scheduled.get(0).id(), scheduled.get(0).dueOn())).isTrue();
        assertThat(service.list(Fakes.Staff.worker("linkworker"), "r1").get(0).worker()).as("in the queue").isNull();
        referrals.assignee.put("r1", "linkworker");
        staff.active.remove("linkworker");
        assertThat(service.remind(scheduled.get(1).id(), scheduled.get(1).dueOn())).isTrue();

        assertThat(notices.queued).extracting(Notification::to).containsExactly(Party.person("patient-1"),
                Party.team(Roles.LINK_WORKER), Party.person("patient-1"), Party.team(Roles.LINK_WORKER));
    }

    @Test
    void aClosedReferralsReminderSendsNothingAndCancelsItsFollowUpsStillToCome() {
        FollowUps service = followUps();
        List<FollowUps.FollowUp> scheduled = schedule(service, "r1");
        FollowUps.FollowUp first = scheduled.get(0);
        notices.queued.clear();
        referrals.status.put("r1", ReferralStatus.COMPLETED);
        assertThat(service.list(Fakes.Staff.worker("linkworker"), "r1")).as("shown cancelled at once")
                .extracting(FollowUps.FollowUp::status).containsOnly(FollowUps.CANCELLED);

        clock.set(Instant.parse("2026-11-01T09:00:00Z"));
        assertThat(service.remind(first.id(), first.dueOn())).isFalse();

        assertThat(notices.queued).isEmpty();
        List<FollowUps.FollowUp> stored = Jdbc.inTransaction(db, c -> FollowUps.query(c, "r1"));
        assertThat(stored).extracting(FollowUps.FollowUp::status).containsOnly(FollowUps.CANCELLED);
        // The later reminders are cancelled; the one running now ends on its own.
        assertThat(jobs.cancelled).containsExactly(Schedule.jobKey(scheduled.get(1).id(), scheduled.get(1).dueOn()),
                Schedule.jobKey(scheduled.get(2).id(), scheduled.get(2).dueOn()));
        assertThat(service.remind(scheduled.get(1).id(), scheduled.get(1).dueOn())).isFalse();
        assertThat(notices.queued).isEmpty();
    }

    @Test
    void everyClosedStatusStopsTheRemindersAndAFollowUpOfAClosedReferralCannotBeMoved() {
        for (ReferralStatus closed : List.of(ReferralStatus.REJECTED, ReferralStatus.FAILED, ReferralStatus.CANCELLED,
                ReferralStatus.ENTERED_IN_ERROR)) {
            String referral = "r-" + closed.code();
            referrals.open(referral, "linkworker");
            FollowUps service = followUps();
            FollowUps.FollowUp first = schedule(service, referral).get(0);
            notices.queued.clear();
            referrals.status.put(referral, closed);

            assertThatThrownBy(() -> service.reschedule(Fakes.Staff.worker("linkworker"), referral, first.id(),
                    first.dueOn().plusDays(1))).as(closed.code()).extracting(e -> ((WaymarkException) e).kind())
                    .isEqualTo(WaymarkException.Kind.CONFLICT);
            assertThat(service.remind(first.id(), first.dueOn())).as(closed.code()).isFalse();
            assertThat(notices.queued).as(closed.code()).isEmpty();
        }
    }

    @Test
    void aReminderForAnOldDateOrADoneFollowUpSendsNothing() {
        FollowUps service = followUps();
        FollowUps.FollowUp first = schedule(service, "r1").get(0);
        notices.queued.clear();
        assertThat(service.remind(first.id(), first.dueOn().minusDays(3))).isFalse();
        clock.set(Instant.parse("2026-10-30T10:00:00Z"));
        Jdbc.inTransaction(db, c -> {
            service.completeDue(c, "r1", "assessment-1", clock.instant());
            return null;
        });
        assertThat(service.remind(first.id(), first.dueOn())).isFalse();
        assertThat(notices.queued).isEmpty();
    }

    @Test
    void aReAssessmentCompletesTheFollowUpDueWithinAWeekAndCancelsItsReminder() {
        FollowUps service = followUps();
        List<FollowUps.FollowUp> scheduled = schedule(service, "r1");

        // 24 October: the 2 November follow-up is more than a week away, so this is an extra assessment.
        clock.set(Instant.parse("2026-10-24T10:00:00Z"));
        Jdbc.inTransaction(db, c -> {
            service.completeDue(c, "r1", "early", clock.instant());
            return null;
        });
        List<FollowUps.FollowUp> before = Jdbc.inTransaction(db, c -> FollowUps.query(c, "r1"));
        assertThat(before).extracting(FollowUps.FollowUp::status).containsOnly(FollowUps.SCHEDULED);

        clock.set(Instant.parse("2026-10-27T10:00:00Z"));
        Jdbc.inTransaction(db, c -> {
            service.completeDue(c, "r1", "on-time", clock.instant());
            return null;
        });
        List<FollowUps.FollowUp> now = Jdbc.inTransaction(db, c -> FollowUps.query(c, "r1"));
        assertThat(now.get(0).status()).isEqualTo(FollowUps.DONE);
        assertThat(now.get(0).assessmentId()).isEqualTo("on-time");
        assertThat(now.subList(1, 3)).extracting(FollowUps.FollowUp::status).containsOnly(FollowUps.SCHEDULED);
        assertThat(jobs.cancelled).containsExactly(Schedule.jobKey(scheduled.get(0).id(), scheduled.get(0).dueOn()));
        assertThat(jobs.pending).hasSize(2);
    }

    @Test
    void theAreasPathwayDecidesWhenAndABrokenOneFallsBackToTheDefault() {
        plugins.pathway = Fakes.pathway(List.of(Period.ofWeeks(4), Period.ofWeeks(1)));
        assertThat(schedule(followUps(), "r1")).extracting(FollowUps.FollowUp::label).containsExactly("1 week", "4 weeks");

        plugins.pathway = Fakes.pathway(null);
        assertThat(schedule(followUps(), "r2")).extracting(FollowUps.FollowUp::label).containsExactly("2 weeks", "6 weeks", "12 weeks");

        plugins.pathway = Fakes.pathway(List.of(Period.ofDays(-3)));
        assertThat(followUps().periods("sheffield")).isEqualTo(Schedule.DEFAULT);
    }

    @Test
    void aFollowUpMovesUpToAYearAheadOrItsOwnDayIfAPathwaySetItFurther() {
        FollowUps service = followUps();
        FollowUps.FollowUp first = schedule(service, "r1").get(0);
        Caller worker = Fakes.Staff.worker("linkworker");
        LocalDate yearAhead = Schedule.today(clock.instant()).plusYears(1);

        for (LocalDate far : List.of(LocalDate.of(9999, 12, 31), yearAhead.plusDays(1))) {
            assertThatThrownBy(() -> service.reschedule(worker, "r1", first.id(), far)).as(far.toString())
                    .isInstanceOfSatisfying(WaymarkException.class, e -> {
                        assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID);
                        assertThat(e.getMessage()).contains("up to a year ahead");
                    });
        }
        assertThat(service.reschedule(worker, "r1", first.id(), yearAhead).dueOn()).isEqualTo(yearAhead);

        plugins.pathway = Fakes.pathway(List.of(Period.ofMonths(18)));
        FollowUps.FollowUp late = schedule(service, "r2").get(0);
        assertThat(late.dueOn()).isAfter(yearAhead);
        assertThatThrownBy(() -> service.reschedule(worker, "r2", late.id(), late.dueOn().plusDays(1)))
                .isInstanceOf(WaymarkException.class);
        assertThat(service.reschedule(worker, "r2", late.id(), late.dueOn().minusDays(7)).dueOn()).isEqualTo(late.dueOn().minusDays(7));
    }
}
