package org.waymark.platform.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the requests in flight when the node is told to stop (SIGTERM, Ctrl-C, {@code ./waymark} stopping a server
 * it started), before any bundle stops. Felix tells synchronous listeners that the system bundle is stopping in the
 * stopping thread, before it lowers the start level, so the bundles, the database pool and Derby's engine are all
 * still there while the requests finish.
 *
 * <p>Then the web server stops listening. Otherwise, as the bundles stop one after another, requests would still come
 * in and meet whatever is left: once the last Waymark servlet has gone and before Pax Web stops Jetty, its root
 * context answers an HTML 404 (FaultIT's stops under load met six), which tells a GP system to give up. A refused
 * connection tells it to try again later. Jetty's connectors are reached through the JMX beans Pax Web registers;
 * without them (JMX off) the node stops as before.
 */
@Component(immediate = true)
public final class GracefulStop {
    /** Long enough for any request's normal length, short enough to stay far inside a service manager's stop timeout. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final BundleContext context;
    private final SynchronousBundleListener frameworkStopping;

    @Activate
    public GracefulStop(BundleContext context, @Reference RequestActivity activity) {
        this.context = context;
        this.frameworkStopping = event -> {
            if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
                drainAndStopListening(activity);
            }
        };
        context.addBundleListener(frameworkStopping);
    }

    private static void drainAndStopListening(RequestActivity activity) {
        drain(activity);
        int closed = stopListening(ManagementFactory.getPlatformMBeanServer());
        if (closed > 0) {
            LOG.info("Stopping: the web server stopped listening ({} connector(s) closed)", closed);
        }
    }

    private static void drain(RequestActivity activity) {
        long started = System.nanoTime();
        int inFlight = activity.inFlight();
        int left = activity.drain(DRAIN_LIMIT);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (left == 0) {
            LOG.info("Stopping: {} request(s) in flight finished within {} ms; new ones are refused", inFlight, millis);
        } else {
            LOG.warn("Stopping: {} request(s) still in flight after {} ms; stopping anyway", left, millis);
        }
    }

    /** Stops each of Jetty's connectors: its listening socket closes, and the idle connections with it. */
    static int stopListening(MBeanServer beans) {
        int stopped = 0;
        try {
            for (ObjectName connector : beans.queryNames(new ObjectName("org.eclipse.jetty.server:type=serverconnector,*"), null)) {
                beans.invoke(connector, "stop", new Object[0], new String[0]); // Jetty's beans read the signature: no nulls
                stopped++;
            }
        } catch (JMException | RuntimeException e) {
            LOG.warn("Stopping: could not close the web server's connectors ({}); requests may meet the server half stopped",
                    e.getMessage());
        }
        return stopped;
    }

    @Deactivate
    void deactivate() {
        try {
            context.removeBundleListener(frameworkStopping);
        } catch (IllegalStateException bundleAlreadyStopped) {
            // Its listeners went with its context.
        }
    }
}
