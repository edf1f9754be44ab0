package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.validation.ProfileValidator;
import org.waymark.api.validation.ValidationIssue;
import org.waymark.api.validation.ValidationReport;
import org.waymark.api.validation.ValidationRequest;
import org.waymark.platform.db.Jdbc;

/**
 * Profile validation of each referral's original FHIR document, after intake: intake only records "pending" (the
 * validation takes tens of milliseconds, seconds for the first one, and must never slow or refuse intake); once the
 * intake has committed, the referral joins a batch that a durable job checks ({@link PendingChecks}); the job
 * records each outcome, which flags the referral but never rejects it.
 *
 * <p>The validator is an optional feature. A referral received on a node without it is recorded "unavailable" at
 * once. A job that finds no validator waits a little for one (after a restart the job runner starts before the
 * validation feature). When it stays missing (uninstalled between intake and the job) or fails, the job tries again
 * with the job runner's backoff; on its last try it records "unavailable" and completes, so a node without the
 * feature neither piles up failing jobs nor fills the dead-letter list.
 */
@Component(service = {ReferralValidation.class, JobHandler.class})
public final class ReferralValidation implements JobHandler {
    static final String JOB_TYPE = "referral.validate";
    /** Tries while the validator is missing: about 15 s with the default backoff (5 s, then 10 s). */
    static final int TRIES = 3;
    /** The issues kept per referral; the counts cover all of them. */
    static final int KEPT_ISSUES = 50;
    private static final String NOT_INSTALLED = "Profile validation is not available on this server";
    private static final Logger LOG = LoggerFactory.getLogger(ReferralValidation.class);

    /** What the console and {@code GET /api/referrals/{id}} show. */
    public record Result(String state, int errors, int warnings, String detail, Instant checkedAt, List<Issue> issues) {
    }

    public record Issue(String severity, String code, String location, String message) {
    }

    /**
     * For how long after this component starts a job waits for a validator that is not bound yet: after a restart the
     * job runner starts before the validation feature, and a job would otherwise spend its tries in that moment.
     * Only then: once the feature is gone for good, a backlog of jobs must not wait one by one.
     */
    static final Duration VALIDATOR_PATIENCE = Duration.ofSeconds(15);
    /** After a start, when referrals left pending by the previous run are scheduled again: once the node has settled. */
    static final Duration RECOVERY_DELAY = Duration.ofSeconds(30);

    private final DataSource db;
    private final Clock clock;
    /** System.nanoTime() until which a job waits for a validator. */
    private final long patientUntil;
    private final Object validatorChanged = new Object();
    private volatile ProfileValidator validator;
    private final PendingChecks pending;

    @Activate
    public ReferralValidation(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                              @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema,
                              @Reference JobScheduler jobs) {
        this(db, jobs, Clock.systemUTC(), null, VALIDATOR_PATIENCE);
        pending.startRecovery(RECOVERY_DELAY);
    }

    ReferralValidation(DataSource db, JobScheduler jobs, Clock clock, ProfileValidator validator, Duration validatorPatience) {
        this(db, jobs, clock, validator, validatorPatience, PendingChecks.GATHER);
    }

    /** @param gather the longest a referral waits in memory for its batch to fill */
    ReferralValidation(DataSource db, JobScheduler jobs, Clock clock, ProfileValidator validator, Duration validatorPatience,
                       Duration gather) {
        this.db = db;
        this.clock = clock;
        this.validator = validator;
        this.patientUntil = System.nanoTime() + validatorPatience.toNanos();
        this.pending = new PendingChecks(db, jobs, JOB_TYPE, clock, "waymark-profile-checks", gather);
    }

    @Deactivate
    void stop() {
        pending.stop();
    }

