package org.waymark.platform.internal.security;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.CookieParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * A member of staff choosing their own password. Without it the temporary password an admin read out (and whoever
 * saw it) stayed valid for ever, and the audit trail could not tell the user's actions from the admin's. The current
 * password is asked again, so a session left open is not enough; a wrong one counts towards the lockout.
 */
@Component(service = PasswordResource.class, property = "osgi.jaxrs.resource=true")
@Path("/me/password")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class PasswordResource {
    private final UserAccounts users;
    private final LoginGuard guard;
    private final AuditLog audit;

    public record Change(String currentPassword, String newPassword) {
    }

    @Activate
    public PasswordResource(@Reference UserAccounts users, @Reference LoginGuard guard, @Reference AuditLog audit) {
        this.users = users;
        this.guard = guard;
        this.audit = audit;
    }

    /** Sets the caller's password; their other sessions end, the one they use stays. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response change(Change change, @CookieParam(Authenticator.SESSION_COOKIE) String sessionId,
                           @Context SecurityContext security, @Context ContainerRequestContext request) {
        Caller me = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
        if (change == null || change.currentPassword() == null || change.newPassword() == null) {
            throw WaymarkException.invalid("currentPassword and newPassword are required");
        }
        LoginGuard.Attempt attempt = new LoginGuard.Attempt("user", me.id(), Authenticator.remoteAddress(request));
        LoginGuard.Check check = guard.check(attempt);
        if (check.locked()) {
            throw new TooManyAttempts(check);
        }
        if (users.verifyUser(me.id(), change.currentPassword()).isEmpty()) {
            audit.record(me, AuditLog.Action.LOGIN_FAILED, "User", me.id() + " (wrong current password)", null);
            guard.failed(attempt);
            throw WaymarkException.forbidden("The current password is wrong");
        }
        if (change.newPassword().equals(change.currentPassword())) {
            throw WaymarkException.invalid("The new password must differ from the current one");
        }
        if (change.newPassword().strip().equalsIgnoreCase(me.id())) {
            throw WaymarkException.invalid("The new password must not be your user name");
        }
        users.setPassword(me.id(), change.newPassword(), sessionId);
        guard.succeeded(attempt, check);
        audit.record(me, AuditLog.Action.ADMIN, "User", me.id() + " changed their password", null);
        return Response.noContent().build();
    }
}
