package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApplicationReloadsTest {
    /** Keeps scheduled tasks until the test runs them, so the order of events is the test's. */
    private static final class ManualExecutor extends ScheduledThreadPoolExecutor {
        final List<Runnable> tasks = new ArrayList<>();

        ManualExecutor() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            tasks.add(command);
            return new ScheduledFuture<Object>() {
                public long getDelay(TimeUnit u) { return 0; }
                public int compareTo(Delayed o) { return 0; }
                public boolean cancel(boolean b) { return false; }
                public boolean isCancelled() { return false; }
                public boolean isDone() { return false; }
                public Object get() { return null; }
                public Object get(long t, TimeUnit u) { return null; }
            };
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }
    }

    private final ManualExecutor executor = new ManualExecutor();
    private final AtomicInteger pending = new AtomicInteger();
    private final List<String> reloaded = new ArrayList<>();
    private final ApplicationReloads reloads = new ApplicationReloads(executor, 30, pending::incrementAndGet,
            pending::decrementAndGet, reloaded::add);

    @Test
    void aRouteComingOrGoingHoldsReadinessUntilItsReloadHasRun() {
        reloads.schedule("fhir", true);
        assertThat(pending).hasValue(1);

        executor.runAll();
        assertThat(reloaded).containsExactly("fhir");
        assertThat(pending).hasValue(0);
    }

    @Test
    void aChangeOfPropertiesOrAPluginRouteDoesNotTurnAReadyNodeAway() {
        reloads.schedule(".default", false);
        reloads.schedule("fhir", false);
        assertThat(pending).as("the same objects stay served until the swap").hasValue(0);

        executor.runAll();
        assertThat(reloaded).containsExactlyInAnyOrder(".default", "fhir");
        assertThat(pending).hasValue(0);
    }

    @Test
    void changesWithinTheDelayAreOneReload() {
        reloads.schedule("fhir", true);
        reloads.schedule("fhir", true);
        reloads.schedule("fhir", false);
        assertThat(executor.tasks).hasSize(1);
        assertThat(pending).as("one hold for the one reload").hasValue(1);

        executor.runAll();
        assertThat(reloaded).containsExactly("fhir");
        assertThat(pending).hasValue(0);
    }

    @Test
    void aRouteComingInWhileAReloadThatDoesNotHoldWaitsIsHeldByIt() {
        reloads.schedule("fhir", false);
        reloads.schedule("fhir", true);
        assertThat(executor.tasks).hasSize(1);
        assertThat(pending).hasValue(1);

        executor.runAll();
        assertThat(pending).hasValue(0);
    }

    @Test
    void aChangeDuringAReloadGetsAReloadOfItsOwn() {
        ApplicationReloads[] self = new ApplicationReloads[1];
        List<String> seen = new ArrayList<>();
        self[0] = new ApplicationReloads(executor, 30, pending::incrementAndGet, pending::decrementAndGet, name -> {
            seen.add(name);
            if (seen.size() == 1) {
                self[0].schedule(name, true); // a resource arrives while Jersey rebuilds
                assertThat(pending).as("the running reload's hold and the new one's").hasValue(2);
            }
        });
        self[0].schedule("fhir", true);

        executor.runAll();
        assertThat(pending).as("the new route is not served yet").hasValue(1);
        assertThat(executor.tasks).hasSize(1);

        executor.runAll();
        assertThat(seen).containsExactly("fhir", "fhir");
        assertThat(pending).hasValue(0);
    }

    @Test
    void aFailedReloadStillReleasesItsHold() {
        ApplicationReloads failing = new ApplicationReloads(executor, 30, pending::incrementAndGet, pending::decrementAndGet,
                name -> { throw new IllegalStateException("Jersey refused the application"); });
        failing.schedule("fhir", true);

        executor.runAll();
        assertThat(pending).hasValue(0);
    }
}
