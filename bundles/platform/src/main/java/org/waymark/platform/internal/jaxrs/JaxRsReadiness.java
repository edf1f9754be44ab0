package org.waymark.platform.internal.jaxrs;

import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;

/**
 * Whether every registered resource is really being served. A resource's component is satisfied (and its service
 * registered) before the host has activated it and reloaded Jersey; HAPI FHIR's start alone takes a second or two.
 * Readiness must not say UP in that gap, or a client's first request gets a 404; nor before the web container has
 * put each application's servlet in service (its registration is asynchronous).
 */
@Component(service = JaxRsReadiness.class)
public final class JaxRsReadiness {
    private final AtomicInteger pending = new AtomicInteger();
    private final java.util.Set<String> servletNames = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile org.osgi.service.http.runtime.HttpServiceRuntime runtime;

    /** The web container's own account of what it serves (Pax Web registers whiteboard servlets asynchronously). */
    @org.osgi.service.component.annotations.Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    void bindRuntime(org.osgi.service.http.runtime.HttpServiceRuntime runtime) {
        this.runtime = runtime;
    }

    void unbindRuntime(org.osgi.service.http.runtime.HttpServiceRuntime runtime) {
        if (this.runtime == runtime) {
            this.runtime = null;
        }
    }

    /** A servlet registered on the whiteboard counts as served only once the web container lists it. */
    void hosting(String servletName) {
        servletNames.add(servletName);
    }

    void unhosting(String servletName) {
        servletNames.remove(servletName);
    }

    private boolean servletsInService() {
        org.osgi.service.http.runtime.HttpServiceRuntime current = runtime;
        if (current == null) {
            return false;
        }
        java.util.Set<String> served = new java.util.HashSet<>();
        for (var context : current.getRuntimeDTO().servletContextDTOs) {
            for (var servlet : context.servletDTOs) {
                served.add(servlet.name);
            }
        }
        return served.containsAll(servletNames);
    }

    void adding() {
        pending.incrementAndGet();
    }

    void added() {
        pending.decrementAndGet();
    }

    public boolean settled() {
        return pending.get() == 0 && servletsInService();
    }
}
