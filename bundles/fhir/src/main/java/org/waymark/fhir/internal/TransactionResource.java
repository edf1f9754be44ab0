package org.waymark.fhir.internal;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.SenderIdentities;

/**
 * FHIR transactions ({@code POST /fhir}): a GP system sends a Patient and the ServiceRequests about it in one Bundle,
 * and gets all of them stored in one database transaction, or none, with a transaction-response Bundle. A
 * ServiceRequest identifier the sender already used answers with the stored referral (200), so a whole transaction
 * can be retried safely.
 */
@Component(service = {TransactionResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/")
@RolesAllowed(Roles.REFERRER)
public final class TransactionResource extends ReferralEndpoint {
    private final Fhir fhir;
    private final SenderBinding binding;

    @Activate
    public TransactionResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings,
                               @Reference SenderIdentities senders) {
        super(fhir, referrals, settings, "Bundle", List.of(), Map.of());
        this.fhir = fhir;
        this.binding = new SenderBinding(senders);
    }

    @Override
    public List<String> systemInteractions() {
        return List.of("transaction");
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response transaction(byte[] sent, @HeaderParam("Prefer") String prefer, @Context HttpHeaders headers,
                                @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        Posted<Bundle> parsed = parse(sent, headers, Bundle.class);
        String body = parsed.text();
        FhirFormat format = parsed.format();
        Bundle posted = parsed.resource();
        long serviceRequests = posted.getEntry().stream().filter(e -> e.getResource() instanceof ServiceRequest).count();
        TransactionBundle transaction = new TransactionBundle(posted, fhir,
                parts -> serviceRequests == 1 ? body : excerpt(format, parts), format.mediaType());
        Caller sender = Callers.of(security);
        for (TransactionBundle.ReferralEntry entry : transaction.referrals()) {
            binding.requireOdsCodes(sender, () -> SendingOrganisation.ofRequester(entry.request()));
        }
        List<NewReferral> newReferrals = transaction.referrals().stream().map(TransactionBundle.ReferralEntry::referral).toList();
        List<Intake> intakes = referrals.receiveAll(sender, newReferrals);
        // A transaction answers locations and versions unless the resources are asked for.
        boolean representation = PreferReturn.of(prefer, PreferReturn.MINIMAL) == PreferReturn.REPRESENTATION;
        return responder.resource(request, 200, response(request, sender, transaction, intakes, representation));
    }

    private Bundle response(FhirRequest request, Caller sender, TransactionBundle transaction, List<Intake> intakes,
                            boolean representation) {
        Bundle.BundleEntryComponent[] entries = new Bundle.BundleEntryComponent[transaction.bundle().getEntry().size()];
        List<TransactionBundle.ReferralEntry> referralEntries = transaction.referrals();
        for (int i = 0; i < referralEntries.size(); i++) {
            Intake intake = intakes.get(i);
            ServiceRequest stored = ReferralMapping.toServiceRequest(intake.referral());
            Bundle.BundleEntryComponent entry = entry(request, stored, intake.created(), representation);
            if (!intake.warnings().isEmpty()) {
                OperationOutcome outcome = new OperationOutcome();
                intake.warnings().forEach(w -> outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING)
                        .setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(w));
                entry.getResponse().setOutcome(outcome);
            }
            entries[referralEntries.get(i).index()] = entry;
        }
        // Each Patient entry answers with the patient its first ServiceRequest was linked to: 201 when a new record
        // was made for it, 200 when it is someone already known (a conditional create that matched).
        for (TransactionBundle.PatientEntry patientEntry : transaction.patients()) {
            int first = indexOfFirstReferral(referralEntries, patientEntry.key());
            Intake intake = intakes.get(first);
            // With return=representation the answer shows the stored record, which may hold more than this sender
            // sent (a person referred before): that is a read, scoped and audited. Otherwise the entry gives only
            // the record's location and version, which the intake read with the referral.
            Patient patient = representation
                    ? referrals.findPatient(sender, intake.referral().patientId()).orElseThrow()
                    : intake.patientRecord();
            boolean created = intake.created() && intake.patient().isNewRecord();
            entries[patientEntry.index()] = entry(request, ReferralMapping.toPatient(patient), created, representation);
        }
        for (TransactionBundle.SentEntry sent : transaction.flagsAndConsents()) {
            entries[sent.index()] = FlagAndConsentResponses.entry(sent, referralEntries, intakes);
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(new Date());
        for (Bundle.BundleEntryComponent entry : entries) {
            bundle.addEntry(entry);
        }
        return bundle;
    }

    private static int indexOfFirstReferral(List<TransactionBundle.ReferralEntry> referralEntries, String patientKey) {
        for (int i = 0; i < referralEntries.size(); i++) {
            if (patientKey.equals(referralEntries.get(i).patientKey())) {
                return i;
            }
        }
        throw new IllegalStateException("Every Patient entry is the subject of a ServiceRequest entry");
    }

    private static Bundle.BundleEntryComponent entry(FhirRequest request, Resource resource, boolean created,
                                                     boolean representation) {
        String version = resource.getMeta().getVersionId();
        Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent()
                .setFullUrl(request.url(ReferralMapping.typeAndId(resource)));
        entry.getResponse().setStatus(created ? "201 Created" : "200 OK")
                .setLocation(request.url(ReferralMapping.typeAndId(resource) + "/_history/" + version))
                .setEtag("W/\"" + version + "\"")
                .setLastModified(resource.getMeta().getLastUpdated());
        if (representation) {
            entry.setResource(resource);
        }
        return entry;
    }

    /** The part of a multi-referral transaction that one referral came from (see TransactionBundle's sourceOf). */
    private String excerpt(FhirFormat format, List<Bundle.BundleEntryComponent> parts) {
        Bundle part = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        parts.forEach(entry -> part.addEntry(entry.copy()));
        return fhir.encode(format, part, false);
    }
}
