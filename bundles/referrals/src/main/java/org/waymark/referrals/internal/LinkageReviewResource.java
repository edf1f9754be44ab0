package org.waymark.referrals.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * The linkage review queue for link workers and admins: referrals whose patient a person must confirm, with the
 * candidates the rules found, and the decision (link to one of them, or keep apart).
 */
@Component(service = LinkageReviewResource.class, property = "osgi.jaxrs.resource=true")
@Path("/linkage-reviews")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class LinkageReviewResource {
    private final LinkageReviews reviews;

    @Activate
    public LinkageReviewResource(@Reference LinkageReviews reviews) {
        this.reviews = reviews;
    }

    /** @param status pending (the default), linked or kept-apart */
    @GET
    public Map<String, Object> list(@QueryParam("status") @DefaultValue("pending") String status,
                                    @QueryParam("offset") @DefaultValue("0") int offset,
                                    @QueryParam("count") @DefaultValue("25") int count, @Context SecurityContext security) {
        if (offset < 0 || count < 1 || count > ReferralSearch.MAX_COUNT) {
            throw WaymarkException.invalid("offset must be 0 or more and count between 1 and " + ReferralSearch.MAX_COUNT);
        }
        LinkageReviews.Status wanted = LinkageReviews.Status.fromCode(status.strip()).orElseThrow(() -> WaymarkException.invalid(
                "Unknown review status '" + PatientLinker.clip(status, 40) + "'; use pending, linked or kept-apart"));
        Page<LinkageReviews.Summary> page = reviews.list(caller(security), wanted, offset, count);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("offset", page.offset());
        body.put("count", page.count());
        body.put("items", page.items());
        return body;
    }

    @GET
    @Path("/{id}")
    public LinkageReviews.Review get(@PathParam("id") String id, @Context SecurityContext security) {
        return reviews.find(caller(security), id)
                .orElseThrow(() -> WaymarkException.notFound("No linkage review " + PatientLinker.clip(id, 64) + " in your areas"));
    }

    /**
     * @param decision  {@code link} or {@code keep-apart} (a pending review), or {@code merge} (a review kept apart
     *                  whose person turned out to be a candidate after all)
     * @param patientId for link and merge: the candidate the referral is about
     * @param note      why, kept with the decision; optional, except for merge
     */
    public record Decision(String decision, String patientId, String note) {
    }

    @POST
    @Path("/{id}/decision")
    @Consumes(MediaType.APPLICATION_JSON)
    public LinkageReviews.Review decide(@PathParam("id") String id, Decision decision, @Context SecurityContext security) {
        if (decision == null || decision.decision() == null) {
            throw WaymarkException.invalid("decision is required: link, keep-apart or merge");
        }
        Caller caller = caller(security);
        return switch (decision.decision().strip()) {
            case "link" -> reviews.link(caller, id, decision.patientId(), decision.note());
            case "keep-apart" -> reviews.keepApart(caller, id, decision.note());
            case "merge" -> reviews.mergeAfterAll(caller, id, decision.patientId(), decision.note());
            default -> throw WaymarkException.invalid("decision must be link, keep-apart or merge");
        };
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
