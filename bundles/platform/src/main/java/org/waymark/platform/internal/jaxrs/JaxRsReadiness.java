package org.waymark.platform.internal.jaxrs;

import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;

/**
 * Whether every registered resource is really being served. A resource's component is satisfied (and its service
 * registered) before the host has activated it and reloaded Jersey; HAPI FHIR's start alone takes a second or two.
 * Readiness must not say UP in that gap, or a client's first request gets a 404.
 */
@Component(service = JaxRsReadiness.class)
public final class JaxRsReadiness {
    private final AtomicInteger pending = new AtomicInteger();

    void adding() {
        pending.incrementAndGet();
    }

    void added() {
        pending.decrementAndGet();
    }

    public boolean settled() {
        return pending.get() == 0;
    }
}
