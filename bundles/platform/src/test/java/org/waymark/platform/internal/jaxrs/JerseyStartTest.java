package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * The JAX-RS host starts only once Jersey's core bundle has a context: a Jersey service finder initialised before then
 * takes itself to be outside OSGi for good (BarsMessageIT's node that never came UP).
 */
class JerseyStartTest {
    private static final long JERSEY_ID = 42;

    /** A bundle whose state the test sets; a context only from STARTING on, as in Felix. */
    private static final class FakeBundle {
        final long id;
        int state;

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
        Bundle other = new FakeBundle(7, Bundle.ACTIVE).bundle();
        framework.bundles.add(other);
        AtomicInteger starts = new AtomicInteger();

        try (JerseyStart start = JerseyStart.whenStarted(framework.context(), jersey.bundle(), starts::incrementAndGet)) {
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

        try (JerseyStart start = JerseyStart.whenStarted(framework.context(), jersey.bundle(), starts::incrementAndGet)) {
            assertThat(starts).hasValue(1);
        }
    }

    @Test
    void closingBeforeJerseyStartsMeansNeverStarting() {
        FakeBundle jersey = jerseyIn(Bundle.RESOLVED);
        AtomicInteger starts = new AtomicInteger();

        JerseyStart.whenStarted(framework.context(), jersey.bundle(), starts::incrementAndGet).close();
        jersey.state = Bundle.ACTIVE;
        framework.fire(BundleEvent.STARTED, jersey.bundle());

        assertThat(starts).hasValue(0);
    }

    @Test
    void outsideOsgiStartsAtOnce() {
        AtomicInteger starts = new AtomicInteger();
        try (JerseyStart start = JerseyStart.whenStarted(null, null, starts::incrementAndGet)) {
            assertThat(starts).hasValue(1);
        }
    }
}
