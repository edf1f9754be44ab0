package org.waymark.platform.internal.jaxrs;

import java.util.function.BooleanSupplier;
import javax.annotation.Priority;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.Response;

/**
 * Answers 503 with {@code Retry-After} to every request while the declared routes are still being registered (see
 * {@link JaxRsReadiness}), before Jersey matches a resource: a route that is merely starting must never answer 404,
 * which tells a GP system to give up. Nothing has been read or stored, so a retry is always safe. Readiness itself
 * ({@code /api/health}) still answers, with its own 503.
 *
 * <p>The same once the node is stopping (see {@code RequestActivity.drain}), for every route, health included: a load
 * balancer then takes the node out while the requests it let through finish.
 */
@PreMatching
@Priority(0)
final class ReadinessGate implements ContainerRequestFilter {
    static final String RETRY_AFTER_SECONDS = "1";
    private static final String STARTING = "Waymark is starting; try again shortly";
    private static final String STOPPING = "Waymark is stopping; try again shortly";

    private final BooleanSupplier ready;
    private final BooleanSupplier stopping;
    private final boolean fhir;

    ReadinessGate(BooleanSupplier ready, BooleanSupplier stopping, boolean fhir) {
        this.ready = ready;
        this.stopping = stopping;
        this.fhir = fhir;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (stopping.getAsBoolean()) {
            request.abortWith(unavailable(STOPPING));
        } else if (!ready.getAsBoolean() && (fhir || !request.getUriInfo().getPath().replaceAll("^/+|/+$", "").equals("health"))) {
            request.abortWith(unavailable(STARTING));
        }
    }

    private Response unavailable(String message) {
        Response.ResponseBuilder answer = Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .header("Cache-Control", "no-store");
        if (fhir) {
            answer.type("application/fhir+json").entity("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":"
                    + "\"error\",\"code\":\"transient\",\"diagnostics\":\"" + message + "\"}]}");
        } else {
            answer.type("application/problem+json").entity("{\"type\":\"about:blank\",\"title\":\"" + message
                    + "\",\"status\":503}");
        }
        return answer.build();
    }
}
