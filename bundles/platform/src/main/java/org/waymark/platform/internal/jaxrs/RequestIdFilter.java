package org.waymark.platform.internal.jaxrs;

import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;

/** Mirrors the caller's X-Request-Id and X-Correlation-Id so that both sides can match logs, as BaRS asks. */
@Priority(Priorities.HEADER_DECORATOR)
final class RequestIdFilter implements ContainerResponseFilter {
    static final String REQUEST_ID = "X-Request-Id";
    static final String CORRELATION_ID = "X-Correlation-Id";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        mirror(REQUEST_ID, request, response);
        mirror(CORRELATION_ID, request, response);
    }

    private static void mirror(String header, ContainerRequestContext request, ContainerResponseContext response) {
        String value = request.getHeaderString(header);
        // Only sane ids are echoed: this header must never become a way to inject content into responses.
        if (value != null && value.length() <= 200 && value.matches("[A-Za-z0-9._:/+=-]+")) {
            response.getHeaders().putSingle(header, value);
        }
    }
}