    /** Schedules what waits in memory now rather than after {@link PendingChecks#GATHER} (tests). */
    void sendPending() {
        pending.send();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindValidator(ProfileValidator bound) {
        synchronized (validatorChanged) {
            validator = bound;
            validatorChanged.notifyAll();
        }
    }

    void unbindValidator(ProfileValidator unbound) {
        synchronized (validatorChanged) {
            if (validator == unbound) {
                validator = null;
            }
        }
    }

    /**
     * In the intake transaction: a pending check for a referral that came as a FHIR document, which joins a batch
     * once the transaction has committed.
     */
    void scheduleIfFhir(Connection transaction, String referralId, String sourceFormat, String sourceDocument)
            throws SQLException {
        if (sourceDocument == null || ValidationRequest.Encoding.ofMediaType(sourceFormat).isEmpty()) {
            return;
        }
        // Intake is refused until the node is ready, and a ready node has every installed feature started: no
        // validator here means the feature is not installed, and a job would only retry to say so (at the cost of
        // several writes per referral).
        boolean installed = validator != null;
        try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO wm_referral_validation (referral_id, "
                + "state, errors, warnings, detail, checked_at) VALUES (?, ?, 0, 0, ?, ?)")) {
            insert.setString(1, referralId);
            insert.setString(2, installed ? "pending" : "unavailable");
            insert.setString(3, installed ? null : NOT_INSTALLED);
            insert.setTimestamp(4, installed ? null : Timestamp.from(clock.instant()));
            insert.executeUpdate();
        }
        if (installed) {
            Jdbc.afterCommit(transaction, () -> pending.add(referralId));
        }
    }

    @Override
    public String type() {
        return JOB_TYPE;
    }

    /**
     * Checks the referrals a batch names that are still pending (a job of an earlier build names one referral by its
     * key). A job run again after a failure, or a referral named by two jobs, checks nothing twice.
     */
    @Override
    public void run(Job job) {
        List<String> named = job.payload() == null ? List.of(job.key()) : PendingChecks.referralIds(job.payload());
        for (String referralId : stillPending(named)) {
            Optional<ValidationRequest> document = document(referralId);
            if (document.isPresent()) { // else erased since: nothing to check
                validate(job, referralId, document.get());
            }
        }
    }

