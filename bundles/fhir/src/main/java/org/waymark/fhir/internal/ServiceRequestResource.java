package org.waymark.fhir.internal;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
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
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.waymark.api.directory.OnwardReferralRecords;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.PatientSearch;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Roles;
import org.waymark.api.security.SenderIdentities;

/** Referrals as FHIR ServiceRequests: GP systems create and follow them; staff read them. */
@Component(service = {ServiceRequestResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/ServiceRequest")
@RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
public final class ServiceRequestResource extends ReferralEndpoint {
    /** The search parameters as the CapabilityStatement declares them: names, never a name with a modifier. */
    static final Map<String, String> SEARCH_PARAMETERS = new LinkedHashMap<>();
    /** What a search may name: the declared parameters, and patient with its :identifier modifier. */
    static final Map<String, String> ACCEPTED = new LinkedHashMap<>();
    /** The referred person's search parameters a ServiceRequest search can chain through patient. */
    private static final List<String> PERSON_PARAMETERS = List.of("name", "birthdate", "address-postalcode");

    static {
        SEARCH_PARAMETERS.put("_id", "token");
        SEARCH_PARAMETERS.put("identifier", "token");
        SEARCH_PARAMETERS.put("patient", "reference");
        SEARCH_PARAMETERS.put("status", "token");
        SEARCH_PARAMETERS.put("authored", "date");
        SEARCH_PARAMETERS.put("_lastUpdated", "date");
        ACCEPTED.putAll(SEARCH_PARAMETERS);
        ACCEPTED.put("_sort", "special");
        ACCEPTED.put("_include", "include");
        ACCEPTED.put("_revinclude", "include");
        ACCEPTED.put("patient:identifier", "token");
        // The person by demographics, as BaRS writes it (patient:name) and as FHIR chains it (patient.name).
        for (String chained : PERSON_PARAMETERS) {
            ACCEPTED.put("patient:" + chained, "string");
            ACCEPTED.put("patient." + chained, "string");
        }
    }

    /** What a search may be sorted by: the two dates a ServiceRequest carries. */
    static final Map<String, ReferralSearch.SortKey> SORT_KEYS = Map.of(
            "authored", ReferralSearch.SortKey.AUTHORED, "_lastUpdated", ReferralSearch.SortKey.LAST_UPDATED);

    /** What _include and _revinclude may add: the referred person, and each referral's Task (the closed loop). */
    static final Set<String> INCLUDES = Set.of("ServiceRequest:patient", "ServiceRequest:subject");
    static final Set<String> REVINCLUDES = Set.of("Task:focus");

    private final SenderBinding binding;

    /** The directory's onward referrals, which a referral's Task shows; absent when the directory is not installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile OnwardReferralRecords onward;

    @Activate
    public ServiceRequestResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings,
                                  @Reference SenderIdentities senders) {
        super(fhir, referrals, settings, "ServiceRequest", List.of("create", "read", "vread", "search-type"), SEARCH_PARAMETERS);
        this.binding = new SenderBinding(senders);
    }

    @Override
    public Map<String, String> searchParameterDocumentation() {
        return Map.of("patient", "Patient/{id}, or with the :identifier modifier the patient's NHS number "
                        + "(patient:identifier=" + NhsNumber.SYSTEM + "|{NHS number}), as BaRS searches; or the person's "
                        + "patient:name, patient:birthdate and patient:address-postalcode (also written patient.name etc.), "
                        + "matched as the Patient search matches them",
                "status", "Comma separated, any of: active, completed, revoked, entered-in-error",
                "identifier", "{system}|{value}: one identifier",
                "_id", "One id; a comma separated list is refused");
    }

    @Override
    public Set<String> searchIncludes() {
        return INCLUDES;
    }

    @Override
    public Set<String> searchRevIncludes() {
        return REVINCLUDES;
    }

    @Override
    public boolean conditionalCreate() {
        return true;
    }

    /**
     * A new referral. {@code If-None-Exist} (FHIR conditional create) may name the referral's own identifier, the key
     * by which intake already answers a retry with the stored referral (200), so both say the same; other criteria
     * are refused (see ConditionalCreate). {@code Prefer: return=} chooses the answer's body.
     */
    @POST
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(Roles.REFERRER)
    public Response create(byte[] sent, @HeaderParam("Prefer") String prefer, @HeaderParam("If-None-Exist") String ifNoneExist,
                           @Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        Posted<ServiceRequest> posted = parse(sent, headers, ServiceRequest.class);
        NewReferral referral = ReferralMapping.toNewReferral(posted.resource(), posted.format().mediaType(), posted.text());
        ConditionalCreate.requireOwnIdentifier("If-None-Exist", ifNoneExist,
                ReferralMapping.retryIdentifier(posted.resource()).orElse(null));
        binding.requireOdsCodes(Callers.of(security), () -> SendingOrganisation.ofRequester(posted.resource()));
        Intake intake = referrals.receive(Callers.of(security), referral);
        FhirRequest request = request(headers, uri);
        ServiceRequest stored = ReferralMapping.toServiceRequest(intake.referral());
        return responder.created(request, stored, intake.created(), PreferReturn.of(prefer, PreferReturn.REPRESENTATION),
                outcome(intake));
    }

    private static OperationOutcome outcome(Intake intake) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics(intake.created() ? "Referral received" : "Referral already received with this identifier");
        intake.warnings().forEach(w -> outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING)
                .setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(w));
        return outcome;
    }

    @GET
    @Path("/{id}")
    public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context SecurityContext security) {
        return read(referrals.find(Callers.of(security), id), id, ReferralMapping::toServiceRequest, headers, uri);
    }

    @GET
    @Path("/{id}/_history/{vid}")
    public Response vread(@PathParam("id") String id, @PathParam("vid") String versionId, @Context HttpHeaders headers,
                          @Context UriInfo uri, @Context SecurityContext security) {
        return vread(referrals.find(Callers.of(security), id), id, versionId, ReferralMapping::toServiceRequest, headers, uri);
    }

    @GET
    public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Set<String> ignored = Searches.requireSupported(headers, query, ACCEPTED);
        Searches.Paging paging = Searches.paging(query);
        TokenParam identifier = TokenParam.parse(query.getFirst("identifier"));
        Searches.PatientCriterion patient = Searches.patient(query, ACCEPTED);
        Set<ReferralStatus> statuses = statuses(query.getFirst("status"));
        String id = Searches.id(query);
        Searches.Sort sort = Searches.sort(query, SORT_KEYS);
        Set<String> includes = Searches.includes(query, "_include", INCLUDES);
        Set<String> revincludes = Searches.includes(query, "_revinclude", REVINCLUDES);
        ReferralSearch search = new ReferralSearch(patient.patientId(), patient.nhsNumber(),
                identifier == null ? null : identifier.system(), identifier == null ? null : identifier.value(), statuses,
                null, false, null, paging.offset(), paging.count())
                .withReferralId(id)
                .withSort(sort.key(), sort.ascending())
                .withAuthored(DateSearch.instants("authored", query.get("authored")))
                .withLastUpdated(DateSearch.instants("_lastUpdated", query.get("_lastUpdated")))
                .withPerson(person(query));
        boolean nothingCanMatch = patient.nothingMatches() || (query.getFirst("status") != null && statuses.isEmpty())
                || Searches.noResourceHas(id)
                || search.authored().isEmpty() || search.lastUpdated().isEmpty()
                || search.person() != null && search.person().birthDateFrom() != null && search.person().birthDateTo() != null
                && search.person().birthDateFrom().isAfter(search.person().birthDateTo());
        Page<Referral> page = nothingCanMatch
                ? new Page<>(List.of(), 0, paging.offset(), paging.count())
                : referrals.search(Callers.of(security), search);
        List<Resource> included = new ArrayList<>();
        if (!request.subset().countOnly()) {
            if (!includes.isEmpty()) {
                included.addAll(SearchIncludes.patients(referrals, Callers.of(security),
                        page.items().stream().map(Referral::patientId).toList()));
            }
            if (!revincludes.isEmpty()) {
                // Each referral's Task is made from the referral just read: the search has already read and audited it.
                OnwardReferralRecords records = onward;
                page.items().forEach(r -> included.add(OnwardTaskMapping.toTask(r, records)));
            }
        }
        return responder.resource(request, 200,
                Searches.searchset(request, "ServiceRequest", page, ReferralMapping::toServiceRequest, ignored, included));
    }

    /** The referred person's demographics named in either notation, or null when none is. */
    private static PatientSearch person(MultivaluedMap<String, String> query) {
        String name = chained(query, "name");
        List<String> birthdate = new java.util.ArrayList<>();
        for (String notation : List.of("patient:birthdate", "patient.birthdate")) {
            if (query.get(notation) != null) {
                birthdate.addAll(query.get(notation));
            }
        }
        String postcode = chained(query, "address-postalcode");
        if (name == null && birthdate.isEmpty() && postcode == null) {
            return null;
        }
        LocalDate[] born = DateSearch.days("patient:birthdate", birthdate.isEmpty() ? null : birthdate);
        return new PatientSearch(null, null, null, born[0], born[1], postcode, 0, 0, name);
    }

    private static String chained(MultivaluedMap<String, String> query, String name) {
        String value = null;
        for (String notation : List.of("patient:" + name, "patient." + name)) {
            List<String> values = query.get(notation);
            if (values == null) {
                continue;
            }
            if (values.size() > 1 || value != null) {
                throw WaymarkException.invalid("patient:" + name + " may be given once");
            }
            value = values.get(0);
            if (value.isBlank()) {
                throw WaymarkException.invalid(notation + " needs a value");
            }
        }
        return value == null ? null : value.strip();
    }

    /** The code system of ServiceRequest.status, which a token search may name ({@code system|code}). */
    static final String REQUEST_STATUS = "http://hl7.org/fhir/request-status";

    /**
     * ServiceRequest statuses, comma separated (FHIR's OR), map onto several referral statuses (active covers
     * everything still open); codes that are not ServiceRequest statuses are refused, valid ones no referral has
     * (draft, on-hold, unknown) match nothing.
     */
    static Set<ReferralStatus> statuses(String status) {
        if (status == null) {
            return Set.of();
        }
        Set<ReferralStatus> statuses = EnumSet.noneOf(ReferralStatus.class);
        for (String code : TokenParam.codes(status, REQUEST_STATUS)) {
            switch (code.strip()) {
                case "active" -> statuses.addAll(List.of(ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED,
                        ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD));
                case "completed" -> statuses.add(ReferralStatus.COMPLETED);
                case "revoked" -> statuses.addAll(List.of(ReferralStatus.REJECTED, ReferralStatus.FAILED, ReferralStatus.CANCELLED));
                case "entered-in-error" -> statuses.add(ReferralStatus.ENTERED_IN_ERROR);
                case "draft", "on-hold", "unknown" -> {
                    // A ServiceRequest status no referral is ever shown with.
                }
                default -> throw WaymarkException.invalid("Unsupported ServiceRequest status: " + Messages.safe(code)
                        + " (use active, completed, revoked or entered-in-error, comma separated for any of them)");
            }
        }
        return statuses;
    }
}
