package org.waymark.platform.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.internal.PlatformConfig;
import org.waymark.platform.internal.RequestActivity;
import org.waymark.platform.testing.TestDatabase;

class JobRunnerTest {
    private DataSource db;
    private JobStore store;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml");
        store = new JobStore(db, Clock.systemUTC(), "test", 3);
    }

    private void schedule(String type, String key) {
        Jdbc.inTransaction(db, c -> store.insert(c, JobRequest.now(type, key, null)));
    }

    /** {@code count} jobs of a type, keyed {@code keyPrefix} 0, 1, ... */
    private void schedule(String type, String keyPrefix, int count) {
        for (int i = 0; i < count; i++) {
            schedule(type, keyPrefix + i);
        }
    }

    private JobRunner startRunner(RequestActivity activity, long pollMillis, JobHandler... handlers) throws Exception {
        return new JobRunner(db, null, new Listed(List.of(handlers)), activity, config(Map.of("jobPollMillis", pollMillis)));
    }

    @Test
    void aHeavyTypesBacklogKeepsToItsOwnLimitAndOtherTypesRunBesideIt() throws Exception {
        CountDownLatch heavyMayFinish = new CountDownLatch(1);
        CountDownLatch lightRan = new CountDownLatch(1);
        CountDownLatch heavyStarted = new CountDownLatch(1);
        AtomicInteger heavyRunning = new AtomicInteger();
        AtomicInteger heavyMostAtOnce = new AtomicInteger();
        JobHandler heavy = new Handler("heavy", 1, job -> {
            heavyMostAtOnce.accumulateAndGet(heavyRunning.incrementAndGet(), Math::max);
            heavyStarted.countDown();
            heavyMayFinish.await(30, TimeUnit.SECONDS);
            heavyRunning.decrementAndGet();
        });
        JobHandler light = new Handler("light", Integer.MAX_VALUE, job -> lightRan.countDown());
        schedule("heavy", "backlog-", 10);
        schedule("light", "after-the-backlog");

        JobRunner runner = startRunner(new RequestActivity(), 20L, heavy, light);
        try {
            assertThat(lightRan.await(15, TimeUnit.SECONDS)).as("the light job runs while the heavy backlog waits").isTrue();
            // The light job may run before the first heavy one has started (seen on a loaded machine): wait for that
            // one, which holds the heavy type's only run until the test lets it finish.
            assertThat(heavyStarted.await(15, TimeUnit.SECONDS)).isTrue();
            assertThat(heavyMostAtOnce.get()).isEqualTo(1);
        } finally {
            heavyMayFinish.countDown();
            runner.stop();
        }
    }

    @Test
    void aTypeLimitedToOneRunWorksThroughItsBacklogBackToBackNotOnePerPoll() throws Exception {
        CountDownLatch allRan = new CountDownLatch(20);
        schedule("one-at-a-time", "backlog-", 20);
        // Polls 10 s apart: twenty jobs finish in time only if each finished job leases the next.
        JobRunner runner = startRunner(new RequestActivity(), 10_000L, new Handler("one-at-a-time", 1, job -> allRan.countDown()));
        try {
            assertThat(allRan.await(8, TimeUnit.SECONDS)).isTrue();
        } finally {
            runner.stop();
        }
    }

    @Test
    void backgroundJobsYieldToRequestsAndRunBackToBackWhenTheNodeIsIdle() throws Exception {
        List<Long> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch busyRuns = new CountDownLatch(3);
        JobHandler validation = new Handler("validate", 1, job -> {
            starts.add(System.nanoTime());
            long done = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(40); // 40 ms of work, on the CPU
            while (System.nanoTime() - done < 0) {
                Thread.onSpinWait();
            }
            busyRuns.countDown();
        }, true);
        schedule("validate", "busy-", 3);
        RequestActivity activity = new RequestActivity();
        activity.started(); // a request in flight throughout
        JobRunner runner = startRunner(activity, 20L, validation);
        try {
            assertThat(busyRuns.await(15, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < starts.size(); i++) {
                long gapMillis = TimeUnit.NANOSECONDS.toMillis(starts.get(i) - starts.get(i - 1));
                // 40 ms of work, then at least three times as long before the next one starts.
                assertThat(gapMillis).as("start %d after start %d while busy", i, i - 1)
                        .isGreaterThanOrEqualTo(40 + 40 * JobRunner.BACKGROUND_SPACING - 10);
            }

            endRequestAndAwaitIdle(activity);
            starts.clear();
            CountDownLatch idleRuns = new CountDownLatch(3);
            JobHandler idle = new Handler("validate", 1, job -> idleRuns.countDown(), true);
            runner.stop();
            schedule("validate", "idle-", 3);
            // Polls 10 s apart: the three finish in time only if each one leases the next at once.
            runner = startRunner(activity, 10_000L, idle);
            assertThat(idleRuns.await(8, TimeUnit.SECONDS)).as("back to back on an idle node").isTrue();
        } finally {
            runner.stop();
        }
    }

    @Test
    void aBackgroundTypeRunsOneAtATimeWhileTheNodeIsBusyAndUpToItsLimitWhenIdle() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CountDownLatch ran = new CountDownLatch(4);
        JobHandler validation = new Handler("validate", 2, job -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            runFor(TimeUnit.MILLISECONDS.toNanos(150));
            running.decrementAndGet();
            ran.countDown();
        }, true);
        schedule("validate", "busy-", 4);
        RequestActivity activity = new RequestActivity();
        activity.started();
        JobRunner runner = startRunner(activity, 20L, validation);
        try {
            assertThat(ran.await(15, TimeUnit.SECONDS)).isTrue();
            assertThat(mostAtOnce.get()).as("while requests are served").isEqualTo(1);
        } finally {
            runner.stop();
        }

        endRequestAndAwaitIdle(activity);
        mostAtOnce.set(0);
        CountDownLatch idleRan = new CountDownLatch(4);
        CountDownLatch bothStarted = new CountDownLatch(2);
        JobHandler idleValidation = new Handler("validate", 2, job -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            bothStarted.countDown();
            bothStarted.await(5, TimeUnit.SECONDS); // holds the first until a second one runs beside it
            running.decrementAndGet();
            idleRan.countDown();
        }, true);
        schedule("validate", "idle-", 4);
        runner = startRunner(activity, 20L, idleValidation);
        try {
            assertThat(idleRan.await(15, TimeUnit.SECONDS)).isTrue();
            assertThat(mostAtOnce.get()).as("on an idle node, up to the type's limit").isEqualTo(2);
        } finally {
            runner.stop();
        }
    }

    @Test
    void stoppingNeverInterruptsARunningJobWhichMayBeInDerbysFileIo() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        JobHandler slow = new Handler("slow", 1, job -> {
            started.countDown();
            runFor(TimeUnit.MILLISECONDS.toNanos(300));
            interrupted.set(Thread.currentThread().isInterrupted());
            finished.countDown();
        });
        schedule("slow", "one");
        JobRunner runner = startRunner(new RequestActivity(), 20L, slow);
        assertThat(started.await(15, TimeUnit.SECONDS)).isTrue();
        runner.stop();
        assertThat(finished.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted.get()).as("the job's thread was interrupted by the stop").isFalse();
    }

    @Test
    void stoppingWaitsForAPollInTheDatabaseWhichDerbysShutdownWouldInterrupt() throws Exception {
        CountDownLatch pollInDatabase = new CountDownLatch(1);
        CountDownLatch pollMayGoOn = new CountDownLatch(1);
        AtomicBoolean holdNextPoll = new AtomicBoolean();
        DataSource real = db;
        db = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            if (method.getName().equals("getConnection") && Thread.currentThread().getName().equals("waymark-job-poller")
                    && holdNextPoll.compareAndSet(true, false)) {
                pollInDatabase.countDown();
                pollMayGoOn.await(10, TimeUnit.SECONDS);
            }
            return method.invoke(real, args);
        });
        JobRunner runner = startRunner(new RequestActivity(), 20L, new Handler("any", 1, job -> { }));
        holdNextPoll.set(true);
        assertThat(pollInDatabase.await(15, TimeUnit.SECONDS)).isTrue();

        Thread stopping = new Thread(() -> {
            try {
                runner.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopping.start();
        stopping.join(500);
        assertThat(stopping.isAlive()).as("the stop waits while a poll is in the database").isTrue();
        pollMayGoOn.countDown();
        stopping.join(5_000);
        assertThat(stopping.isAlive()).as("the stop returns once the poll is done").isFalse();
    }

    /** A job's work: holds its thread until the deadline, without sleeping (parking keeps an interrupt visible). */
    @Test
    void aFailedRunIsListedInPlainWordsWithoutClassNamesOrTheTextOfUnexpectedExceptions() {
        Duration limit = Duration.ofSeconds(60);
        assertThat(JobRunner.errorText(new PluginCallException("failed", new org.waymark.api.notify.DeliveryException(
                "The FHIR endpoint answered HTTP 404", true), false), limit)).isEqualTo("The FHIR endpoint answered HTTP 404");
        assertThat(JobRunner.errorText(new PluginCallException("failed", new org.waymark.api.jobs.PermanentJobFailure(
                "fhir: The FHIR endpoint could not be reached: connection refused"), false), limit))
                .isEqualTo("fhir: The FHIR endpoint could not be reached: connection refused");
        assertThat(JobRunner.errorText(new PluginCallException("failed", new IllegalStateException("jo@example.org"), false), limit))
                .doesNotContain("Exception").doesNotContain("jo@example.org").contains("failed unexpectedly");
        assertThat(JobRunner.errorText(new PluginCallException("Plugin x timed out", null, true), limit)).isEqualTo("timed out after 60 s");
        assertThat(JobRunner.errorText(new PluginCallException("Plugin x is marked failed", null, false), limit))
                .isEqualTo("Plugin x is marked failed");
    }

    private static void runFor(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() - until < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
        }
    }

    /** Ends the request in flight and waits out the quiet interval after it. */
    private static void endRequestAndAwaitIdle(RequestActivity activity) {
        activity.ended();
        long idleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (activity.busy()) {
            assertThat(System.nanoTime() - idleBy).as("the node became idle").isNegative();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private interface Work {
        void run(Job job) throws Exception;
    }

    private record Handler(String type, int maxConcurrentRuns, Work work, boolean background) implements JobHandler {
        Handler(String type, int maxConcurrentRuns, Work work) {
            this(type, maxConcurrentRuns, work, false);
        }

        @Override
        public void run(Job job) throws Exception {
            work.run(job);
        }
    }

    /** Every handler as a core service, called directly. */
    private record Listed(List<JobHandler> handlers) implements PluginRegistry {
        @Override
        @SuppressWarnings("unchecked")
        public <S> List<PluginService<S>> services(Class<S> type, String area) {
            return handlers.stream().map(h -> new PluginService<>((S) h, "core", null)).toList();
        }

        @Override
        public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
            try {
                return call.apply(service.service());
            } catch (Exception e) {
                throw new PluginCallException("failed", e, false);
            }
        }
    }

    /** The defaults of the annotation, with some overridden. */
    static PlatformConfig config(Map<String, Object> overrides) {
        return (PlatformConfig) Proxy.newProxyInstance(PlatformConfig.class.getClassLoader(), new Class<?>[] {PlatformConfig.class},
                (proxy, method, args) -> overrides.containsKey(method.getName()) ? overrides.get(method.getName()) : method.getDefaultValue());
    }
}
