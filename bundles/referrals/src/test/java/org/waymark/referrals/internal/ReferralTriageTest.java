package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.Subject;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;
import org.waymark.api.triage.TriageRule;

/** An area's triage rules run after intake, and what they say is recorded, combined and shown. */
class ReferralTriageTest {
    private final RecordingScheduler jobs = new RecordingScheduler();

    @Test
    void areaWithoutRulesSchedulesNoTriage() throws Exception {
        Fixture f = new Fixture(new ListedPlugins());
        f.receive("R1");
        assertThat(jobs.scheduled).isEmpty();
    }

    @Test
    void rulesOfTheAreaScoreRaiseThePriorityAndRouteTheReferral() throws Exception {
        List<TriageFacts> seen = new ArrayList<>();
        TriageRule age = rule("age", facts -> {
            seen.add(facts);
            return Optional.of(new TriageDecision(20, "urgent", "older-people", List.of("Aged " + facts.age())));
        });
        TriageRule alone = rule("alone", facts -> facts.mentions("lives alone")
                ? Optional.of(new TriageDecision(15, null, "befriending", List.of("Lives alone"))) : Optional.empty());
        TriageRule otherArea = rule("elsewhere", facts -> Optional.of(new TriageDecision(99, "asap", "x", List.of("wrong area"))));
        Fixture f = new Fixture(new ListedPlugins().with(age, "p.age", "sheffield").with(alone, "p.alone", "sheffield")
                .with(otherArea, "p.other", "islington"));

        Referral referral = f.receive("R1");
        assertThat(jobs.scheduled).extracting(JobRequest::key).containsExactly(referral.id());
        f.triage.run(new Job("j1", ReferralTriage.JOB_TYPE, referral.id(), "sheffield", 1, Instant.now()));

        ReferralTriage.Outcome outcome = f.triage.outcome(referral.id()).orElseThrow();
        assertThat(outcome.score()).isEqualTo(35);
        assertThat(outcome.priority()).isEqualTo("urgent");
        assertThat(outcome.route()).as("the first rule's route wins").isEqualTo("older-people");
        assertThat(outcome.rules()).containsExactly("age", "alone");
        assertThat(outcome.reasons()).containsExactly("Aged 76", "Lives alone");
        assertThat(seen.get(0).age()).isEqualTo(76);
        assertThat(seen.get(0).toString()).as("a rule never sees the name or NHS number").doesNotContain("Holloway", "9990010005");
        Referral after = f.fixture.referrals.find(CaseFixture.WORKER, referral.id()).orElseThrow();
        assertThat(after.priority()).isEqualTo("urgent");
        assertThat(after.version()).as("the Task changed, so its version moved on").isEqualTo(referral.version() + 1);
    }

    @Test
    void aRuleThatThrowsIsSkippedAndTheOthersStillDecide() throws Exception {
        TriageRule broken = rule("broken", facts -> {
            throw new IllegalStateException("plugin bug");
        });
        TriageRule fine = rule("fine", facts -> Optional.of(new TriageDecision(5, null, null, List.of("ok"))));
        Fixture f = new Fixture(new ListedPlugins().with(broken, "p.broken", null).with(fine, "p.fine", "sheffield"));
        Referral referral = f.receive("R1");
        f.triage.run(new Job("j1", ReferralTriage.JOB_TYPE, referral.id(), "sheffield", 1, Instant.now()));

        assertThat(f.triage.outcome(referral.id())).hasValueSatisfying(o -> {
            assertThat(o.rules()).containsExactly("fine");
            assertThat(o.priority()).as("a rule never lowers the referrer's priority").isEqualTo("routine");
        });
    }

    @Test
    void runningTheJobAgainGivesTheSameSingleOutcome() throws Exception {
        TriageRule rule = rule("once", facts -> Optional.of(new TriageDecision(10, "urgent", null, List.of("r"))));
        Fixture f = new Fixture(new ListedPlugins().with(rule, "p", "sheffield"));
        Referral referral = f.receive("R1");
        Job job = new Job("j1", ReferralTriage.JOB_TYPE, referral.id(), "sheffield", 1, Instant.now());
        f.triage.run(job);
        f.triage.run(job);
        assertThat(f.triage.outcome(referral.id()).orElseThrow().score()).isEqualTo(10);
        assertThat(f.fixture.referrals.find(CaseFixture.WORKER, referral.id()).orElseThrow().version())
                .as("the priority changed once").isEqualTo(referral.version() + 1);
    }

    private static TriageRule rule(String id, java.util.function.Function<TriageFacts, Optional<TriageDecision>> assess) {
        return new TriageRule() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public Optional<TriageDecision> assess(TriageFacts referral) {
                return assess.apply(referral);
            }
        };
    }

    private final class Fixture {
        final CaseFixture fixture = new CaseFixture();
        final ReferralTriage triage;
        final JdbcReferralService service;

        Fixture(ListedPlugins plugins) throws Exception {
            triage = new ReferralTriage(fixture.db, plugins, jobs, Clock.systemUTC());
            service = new JdbcReferralService(fixture.db, fixture.audit, Clock.systemUTC(),
                    new ReferralNotices(fixture.notifier, fixture.contacts), triage, null, null);
        }

        Referral receive(String identifier) {
            return service.receive(CaseFixture.GP, new NewReferral("https://gp.example/ref", identifier,
                    Subject.described(NhsNumber.parse("9990010005").orElseThrow(),
                            new Demographics("Holloway", "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                    "Isolated; lives alone", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null,
                    "application/fhir+json", "{}")).referral();
        }
    }
}
