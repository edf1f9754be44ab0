package org.waymark.fhir.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Roles;

/** Referrals as FHIR ServiceRequests: GP systems create and follow them; staff read them. */
@Component(service = {ServiceRequestResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/ServiceRequest")
@RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
public final class ServiceRequestResource extends ReferralEndpoint {
    static final Map<String, String> SEARCH_PARAMETERS = new LinkedHashMap<>();

    static {
        SEARCH_PARAMETERS.put("identifier", "token");
        SEARCH_PARAMETERS.put("patient", "reference");
        SEARCH_PARAMETERS.put("patient:identifier", "token");
        SEARCH_PARAMETERS.put("status", "token");
        SEARCH_PARAMETERS.put("authored", "date");
        SEARCH_PARAMETERS.put("_lastUpdated", "date");
    }

    @Activate
    public ServiceRequestResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings) {
        super(fhir, referrals, settings, "ServiceRequest", List.of("create", "read", "search-type"), SEARCH_PARAMETERS);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.REFERRER)
    public Response create(byte[] sent, @HeaderParam("Prefer") String prefer, @Context HttpHeaders headers,
                           @Context UriInfo uri, @Context SecurityContext security) {
        Posted<ServiceRequest> posted = parse(sent, headers, ServiceRequest.class);
        Intake intake = referrals.receive(Callers.of(security),
                ReferralMapping.toNewReferral(posted.resource(), posted.format().mediaType(), posted.text()));
        FhirRequest request = request(headers, uri);
        ServiceRequest stored = ReferralMapping.toServiceRequest(intake.referral());
        if (prefer != null && prefer.contains("return=OperationOutcome")) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                    .setDiagnostics(intake.created() ? "Referral received" : "Referral already received with this identifier");
            intake.warnings().forEach(w -> outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING)
                    .setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(w));
            return Response.fromResponse(responder.outcome(request, intake.created() ? 201 : 200, outcome))
                    .location(java.net.URI.create(request.url("ServiceRequest/" + stored.getIdElement().getIdPart()))).build();
        }
        return responder.created(request, stored, intake.created());
    }

    @GET
    @Path("/{id}")
    public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context SecurityContext security) {
        return read(referrals.find(Callers.of(security), id), id, ReferralMapping::toServiceRequest, headers, uri);
    }

    @GET
    public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Searches.requireSupported(query, SEARCH_PARAMETERS);
        Searches.Paging paging = Searches.paging(query);
        TokenParam identifier = TokenParam.parse(query.getFirst("identifier"));
        TokenParam patientIdentifier = TokenParam.parse(query.getFirst("patient:identifier"));
        String nhsNumber = null;
        if (patientIdentifier != null) {
            if (!NhsNumber.SYSTEM.equals(patientIdentifier.system())) {
                throw WaymarkException.invalid("patient:identifier supports the NHS number system " + NhsNumber.SYSTEM);
            }
            nhsNumber = NhsNumber.parse(patientIdentifier.value())
                    .orElseThrow(() -> WaymarkException.invalid("The NHS number must have exactly 10 digits")).value();
        }
        String patient = Searches.referenceId("patient", query.getFirst("patient"), "Patient");
        Set<ReferralStatus> statuses = statuses(query.getFirst("status"));
        ReferralSearch search = new ReferralSearch(patient, nhsNumber,
                identifier == null ? null : identifier.system(), identifier == null ? null : identifier.value(), statuses,
                null, false, null, paging.offset(), paging.count())
                .withAuthored(DateSearch.instants("authored", query.get("authored")))
                .withLastUpdated(DateSearch.instants("_lastUpdated", query.get("_lastUpdated")));
        Page<Referral> page = search.authored().isEmpty() || search.lastUpdated().isEmpty()
                ? new Page<>(List.of(), 0, paging.offset(), paging.count())
                : referrals.search(Callers.of(security), search);
        return responder.resource(request, 200, Searches.searchset(request, "ServiceRequest", page, ReferralMapping::toServiceRequest));
    }

    /** ServiceRequest statuses map onto several referral statuses (active covers everything still open). */
    private static Set<ReferralStatus> statuses(String status) {
        if (status == null) {
            return Set.of();
        }
        return switch (status.strip()) {
            case "active" -> Set.of(ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD);
            case "completed" -> Set.of(ReferralStatus.COMPLETED);
            case "revoked" -> Set.of(ReferralStatus.REJECTED, ReferralStatus.FAILED, ReferralStatus.CANCELLED);
            case "entered-in-error" -> Set.of(ReferralStatus.ENTERED_IN_ERROR);
            default -> throw WaymarkException.invalid("Unsupported ServiceRequest status: " + Messages.safe(status));
        };
    }
}
