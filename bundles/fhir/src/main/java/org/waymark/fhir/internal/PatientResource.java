package org.waymark.fhir.internal;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.PatientReplacement;
import org.waymark.api.referral.PatientSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

/** Patients, readable by the senders of their referrals and by the staff of their areas. */
@Component(service = {PatientResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/Patient")
@RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
public final class PatientResource extends ReferralEndpoint {
    private static final Map<String, String> SEARCH_PARAMETERS = new LinkedHashMap<>();

    static {
        SEARCH_PARAMETERS.put("_id", "token");
        SEARCH_PARAMETERS.put("identifier", "token");
        SEARCH_PARAMETERS.put("family", "string");
        SEARCH_PARAMETERS.put("given", "string");
        SEARCH_PARAMETERS.put("name", "string");
        SEARCH_PARAMETERS.put("birthdate", "date");
        SEARCH_PARAMETERS.put("address-postalcode", "string");
    }

    @Activate
    public PatientResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings) {
        super(fhir, referrals, settings, "Patient", List.of("read", "vread", "search-type"), SEARCH_PARAMETERS);
    }

    @Override
    public Map<String, String> searchParameterDocumentation() {
        return Map.of("_id", "One id; a comma separated list is refused");
    }

    @GET
    @Path("/{id}")
    public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context SecurityContext security) {
        Caller caller = Callers.of(security);
        Optional<Patient> found = referrals.findPatient(caller, id);
        if (found.isEmpty()) {
            // A merged-away record: answer as FHIR's patient merge leaves the source (inactive, replaced-by), so a
            // sender holding the old id finds the person's record instead of a bare 404.
            Optional<PatientReplacement> replaced = referrals.findReplacement(caller, id);
            if (replaced.isPresent()) {
                return responder.resource(request(headers, uri), 200, ReferralMapping.toReplacedPatient(replaced.get()));
            }
        }
        return read(found, id, ReferralMapping::toPatient, headers, uri);
    }

    @GET
    @Path("/{id}/_history/{vid}")
    public Response vread(@PathParam("id") String id, @PathParam("vid") String versionId, @Context HttpHeaders headers,
                          @Context UriInfo uri, @Context SecurityContext security) {
        return vread(referrals.findPatient(Callers.of(security), id), id, versionId, ReferralMapping::toPatient, headers, uri);
    }

    /** A string search value: FHIR matches it from the start, ignoring case and accents (the service normalises). */
    private static String text(MultivaluedMap<String, String> query, String name) {
        String value = query.getFirst(name);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw WaymarkException.invalid(name + " needs a value");
        }
        return value.strip();
    }

    @GET
    public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Set<String> ignored = Searches.requireSupported(headers, query, SEARCH_PARAMETERS);
        String nhs = null;
        TokenParam identifier = TokenParam.parse(query.getFirst("identifier"));
        if (identifier != null && !identifier.withoutSystem()) {
            if (identifier.system() != null && !NhsNumber.SYSTEM.equals(identifier.system())) {
                throw WaymarkException.invalid("Search patients by identifier=" + NhsNumber.SYSTEM + "|{NHS number}");
            }
            nhs = NhsNumber.parse(identifier.value())
                    .orElseThrow(() -> WaymarkException.invalid("The NHS number must have exactly 10 digits")).value();
        }
        LocalDate[] born = DateSearch.days("birthdate", query.get("birthdate"));
        Searches.Paging paging = Searches.paging(query);
        PatientSearch search = new PatientSearch(nhs, text(query, "family"), text(query, "given"), born[0], born[1],
                text(query, "address-postalcode"), paging.offset(), paging.count(), text(query, "name"))
                .withId(Searches.id(query));
        // |value asks for an identifier without a system, and every NHS number has its system.
        boolean noneWithoutSystem = identifier != null && identifier.withoutSystem();
        Page<Patient> page = noneWithoutSystem || Searches.noResourceHas(search.id()) || born[0] != null && born[1] != null && born[0].isAfter(born[1])
                ? new Page<>(List.of(), 0, paging.offset(), paging.count())
                : referrals.searchPatients(Callers.of(security), search);
        return responder.resource(request, 200,
                Searches.searchset(request, "Patient", page, ReferralMapping::toPatient, ignored));
    }
}
