package org.waymark.platform.internal.web;

import java.io.IOException;
import javax.servlet.RequestDispatcher;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Component;
import org.waymark.platform.http.ErrorClassifier;
import org.waymark.platform.http.SecurityHeaders;

/**
 * Replaces Jetty's own error pages (unknown paths, malformed requests, failures outside JAX-RS) so that no answer
 * shows a server version, a stack trace or a class name, and each path answers in its own error format.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.errorPage=4xx",
        "osgi.http.whiteboard.servlet.errorPage=5xx",
        "osgi.http.whiteboard.servlet.errorPage=java.lang.Throwable",
        "osgi.http.whiteboard.servlet.name=waymark-error-page"})
public final class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        String uri = String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI));
        boolean application = uri.startsWith("/fhir") || uri.startsWith("/api") || uri.startsWith("/oauth2")
                || uri.startsWith("/directory");
        if (status == 404 && application) {
            // Jersey answers its own 404s; one that reaches this page means the application's servlet is not in
            // service yet (the server is starting or restarting). A 404 would tell a GP system to give up.
            status = 503;
            response.setHeader("Retry-After", "2");
        }
        String message = status == 503 && application ? "Waymark is starting; try again shortly" : ErrorClassifier.reasonFor(status);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setCharacterEncoding("UTF-8");
        if (uri.startsWith("/fhir")) {
            response.setContentType("application/fhir+json");
            response.getWriter().write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
                    + (status == 404 ? "not-found" : status >= 500 ? "exception" : "invalid")
                    + "\",\"diagnostics\":\"" + message + "\"}]}");
        } else if (application) {
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"" + message + "\",\"status\":" + status + "}");
        } else {
            response.setContentType("text/html");
            response.getWriter().write("<!doctype html><html lang=\"en\"><head><title>" + status + "</title><style>"
                    + SecurityHeaders.PAGE_STYLE + "</style></head><body><h1>"
                    + message + "</h1><p><a href=\"/console/\">Go to the Waymark console</a></p></body></html>");
        }
    }
}
