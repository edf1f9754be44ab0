package org.waymark.platform.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a start once the libraries it needs have been started, and never before.
 *
 * <p>Karaf starts the bundles of a feature in an order of its own, and the platform may come before a library it uses.
 * Resolved is not enough for some: they decide once, from the bundle state they first see, how to find their parts,
 * or register them in their activator. Jersey takes itself to be outside OSGi unless jersey-common has been started
 * ("InjectionManagerFactory not found", a node that never came UP: BarsMessageIT in CI); HK2 finds its service locator
 * generator only through a started osgi-resource-locator; Liquibase finds its executors and commands only after its
 * activator ran ("No executor found for name 'jdbc'"). The last two were found by booting once with each third-party
 * bundle of waymark-core started last (PlatformIT keeps such boots).
 */
public final class BundlesStarted implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundlesStarted.class);

    private final BundleTracker<Bundle> tracker;
    private final Set<Long> awaited;
    private final Runnable start;
    private final Set<Long> started = ConcurrentHashMap.newKeySet();
    /** Written under this object's lock, which the start holds while it runs and close takes. */
    private volatile boolean ran;
    private boolean closed;

    private BundlesStarted(BundleContext context, Set<Long> awaited, Runnable start) {
        this.awaited = awaited;
        this.start = start;
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, null) {
            @Override
            public Bundle addingBundle(Bundle bundle, BundleEvent event) {
                if (!awaited.contains(bundle.getBundleId())) {
                    return null;
                }
                seen(bundle);
                return bundle;
            }

            @Override
            public void modifiedBundle(Bundle bundle, BundleEvent event, Bundle tracked) {
                seen(bundle);
            }
        };
    }

    /**
     * Runs {@code start} now if the named bundles that are installed are starting or active (or if there is no OSGi
     * framework, as in a unit test), else in the thread that starts the last of them. Close to stop waiting: once
     * {@link #close()} has returned, the start is not running and never will, so its owner needs no flag of its own.
     *
     * @param purpose what waits, for the log ("serving JAX-RS")
     */
    public static BundlesStarted whenStarted(BundleContext context, List<String> symbolicNames, String purpose, Runnable start) {
        if (context == null) {
            return whenStarted(null, Set.of(), purpose, start);
        }
        Set<Long> installed = Arrays.stream(context.getBundles())
                .filter(bundle -> symbolicNames.contains(bundle.getSymbolicName()))
                .map(Bundle::getBundleId)
                .collect(Collectors.toUnmodifiableSet());
        return whenStarted(context, installed, purpose, start);
    }

    /** As above, for the given bundle ids (none: run at once). */
    static BundlesStarted whenStarted(BundleContext context, Set<Long> awaited, String purpose, Runnable start) {
        BundlesStarted waiting = new BundlesStarted(context, awaited, start);
        if (awaited.isEmpty()) {
            waiting.runOnce();
            return waiting;
        }
        waiting.tracker.open();
        if (!waiting.hasStarted()) {
            waiting.notYetStarted(context).forEach(name -> LOG.info("Waiting for {} to start before {}", name, purpose));
        }
        return waiting;
    }

    /**
     * Started means active (a bundle is STARTING while its activator runs: Liquibase's registers its parts there), or
     * waiting for lazy activation, as jersey-common may: it has its context then and no activator to wait for.
     */
    private void seen(Bundle bundle) {
        boolean lazy = String.valueOf(bundle.getHeaders("").get("Bundle-ActivationPolicy")).startsWith("lazy");
        if (bundle.getState() == Bundle.ACTIVE || (bundle.getState() == Bundle.STARTING && lazy)) {
            started.add(bundle.getBundleId());
            if (started.containsAll(awaited)) {
                runOnce();
            }
        }
    }

    private List<String> notYetStarted(BundleContext context) {
        return Arrays.stream(context.getBundles())
                .filter(bundle -> awaited.contains(bundle.getBundleId()) && !started.contains(bundle.getBundleId()))
                .map(Bundle::getSymbolicName)
                .toList();
    }

    private synchronized void runOnce() {
        if (ran || closed) {
            return;
        }
        ran = true;
        start.run();
    }

    public boolean hasStarted() {
        return ran;
    }

    /** Stops waiting; if the start is running in another thread, returns once it has finished. */
    @Override
    public void close() {
        tracker.close();
        synchronized (this) {
            closed = true;
        }
    }
}
