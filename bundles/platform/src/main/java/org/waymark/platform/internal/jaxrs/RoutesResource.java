package org.waymark.platform.internal.jaxrs;

import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.waymark.api.security.Roles;

/**
 * Lists the routes served right now and who may call them, so an admin (and a test) can check the attack surface.
 * The host registers it itself: as a whiteboard service it would depend on the host that hosts it.
 */
@Path("/admin/routes")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class RoutesResource {
    private final RouteInventory inventory;

    RoutesResource(RouteInventory inventory) {
        this.inventory = inventory;
    }

    @GET
    public List<RouteInventory.Route> routes() {
        return inventory.routes();
    }
}
