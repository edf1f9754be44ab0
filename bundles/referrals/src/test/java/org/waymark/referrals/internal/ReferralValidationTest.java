package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.Subject;
import org.waymark.api.validation.ProfileValidator;
import org.waymark.api.validation.ValidationIssue;
import org.waymark.api.validation.ValidationReport;
import org.waymark.api.validation.ValidationRequest;

/**
 * Each FHIR referral is profile-validated after intake by a job that checks a batch of them; the outcome flags the
 * referral, never refuses it.
 */
class ReferralValidationTest {
    private final CaseFixture fixture = new CaseFixture();
    private final RecordingScheduler jobs = new RecordingScheduler();
    private final List<ValidationRequest> validated = new ArrayList<>();

    ReferralValidationTest() throws Exception {
    }

    @Test
    void aFhirReferralIsPendingUntilItsJobRecordsTheErrorsAndWarnings() {
        ReferralValidation validation = validation(request -> new ValidationReport(List.of(
                new ValidationIssue(ValidationIssue.Severity.WARNING, "code-invalid", "ServiceRequest.category[0]", "unknown code system"),
                new ValidationIssue(ValidationIssue.Severity.ERROR, "required", "ServiceRequest.status", "minimum required = 1"))));
        Referral referral = receive(validation, "R1", "application/fhir+xml;version=1.1.0", "<ServiceRequest/>");
        assertThat(validation.result(referral.id())).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo("pending"));

        validation.sendPending();
        JobRequest batch = single(jobs.scheduled);
        assertThat(batch.type()).isEqualTo(ReferralValidation.JOB_TYPE);
        assertThat(PendingChecks.referralIds(batch.payload())).containsExactly(referral.id());
        validation.run(job(batch, 1));

