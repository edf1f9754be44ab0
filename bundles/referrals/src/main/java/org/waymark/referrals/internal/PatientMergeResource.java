package org.waymark.referrals.internal;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
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
import org.waymark.api.security.Roles;

/**
 * Staff who find one person recorded twice merge the two records: {@code POST /api/patients/{id}/merge} moves
 * everything on record {@code id} to the record named {@code into}, which stays.
 */
@Component(service = PatientMergeResource.class, property = "osgi.jaxrs.resource=true")
@Path("/patients")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class PatientMergeResource {
    private final PatientMerges merges;

    @Activate
    public PatientMergeResource(@Reference PatientMerges merges) {
        this.merges = merges;
    }

    /**
     * @param into   the record that stays
     * @param reason why the two are one person, kept with the merge
     */
    public record MergeRequest(String into, String reason) {
    }

    @POST
    @Path("/{id}/merge")
    @Consumes(MediaType.APPLICATION_JSON)
    public PatientMerges.Merged merge(@PathParam("id") String id, MergeRequest request, @Context SecurityContext security) {
        if (request == null) {
            throw WaymarkException.invalid("A body is required: {\"into\": the record that stays, \"reason\": why}");
        }
        return merges.merge(CaseRecordsResource.caller(security), id, request.into(), request.reason());
    }
}
