package org.waymark.fhir.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.Roles;

/** Each referral's Task, through which the referrer follows its progress (Gravity SDOH closed loop). */
@Component(service = {TaskResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/Task")
@RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
public final class TaskResource extends ReferralEndpoint {
    private static final Map<String, String> SEARCH_PARAMETERS = Map.of("focus", "reference");

    @Activate
    public TaskResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings) {
        super(fhir, referrals, settings, "Task", List.of("read", "search-type"), SEARCH_PARAMETERS);
    }

    @GET
    @Path("/{id}")
    public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context SecurityContext security) {
        return read(referrals.findByTask(Callers.of(security), id), id, ReferralMapping::toTask, headers, uri);
    }

    @GET
    public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Searches.requireSupported(query, SEARCH_PARAMETERS);
        String focus = query.getFirst("focus");
        if (focus == null || !focus.startsWith("ServiceRequest/") || focus.length() <= "ServiceRequest/".length()) {
            throw WaymarkException.invalid("Search Tasks by focus=ServiceRequest/{id}");
        }
        Searches.Paging paging = Searches.paging(query);
        Optional<Referral> referral = referrals.find(Callers.of(security), focus.substring("ServiceRequest/".length()));
        List<Referral> matches = referral.stream().skip(paging.offset()).limit(paging.count()).toList();
        Page<Referral> page = new Page<>(matches, referral.isPresent() ? 1 : 0, paging.offset(), paging.count());
        return responder.resource(request, 200, Searches.searchset(request, "Task", page, ReferralMapping::toTask));
    }
}
