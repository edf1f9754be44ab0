package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ApplicationReloadsTest {
    /** Keeps scheduled tasks until the test runs them, so the order of events is the test's. */
    private static final class ManualExecutor {
        final List<Runnable> tasks = new ArrayList<>();
        /** Only {@code schedule(Runnable, long, TimeUnit)} is used by ApplicationReloads; its future is not read. */
        final ScheduledExecutorService service = (ScheduledExecutorService) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ScheduledExecutorService.class}, (proxy, method, args) -> {
                    assertThat(method.getName()).as("the only call ApplicationReloads makes").isEqualTo("schedule");
                    tasks.add((Runnable) args[0]);
                    return null;
                });

        void runAll() {
            List<Runnable> now = new ArrayList<>(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }
    }

    private final ManualExecutor executor = new ManualExecutor();
    private final AtomicInteger pending = new AtomicInteger();
    private final List<String> reloaded = new ArrayList<>();
    private final ApplicationReloads reloads = new ApplicationReloads(executor.service, 30, pending::incrementAndGet,
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
        self[0] = new ApplicationReloads(executor.service, 30, pending::incrementAndGet, pending::decrementAndGet, name -> {
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
        ApplicationReloads failing = new ApplicationReloads(executor.service, 30, pending::incrementAndGet, pending::decrementAndGet,
                name -> { throw new IllegalStateException("Jersey refused the application"); });
        failing.schedule("fhir", true);

        executor.runAll();
        assertThat(pending).hasValue(0);
    }
}
