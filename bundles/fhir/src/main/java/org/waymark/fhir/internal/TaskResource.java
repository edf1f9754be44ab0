package org.waymark.fhir.internal;

import java.util.EnumSet;
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
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Roles;

/** Each referral's Task, through which the referrer follows its progress (Gravity SDOH closed loop). */
@Component(service = {TaskResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/Task")
@RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
public final class TaskResource extends ReferralEndpoint {
    private static final Map<String, String> SEARCH_PARAMETERS = new LinkedHashMap<>();

    static {
        SEARCH_PARAMETERS.put("focus", "reference");
        SEARCH_PARAMETERS.put("status", "token");
        SEARCH_PARAMETERS.put("owner", "reference");
        SEARCH_PARAMETERS.put("_lastUpdated", "date");
    }

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

    /**
     * Task statuses, comma separated (any of them). Valid Task codes that no referral ever has (draft, ready, ...)
     * match nothing; codes that are not Task statuses are refused.
     */
    private static Set<ReferralStatus> statuses(String status) {
        if (status == null) {
            return Set.of();
        }
        Set<ReferralStatus> statuses = EnumSet.noneOf(ReferralStatus.class);
        for (String code : status.split(",")) {
            String c = code.strip();
            Optional<ReferralStatus> known = ReferralStatus.fromCode(c);
            if (known.isPresent()) {
                statuses.add(known.get());
            } else if (!TASK_STATUSES.contains(c)) {
                throw WaymarkException.invalid("Unknown Task status: " + Messages.safe(c));
            }
        }
        return statuses;
    }

    private static final Set<String> TASK_STATUSES = Set.of("draft", "requested", "received", "accepted", "rejected",
            "ready", "cancelled", "in-progress", "on-hold", "failed", "completed", "entered-in-error");

    @GET
    public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Searches.requireSupported(query, SEARCH_PARAMETERS);
        String focus = Searches.referenceId("focus", query.getFirst("focus"), "ServiceRequest");
        String owner = Searches.referenceId("owner", query.getFirst("owner"), "Organization");
        Set<ReferralStatus> statuses = statuses(query.getFirst("status"));
        Searches.Paging paging = Searches.paging(query);
        ReferralSearch search = new ReferralSearch(null, null, null, null, statuses, null, false, null, paging.offset(),
                paging.count())
                .withReferralId(focus)
                .withArea(owner == null ? null : ReferralMapping.areaOfOwner(owner))
                .withLastUpdated(DateSearch.instants("_lastUpdated", query.get("_lastUpdated")));
        boolean nothingCanMatch = (query.getFirst("status") != null && statuses.isEmpty()) || search.lastUpdated().isEmpty()
                || (owner != null && search.area() == null);
        Page<Referral> page = nothingCanMatch ? new Page<>(List.of(), 0, paging.offset(), paging.count())
                : referrals.search(Callers.of(security), search);
        return responder.resource(request, 200, Searches.searchset(request, "Task", page, ReferralMapping::toTask));
    }
}
