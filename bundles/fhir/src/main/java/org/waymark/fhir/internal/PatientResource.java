package org.waymark.fhir.internal;

import java.util.List;
import java.util.Map;
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
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.Roles;

/** Patients, readable by the senders of their referrals and by the staff of their areas. */
@Component(service = {PatientResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/Patient")
@RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
public final class PatientResource extends ReferralEndpoint {
    private static final Map<String, String> SEARCH_PARAMETERS = Map.of("identifier", "token");

    @Activate
    public PatientResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings) {
        super(fhir, referrals, settings, "Patient", List.of("read", "search-type"), SEARCH_PARAMETERS);
    }

    @GET
    @Path("/{id}")
    public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context SecurityContext security) {
        return read(referrals.findPatient(Callers.of(security), id), id, ReferralMapping::toPatient, headers, uri);
    }

    @GET
    public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Searches.requireSupported(query, SEARCH_PARAMETERS);
        TokenParam identifier = TokenParam.parse(query.getFirst("identifier"));
        if (identifier == null || !NhsNumber.SYSTEM.equals(identifier.system())) {
            throw WaymarkException.invalid("Search patients by identifier=" + NhsNumber.SYSTEM + "|{NHS number}");
        }
        String nhs = NhsNumber.parse(identifier.value())
                .orElseThrow(() -> WaymarkException.invalid("The NHS number must have exactly 10 digits")).value();
        Searches.Paging paging = Searches.paging(query);
        Page<Patient> page = referrals.findPatientsByNhsNumber(Callers.of(security), nhs, paging.offset(), paging.count());
        return responder.resource(request, 200, Searches.searchset(request, "Patient", page, ReferralMapping::toPatient));
    }
}
