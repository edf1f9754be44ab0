package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.platform.db.DatabaseThreads;
import org.waymark.platform.db.Jdbc;

/**
 * Gathers the referrals whose profile check is pending into one job per batch. A job of its own for each referral
 * cost intake a row with four index entries (7.5% of a plain ServiceRequest's CPU) and the job runner a lease, a
 * completion and a purge per referral; a batch job costs that once for up to {@link #BATCH} referrals.
 *
 * <p>A referral joins a batch once its intake has committed ({@link Jdbc#afterCommit}): a job must never name a
 * referral that was rolled back, nor one that another node cannot see yet. The batch waits in memory for at most
 * {@link #GATHER}; what a crash loses from memory is still recorded as pending in {@code wm_referral_validation},
 * which is the durable record: {@link #recover} schedules the pending referrals again at start and, for referrals that
 * have been pending for longer than {@link #STALE} (a node of a cluster that died and stayed down), every so often.
 * A referral named by two jobs is checked once: a job skips referrals that are no longer pending.
 */
final class PendingChecks {
    /** Referrals a job checks: a few hundred milliseconds of validation, well inside a job's time limit. */
    static final int BATCH = 20;
    /** The longest a referral waits in memory for its batch to fill. */
    static final Duration GATHER = Duration.ofMillis(200);
    /** Pending for this long after intake, a referral is taken as lost from another node's memory. */
    static final Duration STALE = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(PendingChecks.class);

    private final DataSource db;
    private final JobScheduler jobs;
    private final String jobType;
    private final Clock clock;
    private final ScheduledExecutorService gatherer;
    private final Duration gather;
    private final Object lock = new Object();
    private List<String> gathered = new ArrayList<>();
    private boolean sendScheduled;

    PendingChecks(DataSource db, JobScheduler jobs, String jobType, Clock clock, String threadName) {
        this(db, jobs, jobType, clock, threadName, GATHER);
    }

    PendingChecks(DataSource db, JobScheduler jobs, String jobType, Clock clock, String threadName, Duration gather) {
        this.gather = gather;
        this.db = db;
        this.jobs = jobs;
        this.jobType = jobType;
        this.clock = clock;
        this.gatherer = DatabaseThreads.scheduler(threadName);
    }

    /** The referral ids a batch job names, in the form {@link #add} gives them. */
    static List<String> referralIds(String payload) {
        return payload == null || payload.isBlank() ? List.of() : Arrays.asList(payload.trim().split(" "));
    }

    /** Referral ids are UUIDs: a space between them is all the payload needs. */
    private static String payload(List<String> referralIds) {
        return String.join(" ", referralIds);
    }

    /** A referral whose intake has committed with its check pending. */
    void add(String referralId) {
        List<String> full = null;
        synchronized (lock) {
            gathered.add(referralId);
            if (gathered.size() >= BATCH) {
                full = gathered;
                gathered = new ArrayList<>();
            } else if (!sendScheduled) {
                try {
                    gatherer.schedule(this::sendSafely, gather.toMillis(), TimeUnit.MILLISECONDS);
                    sendScheduled = true;
                } catch (RejectedExecutionException stopping) {
                    // The component is stopping; stop() sends what is gathered.
                }
            }
        }
        if (full != null) {
            // Scheduled by the gatherer's thread: the job's insert is a transaction of its own, which the request that
            // filled the batch need not wait for.
            List<String> batch = full;
            try {
                gatherer.execute(() -> scheduleSafely(batch));
            } catch (RejectedExecutionException stopping) {
                scheduleSafely(batch);
            }
        }
    }

    private void sendSafely() {
        List<String> batch;
        synchronized (lock) {
            batch = gathered;
            gathered = new ArrayList<>();
            sendScheduled = false;
        }
        scheduleSafely(batch);
    }

    private void scheduleSafely(List<String> batch) {
        try {
            schedule(batch);
        } catch (RuntimeException e) {
            // Still pending in the database: the next start's recovery schedules them.
            LOG.warn("Scheduling profile checks failed: {}", e.getMessage());
        }
    }

    /** Schedules everything gathered so far, full batches on their way included, before it returns. */
    void send() {
        try {
            gatherer.submit(this::sendSafely).get();
        } catch (java.util.concurrent.ExecutionException | RejectedExecutionException e) {
            sendSafely();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void schedule(List<String> referralIds) {
        for (int from = 0; from < referralIds.size(); from += BATCH) {
            List<String> part = referralIds.subList(from, Math.min(referralIds.size(), from + BATCH));
            jobs.schedule(JobRequest.now(jobType, "batch-" + UUID.randomUUID(), payload(part)));
        }
    }

    /**
     * Schedules checks for referrals still pending that no job of this node names: at start every one (a crash lost
     * this node's gathered batch; jobs of the previous run may name some again, which is harmless), later those
     * pending for longer than {@link #STALE}.
     *
     * @return the referrals scheduled
     */
    int recover(boolean all) {
        List<String> pending = Jdbc.inTransaction(db, c -> pendingReferrals(c, all ? null
                : Timestamp.from(clock.instant().minus(STALE))));
        schedule(pending);
        return pending.size();
    }

    private static List<String> pendingReferrals(Connection c, Timestamp receivedBefore) throws SQLException {
        String sql = "SELECT v.referral_id FROM wm_referral_validation v"
                + (receivedBefore == null ? " WHERE v.state = 'pending'"
                : " JOIN wm_referral r ON r.id = v.referral_id WHERE v.state = 'pending' AND r.created_at < ?");
        try (PreparedStatement s = c.prepareStatement(sql)) {
            if (receivedBefore != null) {
                s.setTimestamp(1, receivedBefore);
            }
            List<String> ids = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            return ids;
        }
    }

    /** Recovery at start after {@code firstDelay}, and for stale checks every {@link #STALE}. */
    void startRecovery(Duration firstDelay) {
        gatherer.schedule(() -> recoverSafely(true), firstDelay.toMillis(), TimeUnit.MILLISECONDS);
        gatherer.scheduleWithFixedDelay(() -> recoverSafely(false), firstDelay.plus(STALE).toMillis(), STALE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void recoverSafely(boolean all) {
        try {
            int scheduled = recover(all);
            if (scheduled > 0) {
                LOG.info("Scheduled profile checks for {} referrals still pending{}", scheduled,
                        all ? " from before this start" : " for over " + STALE.toMinutes() + " minutes");
            }
        } catch (RuntimeException e) {
            LOG.warn("Looking for pending profile checks failed: {}", e.getMessage());
        }
    }

    /** Sends what is gathered and stops: nothing committed waits for the next start. */
    void stop() {
        DatabaseThreads.stop(gatherer, Duration.ofSeconds(2));
        sendSafely();
    }
}