        assertThat(validated).singleElement().satisfies(r -> {
            assertThat(r.body()).isEqualTo("<ServiceRequest/>");
            assertThat(r.encoding()).isEqualTo(ValidationRequest.Encoding.XML);
        });
        ReferralValidation.Result result = validation.result(referral.id()).orElseThrow();
        assertThat(result.state()).isEqualTo("invalid");
        assertThat(result.errors()).isEqualTo(1);
        assertThat(result.warnings()).isEqualTo(1);
        assertThat(result.checkedAt()).isNotNull();
        assertThat(result.issues()).as("errors first").extracting(ReferralValidation.Issue::severity).containsExactly("error", "warning");
        assertThat(result.issues().get(0).location()).isEqualTo("ServiceRequest.status");
    }

    @Test
    void runningTheJobAgainKeepsOneResultAndOnlyTheFirstIssues() {
        ReferralValidation validation = validation(request -> new ValidationReport(IntStream.range(0, 70)
                .mapToObj(i -> new ValidationIssue(ValidationIssue.Severity.WARNING, "processing", null, "warning " + i)).toList()));
        Referral referral = receive(validation, "R1", "application/fhir+json", "{\"resourceType\":\"ServiceRequest\"}");
        validation.run(job(referral, 1));
        validation.run(job(referral, 1));

        assertThat(validated).as("a referral no longer pending is not checked again").hasSize(1);
        ReferralValidation.Result result = validation.result(referral.id()).orElseThrow();
        assertThat(result.state()).as("warnings leave a referral valid").isEqualTo("valid");
        assertThat(result.warnings()).as("counts cover every issue").isEqualTo(70);
        assertThat(result.issues()).hasSize(ReferralValidation.KEPT_ISSUES);
    }

    @Test
    void onANodeWithoutAValidatorAReferralIsUnavailableAtOnceWithNoJob() {
        ReferralValidation validation = new ReferralValidation(fixture.db, jobs, Clock.systemUTC(), null, Duration.ZERO);
        Referral referral = receive(validation, "R1", "application/fhir+json", "{\"resourceType\":\"ServiceRequest\"}");
        validation.sendPending();
        assertThat(jobs.scheduled).isEmpty();
        ReferralValidation.Result result = validation.result(referral.id()).orElseThrow();
        assertThat(result.state()).isEqualTo("unavailable");
        assertThat(result.checkedAt()).isNotNull();
    }

    @Test
    void aValidatorGoneBeforeTheJobRanIsRetriedAndThenRecordedUnavailable() {
        ReferralValidation atIntake = validation(request -> new ValidationReport(List.of()));
        Referral referral = receive(atIntake, "R1", "application/fhir+json", "{\"resourceType\":\"ServiceRequest\"}");
        atIntake.sendPending();
        assertThat(jobs.scheduled).hasSize(1);
        // The feature is uninstalled before the job runs.
        ReferralValidation validation = new ReferralValidation(fixture.db, jobs, Clock.systemUTC(), null, Duration.ZERO);

        for (int attempt = 1; attempt < ReferralValidation.TRIES; attempt++) {
            int tried = attempt;
            assertThatThrownBy(() -> validation.run(job(referral, tried)))
                    .as("a declared outcome: retried with backoff, not counted against the bundle")
                    .isInstanceOf(WaymarkException.class);
            assertThat(validation.result(referral.id()).orElseThrow().state()).isEqualTo("pending");
        }
        validation.run(job(referral, ReferralValidation.TRIES));

        assertThat(validation.result(referral.id()).orElseThrow().state()).isEqualTo("unavailable");
    }

    @Test
    void aJobThatRunsBeforeTheValidatorIsBoundWaitsForIt() throws Exception {
        Referral referral = receive(validation(request -> new ValidationReport(List.of())), "R1", "application/fhir+json",
                "{\"resourceType\":\"ServiceRequest\"}");
        // A restart: the job runner is up, the validation feature not yet.
        ReferralValidation starting = new ReferralValidation(fixture.db, jobs, Clock.systemUTC(), null, Duration.ofSeconds(30));
        java.util.concurrent.CompletableFuture<Void> job = new java.util.concurrent.CompletableFuture<>();
        Thread runner = new Thread(() -> {
            try {
                starting.run(job(referral, 1));
                job.complete(null);
            } catch (RuntimeException e) {
                job.completeExceptionally(e);
            }
        });
        runner.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (runner.getState() != Thread.State.TIMED_WAITING) { // until the job waits for the validator
            assertThat(System.nanoTime() - deadline).as("the job waits for the validator").isNegative();
            assertThat(job).as("the job waits for the validator").isNotDone();
            Thread.onSpinWait();
        }
        starting.bindValidator(request -> {
            validated.add(request);
            return new ValidationReport(List.of());
        });

        job.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(starting.result(referral.id()).orElseThrow().state()).isEqualTo("valid");
        assertThat(validated).hasSize(1);
    }

    @Test
    void aReferralNotReceivedAsFhirIsNotChecked() {
        ReferralValidation validation = validation(request -> new ValidationReport(List.of()));
        Referral referral = receive(validation, "R1", null, null);
        validation.sendPending();
        assertThat(jobs.scheduled).isEmpty();
        assertThat(validation.result(referral.id())).isEmpty();
    }

    private ReferralValidation validation(ProfileValidator validator) {
        ProfileValidator recordingValidator = request -> {
            validated.add(request);
            return validator.validate(request);
        };
        return new ReferralValidation(fixture.db, jobs, Clock.systemUTC(), recordingValidator, Duration.ZERO);
    }

    private Referral receive(ReferralValidation validation, String identifier, String format, String document) {
        JdbcReferralService service = new JdbcReferralService(fixture.db, fixture.audit, Clock.systemUTC(),
                new ReferralNotices(fixture.notifier, fixture.contacts), null, null, validation);
        return service.receive(CaseFixture.GP, new NewReferral("https://gp.example/ref", identifier,
                Subject.described(NhsNumber.parse("9990010005").orElseThrow(),
                        new Demographics("Holloway", "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, format, document)).referral();
    }

    @Test
    void referralsJoinBatchesOfAtMostTwentyAndAJobChecksOnlyThoseStillPending() {
        // A gathering that never times out here: a full batch and the explicit send below make the jobs, however slowly
        // this machine receives the referrals.
        ReferralValidation validation = new ReferralValidation(fixture.db, jobs, Clock.systemUTC(), request -> {
            validated.add(request);
            return new ValidationReport(List.of());
        }, Duration.ZERO, Duration.ofHours(1));
        List<Referral> referrals = IntStream.range(0, PendingChecks.BATCH + 5)
                .mapToObj(i -> receive(validation, "R" + i, "application/fhir+json", "{\"resourceType\":\"ServiceRequest\"}"))
                .toList();
        validation.sendPending();

        assertThat(jobs.scheduled).as("one job per batch, not per referral").hasSize(2);
        List<String> named = jobs.scheduled.stream().flatMap(j -> PendingChecks.referralIds(j.payload()).stream()).toList();
        assertThat(named).containsExactlyInAnyOrderElementsOf(referrals.stream().map(Referral::id).toList());
        assertThat(jobs.scheduled).extracting(JobRequest::key).doesNotHaveDuplicates();

        validation.run(job(referrals.get(3), 1)); // checked by another job first
        jobs.scheduled.forEach(batch -> validation.run(job(batch, 1)));
        assertThat(validated).as("each referral checked once").hasSize(referrals.size());
        assertThat(referrals).allSatisfy(r -> assertThat(validation.result(r.id()).orElseThrow().state()).isEqualTo("valid"));
    }

    @Test
    void aBatchLostFromMemoryIsScheduledAgainAtTheNextStartAndStaleOnesLater() {
        // The node dies before its batch is scheduled: the job is lost with it, the check still pending in the database.
        RecordingScheduler lostWithTheNode = new RecordingScheduler();
        ReferralValidation beforeTheCrash = new ReferralValidation(fixture.db, lostWithTheNode, Clock.systemUTC(),
                request -> new ValidationReport(List.of()), Duration.ZERO);
        Referral lost = receive(beforeTheCrash, "R1", "application/fhir+json", "{\"resourceType\":\"ServiceRequest\"}");

        RecordingScheduler afterTheStart = new RecordingScheduler();
        ReferralValidation restarted = new ReferralValidation(fixture.db, afterTheStart, Clock.systemUTC(),
                request -> new ValidationReport(List.of()), Duration.ZERO);
        assertThat(new PendingChecks(fixture.db, afterTheStart, ReferralValidation.JOB_TYPE, Clock.systemUTC(), "test")
                .recover(false)).as("not stale yet: another node may still hold it").isZero();
        Clock later = Clock.offset(Clock.systemUTC(), PendingChecks.STALE.plusMinutes(1));
        assertThat(new PendingChecks(fixture.db, afterTheStart, ReferralValidation.JOB_TYPE, later, "test").recover(false))
                .as("stale: taken as lost").isEqualTo(1);
        assertThat(new PendingChecks(fixture.db, afterTheStart, ReferralValidation.JOB_TYPE, Clock.systemUTC(), "test")
                .recover(true)).as("at a start, every pending check").isEqualTo(1);

        assertThat(afterTheStart.scheduled).hasSize(2).allSatisfy(batch ->
                assertThat(PendingChecks.referralIds(batch.payload())).containsExactly(lost.id()));
        afterTheStart.scheduled.forEach(batch -> restarted.run(job(batch, 1)));
        assertThat(restarted.result(lost.id()).orElseThrow().state()).isEqualTo("valid");
    }

    @Test
    void stoppingSendsWhatIsGathered() {
        ReferralValidation validation = validation(request -> new ValidationReport(List.of()));
        Referral referral = receive(validation, "R1", "application/fhir+json", "{\"resourceType\":\"ServiceRequest\"}");
        validation.stop();
        assertThat(PendingChecks.referralIds(single(jobs.scheduled).payload())).containsExactly(referral.id());
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    /** A job of an earlier build: one referral, named by its key. */
    private static Job job(Referral referral, int attempt) {
        return new Job("j1", ReferralValidation.JOB_TYPE, referral.id(), null, attempt, Instant.now());
    }

    private static Job job(JobRequest batch, int attempt) {
        return new Job("j-" + batch.key(), batch.type(), batch.key(), batch.payload(), attempt, Instant.now());
    }
}
