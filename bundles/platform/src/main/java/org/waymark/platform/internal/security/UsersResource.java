package org.waymark.platform.internal.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.CookieParam;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
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

/**
 * An area admin's user pages: list the area's users, create one, disable a leaver (or enable again), reset a
 * password (which ends the user's sessions). An admin manages only users whose areas are all among the admin's own.
 * Temporary passwords are shown once, in the answer, and stored only as hashes.
 */
@Component(service = UsersResource.class, property = "osgi.jaxrs.resource=true")
@Path("/users")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class UsersResource {
    private final UserAccounts users;
    private final AuditLog audit;

    public record User(String username, Set<String> roles, Set<String> areas, boolean enabled) {
    }

    private final TwoFactorResetCommand twoFactorReset;

    public record NewUser(String username, Set<String> roles, Set<String> areas) {
    }

    @Activate
    public UsersResource(@Reference UserAccounts users, @Reference AuditLog audit,
                         @Reference TwoFactorResetCommand twoFactorReset) {
        this.twoFactorReset = twoFactorReset;
        this.users = users;
        this.audit = audit;
    }

    @GET
    public List<User> list(@Context SecurityContext security) {
        Caller admin = caller(security);
        return users.users().stream().filter(u -> u.caller().areas().stream().anyMatch(admin.areas()::contains))
                .map(u -> new User(u.caller().id(), u.caller().roles(), u.caller().areas(), u.enabled())).toList();
    }

    /** The link workers of the caller's areas, for assigning referrals: names and areas only. */
    @GET
    @Path("/link-workers")
    @RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
    public List<User> linkWorkers(@Context SecurityContext security) {
        Caller caller = caller(security);
        return users.users().stream().filter(u -> u.enabled() && u.caller().hasRole(Roles.LINK_WORKER)
                        && u.caller().areas().stream().anyMatch(caller.areas()::contains))
                .map(u -> new User(u.caller().id(), u.caller().roles(), u.caller().areas(), true)).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewUser user, @Context SecurityContext security) {
        Caller admin = caller(security);
        if (user == null || user.username() == null || user.roles() == null || user.areas() == null || user.areas().isEmpty()) {
            throw WaymarkException.invalid("username, roles and areas are required");
        }
        // A null in a list failed the area check with a 500; blank names are no roles or areas either.
        if (user.roles().stream().anyMatch(UsersResource::blank) || user.areas().stream().anyMatch(UsersResource::blank)) {
            throw WaymarkException.invalid("roles and areas are names: null and blank entries are not allowed");
        }
        requireOwnAreas(admin, user.areas());
        String password = Secrets.newToken().substring(0, 16);
        users.createUser(new UserAccounts.NewUser(user.username(), password, user.roles(), user.areas()));
        audit.record(admin, AuditLog.Action.ADMIN, "User", user.username() + " created", null);
        return Response.status(201).entity(withPassword(user.username(), password)).build();
    }

    @POST
    @Path("/{name}/disable")
    public User disable(@PathParam("name") String name, @Context SecurityContext security) {
        return setEnabled(caller(security), name, false);
    }

    @POST
    @Path("/{name}/enable")
    public User enable(@PathParam("name") String name, @Context SecurityContext security) {
        return setEnabled(caller(security), name, true);
    }

    @POST
    @Path("/{name}/password-reset")
    public Map<String, String> resetPassword(@PathParam("name") String name,
                                             @CookieParam(Authenticator.SESSION_COOKIE) String sessionId,
                                             @Context SecurityContext security) {
        Caller admin = caller(security);
        managed(admin, name);
        String password = Secrets.newToken().substring(0, 16);
        // The user's sessions end; an admin resetting their own password keeps the session they are using.
        users.setPassword(name, password, admin.id().equals(name) ? sessionId : null);
        audit.record(admin, AuditLog.Action.ADMIN, "User", name + " password reset", null);
        return withPassword(name, password);
    }

    /** For a lost phone: the user sets up two-factor sign-in again at their next sign-in. */
    @POST
    @Path("/{name}/two-factor-reset")
    public Response resetTwoFactor(@PathParam("name") String name, @Context SecurityContext security) {
        Caller admin = caller(security);
        managed(admin, name);
        twoFactorReset.reset(admin, name);
        return Response.noContent().build();
    }

    private User setEnabled(Caller admin, String name, boolean enabled) {
        if (admin.id().equals(name) && !enabled) {
            throw WaymarkException.conflict("You cannot disable your own account");
        }
        managed(admin, name);
        users.setEnabled(name, enabled);
        audit.record(admin, AuditLog.Action.ADMIN, "User", name + (enabled ? " enabled" : " disabled"), null);
        UserAccounts.UserAccount after = managed(admin, name);
        return new User(name, after.caller().roles(), after.caller().areas(), after.enabled());
    }

    private UserAccounts.UserAccount managed(Caller admin, String name) {
        UserAccounts.UserAccount user = users.users().stream().filter(u -> u.caller().id().equals(name)).findFirst()
                .orElseThrow(() -> WaymarkException.notFound("No user " + name));
        requireOwnAreas(admin, user.caller().areas());
        return user;
    }

    private static void requireOwnAreas(Caller admin, Set<String> areas) {
        if (!admin.areas().containsAll(areas)) {
            throw WaymarkException.forbidden("You manage users of your own areas only");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static Map<String, String> withPassword(String name, String password) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("username", name);
        body.put("temporaryPassword", password);
        return body;
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
