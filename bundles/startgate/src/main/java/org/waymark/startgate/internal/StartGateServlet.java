package org.waymark.startgate.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The web server's fallback ("/", matched only when no other servlet is): Jetty listens as soon as Pax Web starts,
 * seconds before the platform registers the /api, /fhir, /oauth2 and /directory servlets, and its own answer then was
 * a 404 page, which tells a GP system its referral has nowhere to go. This bundle starts just after Pax Web and answers
 * those paths 503 with {@code Retry-After} instead, the way the platform answers while its routes are still loading.
 * Once the platform's servlets are registered they match first and this servlet only sees other paths (404, as before).
 * {@link StartGate} registers it on the whiteboard.
 */
public final class StartGateServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** As the platform's own readiness gate answers. */
    static final String RETRY_AFTER_SECONDS = "1";
    private static final String MESSAGE = "Waymark is starting; try again shortly";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Answer answer = answer(request.getMethod(), path);
        if (answer == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setStatus(answer.status());
        if (answer.status() == HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(answer.contentType());
        response.getOutputStream().write(answer.body().getBytes(StandardCharsets.UTF_8));
    }

    /** This servlet's answer: status, content type and body; null for a path nobody serves (404). */
    record Answer(int status, String contentType, String body) {
    }

    static Answer answer(String method, String path) {
        String kind = kindOf(path);
        if (kind == null) {
            return null;
        }
        // Jetty never hands a CONNECT to a servlet context other than the root one, so it comes here even while
        // Waymark runs, and "starting" would send the client into retries that can never succeed: no route of
        // Waymark's tunnels (it is no proxy), which 501 says for the whole server (a 405 would have to list methods).
        if ("CONNECT".equalsIgnoreCase(method)) {
            return answer(kind, HttpServletResponse.SC_NOT_IMPLEMENTED, "not-supported", "CONNECT is not supported: Waymark is not a proxy");
        }
        return answer(kind, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "transient", MESSAGE);
    }

    private static Answer answer(String kind, int status, String issueCode, String message) {
        if (kind.equals("fhir")) {
            return new Answer(status, "application/fhir+json;charset=UTF-8", "{\"resourceType\":\"OperationOutcome\",\"issue\":["
                    + "{\"severity\":\"error\",\"code\":\"" + issueCode + "\",\"diagnostics\":\"" + message + "\"}]}");
        }
        return new Answer(status, "application/problem+json;charset=UTF-8", "{\"type\":\"about:blank\",\"title\":\""
                + message + "\",\"status\":" + status + "}");
    }

    /** "fhir", "problem" for the other routes the platform serves, or null for a path nobody serves. */
    static String kindOf(String path) {
        if (under(path, "/fhir")) {
            return "fhir";
        }
        return under(path, "/api") || under(path, "/oauth2") || under(path, "/directory") ? "problem" : null;
    }

    private static boolean under(String path, String root) {
        return path.equals(root) || path.startsWith(root + "/");
    }
}
