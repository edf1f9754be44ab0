package org.waymark.jettyerrors.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The answer to a request that Jetty refused or could not route before any Waymark servlet saw it: in the format of
 * the surface the request was meant for (an OperationOutcome under /fhir, RFC 9457 problem+json elsewhere), with the
 * security headers the platform's filter gives every other answer, and nothing of the request or of Jetty in it.
 */
record Refusal(int status, Map<String, String> headers, byte[] body) {
    /** As the platform's readiness gate and the start gate answer. */
    static final String RETRY_AFTER_SECONDS = "1";
    static final String STARTING = "Waymark is starting or stopping; try again shortly";
    /** The platform's default (etc/org.waymark.security.cfg): a year. */
    static final long DEFAULT_HSTS_MAX_AGE_SECONDS = 31_536_000;
    /** Jetty's reasons are fixed texts ("URI Too Long", "Transfer-Encoding and Content-Length"); anything else is left out. */
    private static final Pattern PLAIN_REASON = Pattern.compile("[A-Za-z0-9 ,.:'()/-]{1,100}");

    /**
     * @param path the request's path when Jetty read that far (null when the request line itself was refused)
     * @param status Jetty's status for the refusal
     * @param reason Jetty's reason, or null
     * @param hsts the Strict-Transport-Security value to send, or null for none
     */
    static Refusal of(String path, int status, String reason, String hsts) {
        Surface surface = Surface.of(path);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
        headers.put("Cache-Control", "no-store");
        if (hsts != null) {
            headers.put("Strict-Transport-Security", hsts);
        }
        String message = message(status, reason);
        if (status == 503) {
            headers.put("Retry-After", RETRY_AFTER_SECONDS);
        }
        String body;
        if (surface == Surface.FHIR) {
            headers.put("Content-Type", "application/fhir+json;charset=UTF-8");
            body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"" + issueType(status)
                    + "\",\"diagnostics\":\"" + message + "\"}]}";
        } else {
            headers.put("Content-Type", "application/problem+json;charset=UTF-8");
            body = "{\"type\":\"about:blank\",\"title\":\"" + message + "\",\"status\":" + status + "}";
        }
        return new Refusal(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A request no servlet context took: before Pax Web has registered any (start) or after it removed them (stop).
     * Waymark's routes then answer 503 with Retry-After, as the start gate does once the root context exists; other
     * paths keep Jetty's status. Returns null for paths Waymark does not serve, which keep Jetty's own page.
     */
    static Refusal unrouted(String path, int status, String reason, String hsts) {
        Surface surface = Surface.of(path);
        if (surface == Surface.NONE) {
            return null;
        }
        return status == 404 ? of(path, 503, STARTING, hsts) : of(path, status, reason, hsts);
    }

    /**
     * The Strict-Transport-Security value the platform sends, from the same settings ({@code WAYMARK_HSTS},
     * {@code WAYMARK_HSTS_MAX_AGE_SECONDS}, read as its security configuration reads them); null when it sends none.
     * The fragment cannot see the platform's configuration, only the environment both come from.
     */
    static String hsts(Function<String, String> environment) {
        if (!Boolean.parseBoolean(environment.apply("WAYMARK_HSTS"))) {
            return null;
        }
        long maxAge = DEFAULT_HSTS_MAX_AGE_SECONDS;
        String configured = environment.apply("WAYMARK_HSTS_MAX_AGE_SECONDS");
        if (configured != null && configured.strip().matches("\\d{1,12}")) {
            maxAge = Long.parseLong(configured.strip());
        }
        return "max-age=" + maxAge + "; includeSubDomains";
    }

    private static String message(int status, String reason) {
        String base = switch (status) {
            case 400 -> "The request is not valid HTTP";
            case 413 -> "The request is too large";
            case 414 -> "The request line is too long (at most 8 KiB)";
            case 431 -> "The request's headers are too large";
            case 503 -> STARTING;
            default -> "The request was refused";
        };
        if (status == 503 || reason == null || !PLAIN_REASON.matcher(reason).matches()) {
            return base;
        }
        return base + " (" + reason + ")";
    }

    private static String issueType(int status) {
        return switch (status) {
            case 413, 414, 431 -> "too-long";
            case 503 -> "transient";
            case 404 -> "not-found";
            default -> "invalid";
        };
    }

    /** Which of Waymark's surfaces a path belongs to, as the start gate sees it. */
    enum Surface {
        FHIR, PROBLEM, NONE;

        static Surface of(String path) {
            if (path == null) {
                return PROBLEM;
            }
            if (under(path, "/fhir")) {
                return FHIR;
            }
            return under(path, "/api") || under(path, "/oauth2") || under(path, "/directory") ? PROBLEM : NONE;
        }

        private static boolean under(String path, String root) {
            return path.equals(root) || path.startsWith(root + "/");
        }
    }
}
