package org.waymark.platform.internal.jobs;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.jobs.PermanentJobFailure;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.platform.db.DatabaseThreads;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.NodeName;
import org.waymark.platform.internal.PlatformConfig;
import org.waymark.platform.internal.RequestActivity;

/**
 * Runs due jobs on this node: a poller leases as many jobs as there are free workers, and each job runs through the
 * plugin guard with a time limit shorter than its lease, so a job never runs on two nodes at once unless its node
 * stopped answering.
 */
@Component(service = {JobScheduler.class, JobRunner.class}, configurationPid = PlatformConfig.PID)
public final class JobRunner implements JobScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** Jobs wait for the boot to settle: handlers and channels activate with the rest of the container. */
    private static final long FIRST_POLL_DELAY_MS = 2000;
    /**
     * While requests are being served, a background job type waits this many times as long as its last job ran
     * before the next one starts: about a quarter of one core for background work, the rest for the requests.
     */
    static final int BACKGROUND_SPACING = 3;
    /**
     * The longest such wait: a first run that also warmed a cache (the validator's engine, seconds) must not stall the
     * next for long. Long enough that a job checking a batch of referrals (seconds on a loaded machine) keeps to its
     * quarter of a core: with a one-second cap such a job took more than half of one.
     */
    static final long BACKGROUND_MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** Soon after a start (a node may run for weeks), then hourly. */
    private static final long PURGE_FIRST_DELAY_SECONDS = 10;
    private static final long PURGE_EVERY_SECONDS = 3600;
    private static final int PURGE_BATCH = 500;

    private final DataSource db;
    private final JobStore store;
    private final PluginRegistry plugins;
    private final Backoff backoff;
    private final Duration timeLimit;
    private final int workers;
    private final Semaphore freeWorkers;
    private final ScheduledExecutorService poller;
    /**
     * Deletes finished jobs once they are older than {@link #keepDone}: the table would otherwise grow by a row for
     * every referral checked and every message delivered, for as long as the node runs.
     */
    private final ScheduledExecutorService purger;
    private final Duration keepDone;
    private volatile boolean stopping;
    private final ExecutorService executor;
    private final RunningJobs concurrency = new RunningJobs();
    private final RequestActivity activity;
    /** Per background job type, the System.nanoTime() before which its next job does not start. */
    private final Map<String, Long> backgroundNotBefore = new ConcurrentHashMap<>();
    /** Only the poller thread counts polls. */
    private long polls;

    @Activate
    public JobRunner(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                     @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema,
                     @Reference PluginRegistry plugins, @Reference RequestActivity activity, PlatformConfig config)
            throws SQLException {
        this.db = db;
        this.activity = activity;
        this.store = new JobStore(db, Clock.systemUTC(), NodeName.current(), config.jobMaxAttempts());
        this.plugins = plugins;
        this.backoff = new Backoff(Duration.ofMillis(config.jobRetryBaseMillis()), Duration.ofMillis(config.jobRetryMaxMillis()));
        this.timeLimit = Duration.ofSeconds(config.jobTimeLimitSeconds());
        this.workers = Math.max(1, config.jobWorkers());
        this.freeWorkers = new Semaphore(workers);
        int released = ownsDatabaseAlone(db) ? store.releaseAllLeases() : store.releaseOwnLeases();
        if (released > 0) {
            LOG.info("Released {} job lease(s) left by a previous run of this node", released);
        }
        this.executor = Executors.newFixedThreadPool(workers, named("waymark-job"));
        this.poller = DatabaseThreads.scheduler("waymark-job-poller");
        poller.scheduleWithFixedDelay(this::pollSafely, FIRST_POLL_DELAY_MS, Math.max(10, config.jobPollMillis()), TimeUnit.MILLISECONDS);
        this.keepDone = Duration.ofDays(Math.max(1, config.jobKeepDoneDays()));
        this.purger = DatabaseThreads.scheduler("waymark-job-purge");
        purger.scheduleWithFixedDelay(this::purgeDoneSafely, PURGE_FIRST_DELAY_SECONDS, PURGE_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /** Embedded Derby belongs to this process alone; a server database may be shared by several nodes. */
    private static boolean ownsDatabaseAlone(DataSource db) throws SQLException {
        try (Connection c = db.getConnection()) {
            String url = c.getMetaData().getURL();
            return url != null && url.startsWith("jdbc:derby:") && !url.startsWith("jdbc:derby://");
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Settings are read at start; a configuration update (Karaf re-delivers the interpolated configuration while it
     * boots) must not restart the runner, and with it every component that uses it, in the middle of the boot.
     */
    @Modified
    void settingsChanged() {
        LOG.debug("Job settings changed; they apply from the next start");
    }

    @Deactivate
    void stop() throws InterruptedException {
        // Never interrupted (DatabaseThreads): a job still running after the wait ends with the database, and runs
        // again after the next start.
        // The poller and the purger are waited for too: when the node stops, Derby's engine shuts down moments later
        // and interrupts every thread still inside it; one interrupted in Derby's file I/O holds the engine's
        // closing checkpoint for up to a minute.
        stopping = true;
        DatabaseThreads.stop(poller, Duration.ofSeconds(2));
        DatabaseThreads.stop(purger, Duration.ofSeconds(2));
        DatabaseThreads.stop(executor, Duration.ofSeconds(5));
    }

    public JobStore store() {
        return store;
    }

    @Override
    public String schedule(Connection transaction, JobRequest request) {
        try {
            return store.insert(transaction, request);
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }

    @Override
    public String scheduleNew(Connection transaction, JobRequest request) {
        try {
            return store.insertNew(transaction, request);
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }

    @Override
    public String schedule(JobRequest request) {
        String id = Jdbc.inTransaction(db, c -> store.insert(c, request));
        poller.execute(this::pollSafely);
        return id;
    }

    @Override
    public boolean cancel(Connection transaction, String type, String key) {
        try {
            return store.cancel(transaction, type, key);
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }

    /**
     * A worker just came free: lease again now rather than at the next tick, so that a type limited to one run at a
     * time works through its backlog back to back instead of one job per poll interval.
     */
    private void pollSoon() {
        try {
            poller.execute(this::pollSafely);
        } catch (RejectedExecutionException stopping) {
            // the runner is stopping; nothing more to lease
        }
    }

    private void purgeDoneSafely() {
        try {
            int deleted = store.purgeDone(keepDone, PURGE_BATCH, () -> !stopping);
            if (deleted > 0) {
                LOG.info("Deleted {} jobs finished more than {} days ago", deleted, keepDone.toDays());
            }
        } catch (RuntimeException e) {
            LOG.warn("Deleting old finished jobs failed: {}", e.getMessage());
        }
    }

    private void pollSafely() {
        if (stopping) {
            return; // a wake-up scheduled before the stop: leasing now would hold jobs that no worker will run
        }
        try {
            poll();
        } catch (RuntimeException e) {
            // The database may be away for a moment; the next poll tries again.
            LOG.warn("Polling for due jobs failed: {}", e.getMessage());
        }
    }

    private void poll() {
        Map<String, PluginService<JobHandler>> handlers = handlersByType();
        int free = freeWorkers.availablePermits();
        if (handlers.isEmpty() || free == 0) {
            return;
        }
        // Each type is leased on its own, in an order that turns every poll, and only up to its own limit: a backlog
        // of one type then never stands in front of another's jobs.
        List<String> types = new ArrayList<>(handlers.keySet());
        Collections.rotate(types, (int) (polls++ % types.size()));
        for (String type : types) {
            PluginService<JobHandler> handler = handlers.get(type);
            boolean background = isBackground(handler);
            if (background) {
                Long notBefore = backgroundNotBefore.get(type);
                if (notBefore != null && notBefore - System.nanoTime() > 0) {
                    continue; // its wake-up poll is scheduled
                }
            }
            // Background work yields to requests: one job at a time, spaced out, while the node serves them; up to the
            // type's own limit (a validation per core) once it is idle, so that a burst's backlog is worked off sooner.
            int limit = background && activity.busy() ? 1 : maxConcurrentRuns(handler);
            int room = Math.min(free, concurrency.room(type, limit));
            if (room <= 0) {
                continue;
            }
            for (Job job : store.lease(List.of(type), room, timeLimit.multipliedBy(2))) {
                freeWorkers.acquireUninterruptibly();
                free--;
                concurrency.started(type);
                executor.execute(() -> {
                    long started = System.nanoTime();
                    try {
                        run(job, handler);
                    } finally {
                        // The pause is recorded before the type's slot is given back: the other way round, a poll in
                        // between leased the next background job at once (a unit test saw it on a loaded machine).
                        boolean spaced = background && activity.busy();
                        long pause = spaced ? Math.min(BACKGROUND_MAX_PAUSE_NANOS, (System.nanoTime() - started) * BACKGROUND_SPACING) : 0;
                        if (spaced) {
                            backgroundNotBefore.put(type, System.nanoTime() + pause);
                        } else {
                            backgroundNotBefore.remove(type);
                        }
                        concurrency.finished(type);
                        freeWorkers.release();
                        if (spaced) {
                            pollLater(pause);
                        } else {
                            pollSoon();
                        }
                    }
                });
            }
            if (free == 0) {
                return;
            }
        }
    }

    private void pollLater(long nanos) {
        try {
            poller.schedule(this::pollSafely, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            // the runner is stopping; nothing more to lease
        }
    }

    private static boolean isBackground(PluginService<JobHandler> handler) {
        try {
            return handler.service().background();
        } catch (RuntimeException e) {
            return false; // a handler that cannot say runs as before
        }
    }

    private static int maxConcurrentRuns(PluginService<JobHandler> handler) {
        try {
            return Math.max(1, handler.service().maxConcurrentRuns());
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE; // a handler that cannot say is not held back
        }
    }

    private Map<String, PluginService<JobHandler>> handlersByType() {
        Map<String, PluginService<JobHandler>> byType = new LinkedHashMap<>();
        for (PluginService<JobHandler> handler : plugins.services(JobHandler.class, null)) {
            try {
                byType.putIfAbsent(handler.service().type(), handler);
            } catch (RuntimeException e) {
                LOG.warn("Job handler of {} does not tell its type", handler.pluginId());
            }
        }
        return byType;
    }

    /**
     * A failed run as admins read it in the job list: the handler's own words for the outcomes the SPI lets it report
     * (a refusal, an unreachable recipient), otherwise plain words. Never a class name, and never an exception's text
     * that the handler did not write for this list (it may quote data).
     */
    static String errorText(PluginCallException failure, Duration timeLimit) {
        if (failure.timedOut()) {
            return "timed out after " + timeLimit.toSeconds() + " s";
        }
        Throwable cause = failure.getCause() == null ? failure : failure.getCause();
        if (cause instanceof Jdbc.DatabaseUnavailableException) {
            return "the database was unavailable";
        }
        if (isDeclaredOutcome(failure) && cause.getMessage() != null && !cause.getMessage().isBlank()) {
            return cause.getMessage();
        }
        return "failed unexpectedly (the log has the details under this job's id)";
    }

    private static boolean isDeclaredOutcome(PluginCallException failure) {
        Throwable cause = failure.getCause();
        return cause == null || cause instanceof PermanentJobFailure || cause instanceof DeliveryException
                || cause instanceof WaymarkException;
    }

    void run(Job job, PluginService<JobHandler> handler) {
        try {
            plugins.call(handler, timeLimit, h -> {
                h.run(job);
                return null;
            });
            if (!store.complete(job.id())) {
                LOG.warn("Job {} finished after its lease moved to another node", job.id());
            }
        } catch (PluginCallException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            boolean permanent = cause instanceof PermanentJobFailure;
            String error = errorText(e, timeLimit);
            if (!isDeclaredOutcome(e)) {
                StackTraceElement[] at = cause.getStackTrace();
                LOG.warn("Job {} ({}) failed unexpectedly: {} at {}", job.id(), job.type(), cause.getClass().getName(),
                        at.length == 0 ? "?" : at[0]);
            }
            JobStore.State state = store.fail(job.id(), error, permanent, backoff);
            // The error text comes from code, not from personal data, but log only ids and the state to be safe.
            LOG.info("Job {} ({}) attempt {} failed; now {}", job.id(), job.type(), job.attempt(), state);
        } catch (RuntimeException e) {
            LOG.warn("Job {} could not be recorded as finished: {}", job.id(), e.getMessage());
        }
    }
}
