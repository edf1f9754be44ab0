package org.waymark.startgate.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.servlet.Servlet;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.runtime.dto.DTOConstants;
import org.osgi.service.http.runtime.dto.FailedServletDTO;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link StartGateServlet} on the whiteboard and makes sure Pax Web really serves it. Pax Web 8 works out a
 * whiteboard servlet's target contexts and records the servlet in two separate steps; when its extender registers the
 * default context between them, the servlet is kept with no context and is never placed ("No matching target
 * context(s)" in the log, ops4j/org.ops4j.pax.web#1798 still open in 8.0.34). A first start then ran without the gate,
 * and CONNECT got Jetty's bare 404, for the process's whole life. Only a new registration of the service makes Pax Web
 * resolve the contexts again, so the gate registers the servlet itself and does so again while the web runtime lists
 * the default context without it.
 *
 * <p>Registered only once there is an {@link HttpServiceRuntime} (Pax Web, which starts before this bundle), so the
 * check can always read it; a restarted web runtime reactivates the component and so checks again.
 */
@Component
public final class StartGate {
    private static final Logger LOG = LoggerFactory.getLogger(StartGate.class);
    static final String SERVLET_NAME = "waymark-start-gate";
    private static final long CHECK_EVERY_MS = 500;
    /** Pax Web places whiteboard servlets on its own thread, which is busy while Karaf boots: no verdict before this. */
    static final long SETTLE_MS = 3_000;
    private static final int MAX_REGISTRATIONS = 5;
    /** How long to wait for the web runtime to list the default context at all before giving up. */
    private static final long GIVE_UP_MS = 300_000;

    /** Where the web runtime has the gate. */
    enum Placement {
        /** In the default context: nothing to do. */
        IN_SERVICE,
        /** The default context is there and the gate is not in it: only registering it again helps. */
        LOST,
        /** No default context yet: Pax Web will place the gate when it comes. */
        WAIT,
        /** Pax Web refused it for a reason a new registration does not change (it reports that itself). */
        REFUSED
    }

    private final BundleContext context;
    private final HttpServiceRuntime runtime;
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "waymark-start-gate-check");
        thread.setDaemon(true);
        return thread;
    });
    // Guarded by this: the checker registers again while deactivation may unregister.
    private ServiceRegistration<Servlet> registration;
    private long serviceId;
    private long registeredAt;
    private int registrations;
    private ScheduledFuture<?> checks;

    @Activate
    public StartGate(BundleContext context, @Reference HttpServiceRuntime runtime) {
        this.context = context;
        this.runtime = runtime;
        synchronized (this) {
            register();
            checks = checker.scheduleWithFixedDelay(this::check, CHECK_EVERY_MS, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        checker.shutdownNow();
        synchronized (this) {
            unregister();
        }
        // A check may be reading the runtime outside the lock; it then finds no registration and ends.
        try {
            checker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void check() {
        long checkedId;
        long since;
        synchronized (this) {
            if (registration == null) {
                return;
            }
            checkedId = serviceId;
            since = registeredAt;
        }
        Placement placement;
        try {
            placement = placement(runtime.getRuntimeDTO(), checkedId);
        } catch (RuntimeException runtimeGoing) {
            // The web runtime is going away; its unregistration deactivates this component.
            return;
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
        synchronized (this) {
            if (registration == null || serviceId != checkedId) {
                return;
            }
            switch (placement) {
                case IN_SERVICE, REFUSED -> checks.cancel(false);
                case WAIT -> {
                    if (elapsedMs > GIVE_UP_MS) {
                        LOG.warn("Start gate servlet (service {}): the web runtime has listed no default context in {} s;"
                                + " no longer checking that the gate is served", checkedId, elapsedMs / 1000);
                        checks.cancel(false);
                    }
                }
                case LOST -> {
                    if (elapsedMs < SETTLE_MS) {
                        return;
                    }
                    if (registrations >= MAX_REGISTRATIONS) {
                        LOG.warn("Start gate servlet (service {}) still not in the default context after {} registrations;"
                                + " giving up", checkedId, registrations);
                        checks.cancel(false);
                        return;
                    }
                    unregister();
                    register();
                    LOG.info("Start gate servlet (service {}) was not in the default context {} ms after its registration"
                            + " (Pax Web whiteboard race); registered it again as service {}", checkedId, elapsedMs, serviceId);
                }
            }
        }
    }

    private void register() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/");
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, SERVLET_NAME);
        registration = context.registerService(Servlet.class, new StartGateServlet(), properties);
        serviceId = (Long) registration.getReference().getProperty(Constants.SERVICE_ID);
        registeredAt = System.nanoTime();
        registrations++;
    }

    private void unregister() {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // The bundle is stopping and the framework has unregistered it already.
        }
        registration = null;
    }

    /** Where {@code runtime} has the servlet registered as service {@code servletServiceId}. */
    static Placement placement(RuntimeDTO runtime, long servletServiceId) {
        boolean defaultContext = false;
        if (runtime.servletContextDTOs != null) {
            for (ServletContextDTO servletContext : runtime.servletContextDTOs) {
                if (!HttpWhiteboardConstants.HTTP_WHITEBOARD_DEFAULT_CONTEXT_NAME.equals(servletContext.name)) {
                    continue;
                }
                defaultContext = true;
                if (servletContext.servletDTOs != null) {
                    for (ServletDTO servlet : servletContext.servletDTOs) {
                        if (servlet.serviceId == servletServiceId) {
                            return Placement.IN_SERVICE;
                        }
                    }
                }
            }
        }
        if (runtime.failedServletDTOs != null) {
            for (FailedServletDTO failed : runtime.failedServletDTOs) {
                if (failed.serviceId == servletServiceId
                        && failed.failureReason != DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING) {
                    return Placement.REFUSED;
                }
            }
        }
        return defaultContext ? Placement.LOST : Placement.WAIT;
    }
}
