package org.waymark.directory.internal;

import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
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
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/** Freshness of a listing for staff: when it was last confirmed, reports of closure or change, capacity. */
@Component(service = FreshnessResource.class, property = "osgi.jaxrs.resource=true")
@Path("/directory/services/{id}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class FreshnessResource {
    private final Freshness freshness;

    @Activate
    public FreshnessResource(@Reference Freshness freshness) {
        this.freshness = freshness;
    }

    @GET
    @Path("freshness")
    public Map<String, Object> freshness(@PathParam("id") String id) {
        return freshness.state(id).json();
    }

    /** A link worker reports {@code {"kind": "closed" | "changed", "note": "..."}} from the service page. */
    @POST
    @Path("reports")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> report(@PathParam("id") String id, Map<String, String> body, @Context SecurityContext security) {
        if (body == null) {
            throw WaymarkException.invalid("The body must be {\"kind\": \"closed\" | \"changed\", \"note\": ...}");
        }
        return freshness.report(CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow(), id, body.get("kind"),
                body.get("note")).json();
    }

    /** {@code {"capacity": "open" | "full" | "waitlist"}}, as the provider said (they also can through their check link). */
    @PUT
    @Path("capacity")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Map<String, Object> capacity(@PathParam("id") String id, Map<String, String> body, @Context SecurityContext security) {
        if (body == null) {
            throw WaymarkException.invalid("The body must be {\"capacity\": \"open\" | \"full\" | \"waitlist\"}");
        }
        return freshness.capacity(CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow(), id, body.get("capacity")).json();
    }
}
