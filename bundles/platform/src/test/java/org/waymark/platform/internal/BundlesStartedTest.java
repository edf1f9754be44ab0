package org.waymark.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.waymark.platform.internal.ProxyFramework.ProxyBundle;

/**
 * A start waits for the libraries it needs to have been started: Jersey's service finder, HK2 and Liquibase initialised
 * before then fail for good (BarsMessageIT's node that never came UP).
 */
class BundlesStartedTest {
    private static final long JERSEY_ID = 42;
    private static final long LOCATOR_ID = 43;
    private static final long LIQUIBASE_ID = 44;

    private static final ProxyFramework framework = new ProxyFramework();

    @BeforeEach
    void emptyFramework() {
        framework.bundles.clear();
        framework.listeners.clear();
    }

    /** A bundle with this id and state, installed in the framework. */
    private static ProxyBundle installed(long id, int state) {
        return framework.installed(id, state);
    }

    @Test
    void waitsWhileJerseyIsOnlyResolvedAndStartsOnceWhenItStarts() {
        ProxyBundle jersey = installed(JERSEY_ID, Bundle.RESOLVED);
        jersey.headers.put("Bundle-ActivationPolicy", "lazy");
        Bundle other = new ProxyBundle(framework, 7, Bundle.ACTIVE).bundle();
        framework.bundles.add(other);
        AtomicInteger starts = new AtomicInteger();

        try (BundlesStarted start = BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID), "serving", starts::incrementAndGet)) {
            assertThat(starts).as("not before Jersey's core bundle starts").hasValue(0);
            framework.fire(BundleEvent.STARTED, other);
            assertThat(starts).as("another bundle starting changes nothing").hasValue(0);

            jersey.state = Bundle.STARTING;
            framework.fire(BundleEvent.LAZY_ACTIVATION, jersey.bundle());
            assertThat(starts).as("started when Jersey is starting (lazy activation)").hasValue(1);
            assertThat(start.hasStarted()).isTrue();

            jersey.state = Bundle.ACTIVE;
            framework.fire(BundleEvent.STARTED, jersey.bundle());
            assertThat(starts).as("only once").hasValue(1);
        }
        assertThat(framework.listeners).as("closing stops listening").isEmpty();
    }

    @Test
    void startsAtOnceWhenJerseyIsAlreadyActive() {
        ProxyBundle jersey = installed(JERSEY_ID, Bundle.ACTIVE);
        AtomicInteger starts = new AtomicInteger();

        try (BundlesStarted start = BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID), "serving", starts::incrementAndGet)) {
            assertThat(starts).hasValue(1);
        }
    }

    @Test
    void closingBeforeJerseyStartsMeansNeverStarting() {
        ProxyBundle jersey = installed(JERSEY_ID, Bundle.RESOLVED);
        AtomicInteger starts = new AtomicInteger();

        BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID), "serving", starts::incrementAndGet).close();
        jersey.state = Bundle.ACTIVE;
        framework.fire(BundleEvent.STARTED, jersey.bundle());

        assertThat(starts).hasValue(0);
    }

    /** HK2's resource locator must have started too: until both have, nothing runs. */
    @Test
    void waitsForEveryAwaitedBundle() {
        ProxyBundle jersey = installed(JERSEY_ID, Bundle.ACTIVE);
        ProxyBundle locator = installed(LOCATOR_ID, Bundle.RESOLVED);
        AtomicInteger starts = new AtomicInteger();

        try (BundlesStarted start = BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID, LOCATOR_ID), "serving", starts::incrementAndGet)) {
            assertThat(starts).as("Jersey is active, HK2's locator only resolved").hasValue(0);
            locator.state = Bundle.ACTIVE;
            framework.fire(BundleEvent.STARTED, locator.bundle());
            assertThat(starts).hasValue(1);
            framework.fire(BundleEvent.STARTED, jersey.bundle());
            assertThat(starts).as("a later event about an awaited bundle starts nothing again").hasValue(1);
        }
    }

    /** A bundle with an activator counts only once active: its activator may register what the start needs. */
    @Test
    void aBundleStartingEagerlyCountsOnlyOnceActive() {
        ProxyBundle liquibase = installed(LIQUIBASE_ID, Bundle.RESOLVED);
        AtomicInteger starts = new AtomicInteger();

        try (BundlesStarted start = BundlesStarted.whenStarted(framework.context(), Set.of(LIQUIBASE_ID), "migrating", starts::incrementAndGet)) {
            liquibase.state = Bundle.STARTING;
            framework.fire(BundleEvent.STARTING, liquibase.bundle());
            assertThat(starts).as("its activator is still running").hasValue(0);
            liquibase.state = Bundle.ACTIVE;
            framework.fire(BundleEvent.STARTED, liquibase.bundle());
            assertThat(starts).hasValue(1);
        }
    }

    /**
     * Close returns only once a start running in the starting bundle's thread has finished, and no start follows: the
     * owners (the JAX-RS host, the migration extender) rely on it instead of flags of their own.
     */
    @Test
    void closeWaitsForARunningStartAndNoStartFollows() throws Exception {
        ProxyBundle jersey = installed(JERSEY_ID, Bundle.RESOLVED);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicInteger starts = new AtomicInteger();
        BundlesStarted waiting = BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID), "serving", () -> {
            starts.incrementAndGet();
            running.countDown();
            awaitQuietly(release);
            finished.set(true);
        });
        jersey.state = Bundle.ACTIVE;
        Thread starter = new Thread(() -> framework.fire(BundleEvent.STARTED, jersey.bundle()), "jersey-starting");
        starter.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).as("the start runs in the starting thread").isTrue();

        AtomicBoolean finishedWhenClosed = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            waiting.close();
            finishedWhenClosed.set(finished.get());
        }, "deactivating");
        closer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closer.getState() != Thread.State.BLOCKED && closer.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        release.countDown();
        closer.join(10_000);
        starter.join(10_000);

        assertThat(finishedWhenClosed).as("close returned only after the running start finished").isTrue();
        framework.fire(BundleEvent.STARTED, jersey.bundle());
        assertThat(starts).as("nothing runs after close").hasValue(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void outsideOsgiStartsAtOnce() {
        AtomicInteger starts = new AtomicInteger();
        try (BundlesStarted start = BundlesStarted.whenStarted(null, Set.of(), "serving", starts::incrementAndGet)) {
            assertThat(starts).hasValue(1);
        }
    }
}
