package org.waymark.platform.internal.security;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
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

/** A member of staff turning on two-factor sign-in for themselves (those whose role needs it are asked at sign-in). */
@Component(service = TwoFactorResource.class, property = "osgi.jaxrs.resource=true")
@Path("/me/two-factor")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class TwoFactorResource {
    private final TwoFactor twoFactor;
    private final AuditLog audit;

    public record State(String status, boolean required) {
    }

    public record Code(String code) {
    }

    @Activate
    public TwoFactorResource(@Reference TwoFactor twoFactor, @Reference AuditLog audit) {
        this.twoFactor = twoFactor;
        this.audit = audit;
    }

    @GET
    public State state(@Context SecurityContext security) {
        Caller me = me(security);
        return new State(twoFactor.status(me.id()).name().toLowerCase(java.util.Locale.ROOT), twoFactor.requiredFor(me));
    }

    /** The secret and QR code to scan; asking again before confirming gives the same secret. */
    @POST
    public Response start(@Context SecurityContext security) {
        Caller me = me(security);
        if (twoFactor.status(me.id()) == TwoFactor.Status.ENROLLED) {
            throw WaymarkException.conflict("Two-factor sign-in is already on; an admin can reset it if you lost your phone");
        }
        return Response.ok(twoFactor.enrolment(me.id())).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("/confirm")
    @Consumes(MediaType.APPLICATION_JSON)
    public State confirm(Code code, @Context SecurityContext security) {
        Caller me = me(security);
        if (code == null || code.code() == null || code.code().isBlank()) {
            throw WaymarkException.invalid("code is required");
        }
        if (!twoFactor.confirm(me.id(), code.code())) {
            throw WaymarkException.unprocessable("That code does not match; check the app shows Waymark and enter its current code");
        }
        audit.record(me, AuditLog.Action.ADMIN, "TwoFactor", me.id() + " enrolled", null);
        return state(security);
    }

    private static Caller me(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
