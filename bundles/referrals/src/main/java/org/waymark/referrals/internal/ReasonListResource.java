package org.waymark.referrals.internal;

import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/** The area's reasons for rejecting, pausing and closing referrals: read by workers, replaced by the area's admin. */
@Component(service = ReasonListResource.class, property = "osgi.jaxrs.resource=true")
@Path("/reason-lists")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class ReasonListResource {
    private final ReasonLists lists;

    @Activate
    public ReasonListResource(@Reference ReasonLists lists) {
        this.lists = lists;
    }

    @GET
    @Path("/{name}")
    public ReasonLists.ReasonList get(@PathParam("name") String name, @QueryParam("area") String area,
                                      @Context SecurityContext security) {
        return lists.list(CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow(), name, area);
    }

    public record Replacement(List<ReasonLists.Reason> reasons) {
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public ReasonLists.ReasonList replace(@PathParam("name") String name, @QueryParam("area") String area, Replacement body,
                                          @Context SecurityContext security) {
        return lists.replace(CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow(), name, area,
                body == null ? null : body.reasons());
    }
}
