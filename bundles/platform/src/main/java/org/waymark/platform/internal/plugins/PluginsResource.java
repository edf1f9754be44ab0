package org.waymark.platform.internal.plugins;

import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;
import org.waymark.platform.http.OptionalBody;
import org.waymark.platform.internal.admin.AdminCommands;

/** {@code /api/plugins}: what plugins (and the built-in services on the same SPI) are in use, and their health. */
@Component(service = PluginsResource.class, property = "osgi.jaxrs.resource=true")
@Path("/plugins")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class PluginsResource {
    private final WhiteboardPluginRegistry registry;
    private final AdminCommands admin;
    private final AreaDirectory areas;

    @Activate
    public PluginsResource(@Reference WhiteboardPluginRegistry registry, @Reference AdminCommands admin,
                           @Reference AreaDirectory areas) {
        this.registry = registry;
        this.admin = admin;
        this.areas = areas;
    }

    @GET
    public List<PluginInfo> plugins() {
        return registry.plugins();
    }

    /**
     * Approves a deployed plugin so the core uses it: the version in the body ({@code {"version": "1.0.0"}}), or
     * every installed version of it.
     */
    @POST
    @Path("/{id}/approval")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<PluginInfo> approve(@PathParam("id") String id, @OptionalBody Approval approval, @Context SecurityContext security) {
        admin.approvePlugin(adminOfEveryArea(security, "An approved plugin works on every area's referrals"), id,
                approval == null ? null : approval.version());
        return registry.plugins().stream().filter(p -> p.id().equals(id)).toList();
    }

    public record Approval(String version) {
    }

    /** Takes a plugin marked failed back into use, after its cause was fixed. */
    @POST
    @Path("/{id}/reset")
    public PluginInfo reset(@PathParam("id") String id, @Context SecurityContext security) {
        admin.resetPlugin(adminOfEveryArea(security, "A plugin taken back into use works on every area's referrals"), id);
        return registry.plugins().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * A plugin's triage rules, intake checks and channels run on the referrals of every area (or of an area other than
     * its approver's), so an admin of one area may see plugins but not change what the others' referrals go through
     * (found probing: a Sheffield-only admin approved the Islington pathfinder). The operator's shell is not asked.
     */
    private Caller adminOfEveryArea(SecurityContext security, String why) {
        Caller caller = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
        if (!areas.administersEveryArea(caller)) {
            throw WaymarkException.forbidden(why + ": only an admin of every area of this deployment may change it");
        }
        return caller;
    }
}
