package org.waymark.referrals.internal;

import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.security.Roles;
import org.waymark.platform.http.RequiredField;

/** Entering a referral by hand, assigning one, and handing over a whole caseload. */
@Component(service = AssignmentResource.class, property = "osgi.jaxrs.resource=true")
@Path("/referrals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class AssignmentResource {
    private final Assignments assignments;
    private final ManualReferrals manual;

    @Activate
    public AssignmentResource(@Reference Assignments assignments, @Reference ManualReferrals manual) {
        this.assignments = assignments;
        this.manual = manual;
    }

    /** A referral that came by phone, email, a VCSE partner or the person: linked and given a Task like any other. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response enter(ManualReferrals.Entry entry, @Context SecurityContext security) {
        Referral created = manual.enter(CaseRecordsResource.caller(security), entry);
        return Response.status(201).entity(CaseloadResource.Item.of(created))
                .tag(new EntityTag(Long.toString(created.version()))).build();
    }

    /** {@code {"assignee": null}} puts the referral back in the queue; a body without the field is refused. */
    public record Assignee(@RequiredField String assignee) {
    }

    /** Assigns the referral to a worker of its area, or back to the queue with a null assignee. */
    @POST
    @Path("/{id}/assignee")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response assign(@PathParam("id") String id, Assignee body, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                           @Context SecurityContext security) {
        String assignee = body.assignee() == null || body.assignee().isBlank() ? null : body.assignee().strip();
        Referral referral = assignments.assign(CaseRecordsResource.caller(security), id, assignee, CaseloadResource.version(ifMatch));
        return Response.ok(CaseloadResource.Item.of(referral)).tag(new EntityTag(Long.toString(referral.version()))).build();
    }

    public record Handover(String area, String from, String to) {
    }

    @POST
    @Path("/handover")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    public Map<String, Object> handOver(Handover body, @Context SecurityContext security) {
        if (body == null) {
            throw WaymarkException.invalid("area, from and to are required");
        }
        return Map.of("moved", assignments.handOver(CaseRecordsResource.caller(security), body.area(), body.from(), body.to()));
    }
}
