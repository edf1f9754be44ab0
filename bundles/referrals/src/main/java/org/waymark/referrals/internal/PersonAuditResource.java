package org.waymark.referrals.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
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
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.AuditTrail;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

/** The audit trail of a person's record (who read or changed what, when), for an admin of one of the person's areas. */
@Component(service = PersonAuditResource.class, property = "osgi.jaxrs.resource=true")
@Path("/patients")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class PersonAuditResource {
    static final int LIMIT = 500;
    private final ReferralService referrals;
    private final AuditTrail trail;
    private final AuditLog audit;
    private final PatientMerges merges;

    @Activate
    public PersonAuditResource(@Reference ReferralService referrals, @Reference AuditTrail trail, @Reference AuditLog audit,
                               @Reference PatientMerges merges) {
        this.referrals = referrals;
        this.trail = trail;
        this.audit = audit;
        this.merges = merges;
    }

    @GET
    @Path("/{id}/audit")
    public List<AuditTrail.Entry> audit(@PathParam("id") String patientId, @Context SecurityContext security) {
        Caller caller = CaseRecordsResource.caller(security);
        referrals.findPatient(caller, patientId)
                .orElseThrow(() -> WaymarkException.notFound("No person " + PatientLinker.clip(patientId, 64) + " in your areas"));
        // Entries keep the id they were written with: a record merged into this one holds part of the person's trail.
        List<AuditTrail.Entry> entries = new ArrayList<>(trail.forPatient(patientId, Set.of(), LIMIT));
        for (String former : merges.formerIds(patientId)) {
            entries.addAll(trail.forPatient(former, Set.of(), LIMIT));
        }
        entries.sort(Comparator.comparingLong(AuditTrail.Entry::id).reversed());
        audit.record(caller, AuditLog.Action.READ, "AuditTrail", patientId, patientId);
        return entries.size() > LIMIT ? List.copyOf(entries.subList(0, LIMIT)) : entries;
    }
}
