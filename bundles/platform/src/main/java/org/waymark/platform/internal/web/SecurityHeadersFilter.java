package org.waymark.platform.internal.web;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.waymark.platform.http.SecurityHeaders;
import org.waymark.platform.internal.security.SecurityConfig;

/**
 * Sets the security headers on every answer of the HTTP service, Waymark's and the container's error pages alike
 * (it also runs on error dispatches), so no servlet or resource sets them itself. HSTS only when configured: it is
 * meaningful only behind TLS. It also hands the remote address to JAX-RS, where the sign-in lockout counts by it.
 */
@Component(service = Filter.class, configurationPid = SecurityConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {
                "osgi.http.whiteboard.filter.pattern=/*",
                "osgi.http.whiteboard.filter.dispatcher=REQUEST",
                "osgi.http.whiteboard.filter.dispatcher=ERROR",
                "osgi.http.whiteboard.filter.dispatcher=FORWARD",
                "osgi.http.whiteboard.filter.dispatcher=ASYNC",
                "osgi.http.whiteboard.filter.name=waymark-security-headers"})
public final class SecurityHeadersFilter implements Filter {
    /** Request attribute (a JAX-RS request property too) with the caller's remote address. */
    public static final String REMOTE_ADDRESS = "org.waymark.remoteAddress";

    private final String hsts;

    @Activate
    public SecurityHeadersFilter(SecurityConfig config) {
        this.hsts = config.hsts() ? "max-age=" + config.hstsMaxAgeSeconds() + "; includeSubDomains" : null;
    }

    @Override
    public void init(javax.servlet.FilterConfig config) {
        // nothing to set up: the headers are fixed at activation
    }

    @Override
    public void destroy() {
        // nothing to release
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer) {
            request.setAttribute(REMOTE_ADDRESS, request.getRemoteAddr());
            apply(pathOf(http), answer);
        }
        chain.doFilter(request, response);
    }

    void apply(String path, HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", SecurityHeaders.policyFor(path));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", SecurityHeaders.REFERRER_POLICY);
        if (hsts != null) {
            response.setHeader("Strict-Transport-Security", hsts);
        }
    }

    private static String pathOf(HttpServletRequest request) {
        Object errorUri = request.getAttribute(javax.servlet.RequestDispatcher.ERROR_REQUEST_URI);
        return errorUri != null ? errorUri.toString() : request.getRequestURI();
    }
}
