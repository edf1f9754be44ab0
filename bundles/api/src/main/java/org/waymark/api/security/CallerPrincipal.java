package org.waymark.api.security;

import java.security.Principal;
import java.util.Optional;

/**
 * The {@link Principal} that Waymark's HTTP layer puts into each authenticated request's security context. Resources
 * turn it back into a {@link Caller} with {@link #callerOf(Principal)}.
 */
public record CallerPrincipal(Caller caller) implements Principal {

    @Override
    public String getName() {
        return caller.id();
    }

    /** The caller behind an authenticated request's principal; empty for an anonymous request. */
    public static Optional<Caller> callerOf(Principal principal) {
        return principal instanceof CallerPrincipal p ? Optional.of(p.caller()) : Optional.empty();
    }
}
