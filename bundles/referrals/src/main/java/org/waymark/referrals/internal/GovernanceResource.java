package org.waymark.referrals.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.PUT;
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
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.Roles;
import org.waymark.referrals.internal.governance.PersonalData;

/**
 * A person's rights over their record: the subject access export (admins of the person's area) and rectification
 * with history (staff of the area).
 */
@Component(service = GovernanceResource.class, property = "osgi.jaxrs.resource=true")
@Path("/patients")
@Produces(MediaType.APPLICATION_JSON)
public final class GovernanceResource {
    private final PersonalData data;
    private final Rectifications rectifications;
    private final ReferralService referrals;

    @Activate
    public GovernanceResource(@Reference PersonalData data, @Reference Rectifications rectifications,
                              @Reference ReferralService referrals) {
        this.data = data;
        this.rectifications = rectifications;
        this.referrals = referrals;
    }

    /** Everything held about the person (from the caller's areas), as a JSON download. */
    @GET
    @Path("/{id}/export")
    @RolesAllowed(Roles.ADMIN)
    public Response export(@PathParam("id") String id, @Context SecurityContext security) {
        Map<String, Object> export = data.export(CaseRecordsResource.caller(security), id);
        return Response.ok(export)
                .header("Content-Disposition", "attachment; filename=\"waymark-person-" + id.replaceAll("[^A-Za-z0-9-]", "") + ".json\"")
                .header("Cache-Control", "no-store")
                .build();
    }

    /** Corrects the person's demographics; If-Match carries the person's version ("3"). The old values are kept. */
    @PUT
    @Path("/{id}/demographics")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
    public Response correct(@PathParam("id") String id, Rectifications.Correction correction,
                            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, @Context SecurityContext security) {
        Patient patient = rectifications.correct(CaseRecordsResource.caller(security), id, correction, CaseloadResource.version(ifMatch));
        return Response.ok(Person.of(patient)).tag(new EntityTag(Long.toString(patient.version()))).build();
    }

    /**
     * A person as this API shows them: the domain record's shape, with the birth date written at the precision known
     * (1950, 1950-05 or 1950-05-01) rather than as the first day of its period.
     */
    public record Person(String id, NhsNumber nhsNumber, Details demographics, long version, Instant lastUpdated) {
        static Person of(Patient patient) {
            Demographics d = patient.demographics();
            return new Person(patient.id(), patient.nhsNumber(), new Details(d.family(), d.given(), d.birthDateText(),
                    d.gender(), d.postcode()), patient.version(), patient.lastUpdated());
        }
    }

    public record Details(String family, String given, String birthDate, String gender, String postcode) {
    }

    /** The person's details as they stand (with the version to send in If-Match) and every earlier state. */
    public record History(Person current, List<Rectifications.Previous> previous) {
    }

    /** The values that corrections replaced, newest first, with who changed them, when and why. */
    @GET
    @Path("/{id}/history")
    @RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
    public Response history(@PathParam("id") String id, @Context SecurityContext security) {
        List<Rectifications.Previous> previous = rectifications.history(CaseRecordsResource.caller(security), id);
        Patient current = referrals.findPatient(CaseRecordsResource.caller(security), id)
                .orElseThrow(() -> org.waymark.api.error.WaymarkException.notFound("No person with this id in your areas"));
        return Response.ok(new History(Person.of(current), previous)).tag(new EntityTag(Long.toString(current.version()))).build();
    }
}
