package org.waymark.referrals.internal;

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
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/** A referral's timeline and what the worker records on it: contact attempts, notes, appointments, safeguarding concerns. */
@Component(service = CaseRecordsResource.class, property = "osgi.jaxrs.resource=true")
@Path("/referrals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class CaseRecordsResource {
    private final CaseRecords records;
    private final ReferralDetails details;
    private final ReferralFlags flags;

    @Activate
    public CaseRecordsResource(@Reference CaseRecords records, @Reference ReferralDetails details, @Reference ReferralFlags flags) {
        this.records = records;
        this.details = details;
        this.flags = flags;
    }

    public record Concern(String text) {
    }

    /** Raises a safeguarding concern: recorded on the referral and sent to the area's admins and safeguarding lead. */
    @POST
    @Path("/{id}/safeguarding-concerns")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response raiseConcern(@PathParam("id") String id, Concern concern, @Context SecurityContext security) {
        return Response.status(201).entity(flags.raiseConcern(caller(security), id, concern == null ? null : concern.text())).build();
    }

    @GET
    @Path("/{id}/timeline")
    public List<ReferralDetails.Event> timeline(@PathParam("id") String id, @Context SecurityContext security) {
        return details.timeline(caller(security), id);
    }

    @GET
    @Path("/{id}/contacts")
    public List<CaseRecords.Contact> contacts(@PathParam("id") String id, @Context SecurityContext security) {
        return records.contacts(caller(security), id);
    }

    @POST
    @Path("/{id}/contacts")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addContact(@PathParam("id") String id, CaseRecords.Contact contact, @Context SecurityContext security) {
        return Response.status(201).entity(records.addContact(caller(security), id, contact)).build();
    }

    @GET
    @Path("/{id}/notes")
    public List<CaseRecords.Note> notes(@PathParam("id") String id, @Context SecurityContext security) {
        return records.notes(caller(security), id);
    }

    public record NewNote(String text) {
    }

    @POST
    @Path("/{id}/notes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addNote(@PathParam("id") String id, NewNote note, @Context SecurityContext security) {
        return Response.status(201).entity(records.addNote(caller(security), id, note == null ? null : note.text())).build();
    }

    @GET
    @Path("/{id}/appointments")
    public List<CaseRecords.Appointment> appointments(@PathParam("id") String id, @Context SecurityContext security) {
        return records.appointments(caller(security), id);
    }

    @POST
    @Path("/{id}/appointments")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addAppointment(@PathParam("id") String id, CaseRecords.Appointment appointment, @Context SecurityContext security) {
        return Response.status(201).entity(records.addAppointment(caller(security), id, appointment)).build();
    }

    public record AppointmentStatus(String status) {
    }

    @POST
    @Path("/{id}/appointments/{appointmentId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    public CaseRecords.Appointment updateAppointment(@PathParam("id") String id, @PathParam("appointmentId") String appointmentId,
                                                     AppointmentStatus status, @Context SecurityContext security) {
        return records.updateAppointment(caller(security), id, appointmentId, status == null ? null : status.status());
    }

    static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
