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
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

/** The outcome measures an area offers (with their items, scale and licence state), and the area's licences. */
@Component(service = OutcomeMeasureResource.class, property = "osgi.jaxrs.resource=true")
@Path("/outcome-measures")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class OutcomeMeasureResource {
    private final OutcomeMeasures measures;

    @Activate
    public OutcomeMeasureResource(@Reference OutcomeMeasures measures) {
        this.measures = measures;
    }

    @GET
    public List<OutcomeMeasures.Available> list(@QueryParam("area") String area, @Context SecurityContext security) {
        Caller caller = CaseRecordsResource.caller(security);
        return measures.available(caller, area == null ? onlyArea(caller) : area);
    }

    public record Licence(String area, String licence) {
    }

    @PUT
    @Path("/{id}/licence")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Response recordLicence(@PathParam("id") String id, Licence licence, @Context SecurityContext security) {
        Caller caller = CaseRecordsResource.caller(security);
        if (licence == null) {
            throw WaymarkException.invalid("area and licence are required");
        }
        measures.recordLicence(caller, licence.area() == null ? onlyArea(caller) : licence.area(), id, licence.licence());
        return Response.noContent().build();
    }

    private static String onlyArea(Caller caller) {
        if (caller.areas().size() != 1) {
            throw WaymarkException.invalid("Name the area: you work in " + caller.areas().size() + " areas");
        }
        return caller.areas().iterator().next();
    }
}
