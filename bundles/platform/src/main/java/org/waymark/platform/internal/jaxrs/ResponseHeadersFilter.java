package org.waymark.platform.internal.jaxrs;

import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import javax.ws.rs.core.HttpHeaders;

/** Headers every API answer carries: the 401 challenge, no caching of personal data (security headers: SecurityHeadersFilter). */
@Priority(Priorities.HEADER_DECORATOR)
final class ResponseHeadersFilter implements ContainerResponseFilter {
    private final String challenge;

    ResponseHeadersFilter(String challenge) {
        this.challenge = challenge;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        var headers = response.getHeaders();
        if (response.getStatus() == 401 && !headers.containsKey(HttpHeaders.WWW_AUTHENTICATE)) {
            // The console asks with X-Requested-With so that browsers do not pop up their own Basic dialog.
            boolean console = "XMLHttpRequest".equals(request.getHeaderString("X-Requested-With"));
            headers.putSingle(HttpHeaders.WWW_AUTHENTICATE, console ? "Session realm=\"waymark\"" : challenge);
        }
        headers.putIfAbsent(HttpHeaders.CACHE_CONTROL, java.util.List.of("no-store"));
    }
}
