package org.waymark.platform.internal.security;

import javax.ws.rs.WebApplicationException;
import javax.ws.rs.core.Response;

/** A locked-out sign-in: 429 with Retry-After; each surface's exception mapper answers it in its own error format. */
public final class TooManyAttempts extends WebApplicationException {
    private static final long serialVersionUID = 1L;

    public TooManyAttempts(LoginGuard.Check check) {
        super(Response.status(429).header("Retry-After", Long.toString(check.retryAfterSeconds())).build());
    }
}
