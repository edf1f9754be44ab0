package org.waymark.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * A start waits for the libraries it needs to have been started: Jersey's service finder, HK2 and Liquibase initialised
 * before then fail for good (BarsMessageIT's node that never came UP).
 */
class BundlesStartedTest {
    private static final long JERSEY_ID = 42;

    /** A bundle whose state the test sets; a context only from STARTING on, as in Felix. */
    private static final class FakeBundle {
        final long id;
        int state;
        final java.util.Hashtable<String, String> headers = new java.util.Hashtable<>();

        FakeBundle(long id, int state) {
            this.id = id;
            this.state = state;
        }

        Bundle bundle() {
            return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBundleId" -> id;
                        case "getState" -> state;
                        case "getSymbolicName" -> "bundle-" + id;
                        case "getHeaders" -> headers;
                        case "getBundleContext" -> (state & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0
                                ? framework.context() : null;
                        case "hashCode" -> Long.hashCode(id);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "bundle-" + id;
                        default -> null;
                    });
        }
    }

    /** The framework's view: its bundles and the listeners a tracker adds. */
    private static final class FakeFramework {
        final List<Bundle> bundles = new ArrayList<>();
        final List<BundleListener> listeners = new ArrayList<>();

        BundleContext context() {
            return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBundles" -> bundles.toArray(new Bundle[0]);
                        case "addBundleListener" -> listeners.add((BundleListener) args[0]);
                        case "removeBundleListener" -> listeners.remove(args[0]);
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> null;
                    });
        }

        void fire(int type, Bundle bundle) {
            List.copyOf(listeners).forEach(listener -> listener.bundleChanged(new BundleEvent(type, bundle)));
        }
    }

    private static final FakeFramework framework = new FakeFramework();

    @BeforeEach
    void emptyFramework() {
        framework.bundles.clear();
        framework.listeners.clear();
    }

    /** Jersey's core bundle in this state, installed in the framework. */
    private static FakeBundle jerseyIn(int state) {
        FakeBundle jersey = new FakeBundle(JERSEY_ID, state);
        framework.bundles.add(jersey.bundle());
        return jersey;
    }

    @Test
    void waitsWhileJerseyIsOnlyResolvedAndStartsOnceWhenItStarts() {
        FakeBundle jersey = jerseyIn(Bundle.RESOLVED);
        jersey.headers.put("Bundle-ActivationPolicy", "lazy");
        Bundle other = new FakeBundle(7, Bundle.ACTIVE).bundle();
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
        FakeBundle jersey = jerseyIn(Bundle.ACTIVE);
        AtomicInteger starts = new AtomicInteger();

        try (BundlesStarted start = BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID), "serving", starts::incrementAndGet)) {
            assertThat(starts).hasValue(1);
        }
    }

    @Test
    void closingBeforeJerseyStartsMeansNeverStarting() {
        FakeBundle jersey = jerseyIn(Bundle.RESOLVED);
        AtomicInteger starts = new AtomicInteger();

        BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID), "serving", starts::incrementAndGet).close();
        jersey.state = Bundle.ACTIVE;
        framework.fire(BundleEvent.STARTED, jersey.bundle());

        assertThat(starts).hasValue(0);
    }

    /** HK2's resource locator must have started too: until both have, nothing runs. */
    @Test
    void waitsForEveryAwaitedBundle() {
        FakeBundle jersey = jerseyIn(Bundle.ACTIVE);
        FakeBundle locator = new FakeBundle(43, Bundle.RESOLVED);
        framework.bundles.add(locator.bundle());
        AtomicInteger starts = new AtomicInteger();

        try (BundlesStarted start = BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID, 43L), "serving", starts::incrementAndGet)) {
            assertThat(starts).as("Jersey is active, HK2's locator only resolved").hasValue(0);
            locator.state = Bundle.ACTIVE;
            framework.fire(BundleEvent.STARTED, locator.bundle());
            assertThat(starts).hasValue(1);
            assertThat(jersey.state).isEqualTo(Bundle.ACTIVE);
        }
    }

    /** A bundle with an activator counts only once active: its activator may register what the start needs. */
    @Test
    void aBundleStartingEagerlyCountsOnlyOnceActive() {
        FakeBundle liquibase = jerseyIn(Bundle.RESOLVED);
        AtomicInteger starts = new AtomicInteger();

        try (BundlesStarted start = BundlesStarted.whenStarted(framework.context(), Set.of(JERSEY_ID), "serving", starts::incrementAndGet)) {
            liquibase.state = Bundle.STARTING;
            framework.fire(BundleEvent.STARTING, liquibase.bundle());
            assertThat(starts).as("its activator is still running").hasValue(0);
            liquibase.state = Bundle.ACTIVE;
            framework.fire(BundleEvent.STARTED, liquibase.bundle());
            assertThat(starts).hasValue(1);
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
