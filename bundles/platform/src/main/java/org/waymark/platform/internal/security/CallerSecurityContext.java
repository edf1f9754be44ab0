package org.waymark.platform.internal.security;

import java.security.Principal;
import javax.ws.rs.core.SecurityContext;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;

/** An authenticated request's security context: its principal is the {@link Caller}, for resources to read back. */
public record CallerSecurityContext(Caller caller, boolean secure) implements SecurityContext {
    @Override
    public Principal getUserPrincipal() {
        return new CallerPrincipal(caller);
    }

    @Override
    public boolean isUserInRole(String role) {
        return caller.hasRole(role);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return caller.isClient() ? "Bearer" : "Waymark";
    }
}
