package org.waymark.directory.internal;

import javax.annotation.Priority;
import javax.ws.rs.HttpMethod;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Component;

/**
 * The directory is open data: any web page may read it (CORS for GET, no credentials). Pre-flight requests are
 * answered here, before routing and access control, since they carry no credentials by design.
 */
@Component(service = CorsFilter.class, property = {
        "osgi.jaxrs.extension=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=directory)"})
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public final class CorsFilter implements ContainerRequestFilter, ContainerResponseFilter {
    static final String ALLOWED_HEADERS = "Accept, Accept-Language, Content-Type, X-Request-Id, X-Correlation-Id";

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.OPTIONS.equals(request.getMethod()) && request.getHeaderString("Origin") != null) {
            request.abortWith(Response.noContent()
                    .header("Access-Control-Allow-Origin", "*")
                    .header("Access-Control-Allow-Methods", "GET, OPTIONS")
                    .header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                    .header("Access-Control-Max-Age", "86400")
                    .build());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod())) {
            response.getHeaders().putSingle("Access-Control-Allow-Origin", "*");
            response.getHeaders().putSingle("Access-Control-Expose-Headers", "X-Request-Id, X-Correlation-Id");
        }
    }
}
