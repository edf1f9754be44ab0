package org.waymark.platform.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.internal.PlatformConfig;
import org.waymark.platform.testing.TestDatabase;

class JobRunnerTest {

    @Test
    void aHeavyTypesBacklogKeepsToItsOwnLimitAndOtherTypesRunBesideIt() throws Exception {
        DataSource db = TestDatabase.migrated("db/platform.xml");
        CountDownLatch heavyMayFinish = new CountDownLatch(1);
        CountDownLatch lightRan = new CountDownLatch(1);
        AtomicInteger heavyRunning = new AtomicInteger();
        AtomicInteger heavyMostAtOnce = new AtomicInteger();
        JobHandler heavy = new Handler("heavy", 1, job -> {
            heavyMostAtOnce.accumulateAndGet(heavyRunning.incrementAndGet(), Math::max);
            heavyMayFinish.await(30, TimeUnit.SECONDS);
            heavyRunning.decrementAndGet();
        });
        JobHandler light = new Handler("light", Integer.MAX_VALUE, job -> lightRan.countDown());
        JobStore store = new JobStore(db, Clock.systemUTC(), "test", 3);
        for (int i = 0; i < 10; i++) {
            String key = "backlog-" + i;
            Jdbc.inTransaction(db, c -> store.insert(c, JobRequest.now("heavy", key, null)));
        }
        Jdbc.inTransaction(db, c -> store.insert(c, JobRequest.now("light", "after-the-backlog", null)));

        JobRunner runner = new JobRunner(db, null, new Listed(List.of(heavy, light)), config(Map.of("jobPollMillis", 20L)));
        try {
            assertThat(lightRan.await(15, TimeUnit.SECONDS)).as("the light job runs while the heavy backlog waits").isTrue();
            assertThat(heavyMostAtOnce.get()).isEqualTo(1);
        } finally {
            heavyMayFinish.countDown();
            runner.stop();
        }
    }

    @Test
    void aTypeLimitedToOneRunWorksThroughItsBacklogBackToBackNotOnePerPoll() throws Exception {
        DataSource db = TestDatabase.migrated("db/platform.xml");
        CountDownLatch allRan = new CountDownLatch(20);
        JobStore store = new JobStore(db, Clock.systemUTC(), "test", 3);
        for (int i = 0; i < 20; i++) {
            String key = "backlog-" + i;
            Jdbc.inTransaction(db, c -> store.insert(c, JobRequest.now("one-at-a-time", key, null)));
        }
        // Polls 10 s apart: twenty jobs finish in time only if each finished job leases the next.
        JobRunner runner = new JobRunner(db, null, new Listed(List.of(new Handler("one-at-a-time", 1, job -> allRan.countDown()))),
                config(Map.of("jobPollMillis", 10_000L)));
        try {
            assertThat(allRan.await(8, TimeUnit.SECONDS)).isTrue();
        } finally {
            runner.stop();
        }
    }

    private interface Work {
        void run(Job job) throws Exception;
    }

    private record Handler(String type, int maxConcurrentRuns, Work work) implements JobHandler {
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
