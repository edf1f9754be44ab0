package org.waymark.platform.internal.jaxrs;

import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.jersey.internal.ServiceFinder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the JAX-RS host's start once Jersey can find its own parts, and never before.
 *
 * <p>Jersey decides once per JVM, in {@link ServiceFinder}'s class initialiser, whether it runs in OSGi: only if its
 * core bundle (jersey-common) has a bundle context, that is, has been started. Karaf starts the bundles of a feature
 * in an order of its own, and the platform may come first: a finder initialised then believes it is outside OSGi,
 * looks for Jersey's injection manager on the class path, never finds it, and every servlet init fails for the life
 * of the JVM (a node that never came UP, its log showing "InjectionManagerFactory not found"; BarsMessageIT in a CI
 * run). So the host's servlets are registered, and the finder initialised, only once jersey-common is starting or
 * active; a request cannot reach Jersey earlier (the start gate answers 503).
 */
final class JerseyStart implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JerseyStart.class);

    private final BundleTracker<Bundle> tracker;
    private final AtomicBoolean started = new AtomicBoolean();

    private JerseyStart(BundleContext context, long jerseyId, Runnable start) {
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, null) {
            @Override
            public Bundle addingBundle(Bundle bundle, BundleEvent event) {
                if (bundle.getBundleId() != jerseyId) {
                    return null;
                }
                startOnce(start);
                return bundle;
            }
        };
    }

    /**
     * Runs {@code start} now if Jersey's core bundle is already starting or active (or if there is no OSGi framework,
     * as in a unit test), else in the thread that starts that bundle. Close to stop waiting.
     */
    static JerseyStart whenStarted(BundleContext context, Runnable start) {
        return whenStarted(context, FrameworkUtil.getBundle(ServiceFinder.class), start);
    }

    /** As above, for a given Jersey core bundle (null: no OSGi framework). */
    static JerseyStart whenStarted(BundleContext context, Bundle jersey, Runnable start) {
        JerseyStart waiting = new JerseyStart(context, jersey == null ? -1 : jersey.getBundleId(), start);
        if (jersey == null) {
            waiting.startOnce(start);
            return waiting;
        }
        if (jersey.getBundleContext() == null) {
            LOG.info("Waiting for {} to start before serving JAX-RS", jersey.getSymbolicName());
        }
        waiting.tracker.open();
        return waiting;
    }

    private void startOnce(Runnable start) {
        if (started.compareAndSet(false, true)) {
            JaxRsServlet.initialiseJersey().ifPresent(failure ->
                    LOG.warn("Jersey could not be initialised before its first request; it will be tried then", failure));
            start.run();
        }
    }

    boolean hasStarted() {
        return started.get();
    }

    @Override
    public void close() {
        tracker.close();
    }
}
