package org.waymark.platform.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The security headers of every Waymark answer, set in one place (the platform's HTTP filter) for /api, /fhir,
 * /console, /directory, /oauth2 and the container's own error pages. Server-rendered pages (one-time links, error
 * pages) carry no script and style themselves only with {@link #PAGE_STYLE}, which the policy allows by its hash.
 */
public final class SecurityHeaders {
    /** The one inline style that server-rendered pages may use. */
    public static final String PAGE_STYLE = "body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}";

    /** The console: scripts, styles and data from this origin only, nothing inline. */
    public static final String CONSOLE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    /** Everything else (JSON, FHIR, one-time link pages, error pages): nothing loads, forms post back only here. */
    public static final String DEFAULT_POLICY = "default-src 'none'; style-src '" + hash(PAGE_STYLE) + "'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static final String REFERRER_POLICY = "no-referrer";

    private SecurityHeaders() {
    }

    /** The Content-Security-Policy for a request path. */
    public static String policyFor(String path) {
        return path != null && (path.equals("/console") || path.startsWith("/console/")) ? CONSOLE_POLICY : DEFAULT_POLICY;
    }

    static String hash(String inline) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(inline.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