    /**
     * One look by primary key per referral: an IN list let Derby choose a scan of the whole table when it planned the
     * statement on a small one (seen in a plan survey), and the table has a row for every referral ever received.
     */
    private List<String> stillPending(List<String> referralIds) {
        if (referralIds.isEmpty()) {
            return List.of();
        }
        return Jdbc.inTransaction(db, c -> {
            List<String> pendingIds = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT state FROM wm_referral_validation WHERE referral_id = ?")) {
                for (String referralId : referralIds) {
                    s.setString(1, referralId);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next() && "pending".equals(r.getString(1))) {
                            pendingIds.add(referralId);
                        }
                    }
                }
            }
            return pendingIds;
        });
    }

    /**
     * At most one validation per core on a node, and the job runner allows only one at a time while the node serves
     * requests ({@link #background()}): a burst of intake leaves its backlog as pending jobs, the other job types keep
     * the other workers, and an idle node works the backlog off on every core (HAPI's validator is thread-safe).
     */
    @Override
    public int maxConcurrentRuns() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Background work: nobody waits for a check (it flags, never refuses), so while the node serves requests it takes
     * about a quarter of a core, and it catches up at full speed when intake is quiet.
     */
    @Override
    public boolean background() {
        return true;
    }

    private void validate(Job job, String referralId, ValidationRequest document) {
        ProfileValidator installed = awaitValidator();
        ValidationReport report;
        try {
            if (installed == null) {
                throw new IllegalStateException("no profile validator is installed");
            }
            report = installed.validate(document);
        } catch (IllegalArgumentException unreadable) {
            report = new ValidationReport(List.of(new ValidationIssue(ValidationIssue.Severity.FATAL, "structure", null,
                    "The stored document could not be read as FHIR")));
        } catch (RuntimeException e) {
            if (job.attempt() < TRIES) {
                // A declared outcome: the job runner retries with backoff, and the referrals bundle is not counted as
                // a misbehaving plugin for a validator that is merely absent or still starting.
                throw new WaymarkException(WaymarkException.Kind.UNAVAILABLE, "Profile validation not available yet: "
                        + e.getMessage());
            }
            LOG.info("Referral {} not profile-validated: {}", referralId, e.getMessage());
            store(referralId, "unavailable", null, NOT_INSTALLED);
            return;
        }
        store(referralId, report.valid() ? "valid" : "invalid", report, null);
        LOG.debug("Referral {} profile-validated: {} errors, {} warnings", referralId, report.errors(), report.warnings());
    }

    /** The validator; in the first moments after start, waiting for one to be bound. Null when none comes. */
    private ProfileValidator awaitValidator() {
        synchronized (validatorChanged) {
            while (validator == null) {
                long left = patientUntil - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(validatorChanged, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return validator;
        }
    }

    private Optional<ValidationRequest> document(String referralId) {
        try (Connection c = db.getConnection()) {
            return SourceDocuments.read(c, referralId).flatMap(document -> ValidationRequest.Encoding
                    .ofMediaType(document.mediaType()).map(encoding -> ValidationRequest.of(document.text(), encoding)));
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }

    private void store(String referralId, String state, ValidationReport report, String detail) {
        List<ValidationIssue> kept = report == null ? List.of() : report.issues().stream()
                .sorted(Comparator.comparing(ValidationIssue::severity)).limit(KEPT_ISSUES).toList();
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM wm_referral_validation_issue WHERE referral_id = ?")) {
                delete.setString(1, referralId);
                delete.executeUpdate();
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE wm_referral_validation SET state = ?, errors = ?, "
                    + "warnings = ?, detail = ?, checked_at = ? WHERE referral_id = ?")) {
                update.setString(1, state);
                update.setInt(2, report == null ? 0 : (int) report.errors());
                update.setInt(3, report == null ? 0 : (int) report.warnings());
                update.setString(4, detail);
                update.setTimestamp(5, Timestamp.from(clock.instant()));
                update.setString(6, referralId);
                if (update.executeUpdate() == 0) {
                    return null; // the referral was erased while it was being checked
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO wm_referral_validation_issue (referral_id, "
                    + "position, severity, code, location, message) VALUES (?,?,?,?,?,?)")) {
                for (int i = 0; i < kept.size(); i++) {
                    ValidationIssue issue = kept.get(i);
                    insert.setString(1, referralId);
                    insert.setInt(2, i);
                    insert.setString(3, issue.severity().code());
                    insert.setString(4, PatientLinker.clip(issue.code(), 32));
                    insert.setString(5, PatientLinker.clip(issue.location(), 500));
                    insert.setString(6, PatientLinker.clip(issue.message(), 1000));
                    insert.addBatch();
                }
                if (!kept.isEmpty()) {
                    insert.executeBatch();
                }
            }
            return null;
        });
    }

    /** The recorded check of a referral; empty when it was not received as a FHIR document. */
    public Optional<Result> result(String referralId) {
        return Jdbc.inTransaction(db, c -> {
            Result found;
            try (PreparedStatement s = c.prepareStatement("SELECT state, errors, warnings, detail, checked_at "
                    + "FROM wm_referral_validation WHERE referral_id = ?")) {
                s.setString(1, referralId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<Result>empty();
                    }
                    Timestamp checked = r.getTimestamp(5);
                    found = new Result(r.getString(1), r.getInt(2), r.getInt(3), r.getString(4),
                            checked == null ? null : checked.toInstant(), List.of());
                }
            }
            List<Issue> issues = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT severity, code, location, message FROM "
                    + "wm_referral_validation_issue WHERE referral_id = ? ORDER BY position")) {
                s.setString(1, referralId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        issues.add(new Issue(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
                    }
                }
            }
            return Optional.of(new Result(found.state(), found.errors(), found.warnings(), found.detail(),
                    found.checkedAt(), List.copyOf(issues)));
        });
    }
}
