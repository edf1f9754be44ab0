package org.waymark.directory.internal;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/** Signposts and onward referrals of one referral, for link workers: {@code /api/directory/referrals/{id}/...}. */
@Component(service = OnwardReferralResource.class, property = "osgi.jaxrs.resource=true",
        configurationPid = "org.waymark.platform", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Path("/directory")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class OnwardReferralResource {
    @interface Config {
        String baseUrl() default "";
    }

    /** {@code serviceId}, an optional {@code note}; for onward referrals {@code consent: true} as well. */
    public record Request(String serviceId, String note, Boolean consent) {
    }

    /** {@code outcome}: accepted, declined (with a {@code reason}), attended or did-not-attend. */
    public record Answer(String outcome, String reason) {
    }

    private final OnwardReferrals onward;
    private volatile String baseUrl;

    @Activate
    public OnwardReferralResource(Config config, @Reference OnwardReferrals onward) {
        this.onward = onward;
        modified(config);
    }

    @Modified
    void modified(Config config) {
        this.baseUrl = config.baseUrl();
    }

    @POST
    @Path("referrals/{referralId}/signposts")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response signpost(@PathParam("referralId") String referralId, Request request, @Context SecurityContext security) {
        OnwardReferrals.Signpost signpost = onward.signpost(caller(security), referralId, body(request).serviceId(), request.note());
        return Response.status(201).entity(signpost).build();
    }

    @GET
    @Path("referrals/{referralId}/signposts")
    public List<OnwardReferrals.Signpost> signposts(@PathParam("referralId") String referralId, @Context SecurityContext security) {
        return onward.signposts(caller(security), referralId);
    }

    /**
     * Refers the person to a directory service; the answer holds {@code answerLink}, the provider's one-time link
     * (also sent to the service through the outbox), shown this once.
     */
    @POST
    @Path("referrals/{referralId}/onward-referrals")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response refer(@PathParam("referralId") String referralId, Request request, @Context SecurityContext security,
                          @Context UriInfo uri) {
        Request body = body(request);
        String base = baseUrl == null || baseUrl.isBlank() ? uri.getBaseUri().toString().replaceAll("/api/?$", "")
                : baseUrl.replaceAll("/$", "");
        OnwardReferrals.Created created = onward.refer(caller(security), referralId, body.serviceId(),
                Boolean.TRUE.equals(body.consent()), body.note(), base + "/api/onward-answers/");
        Map<String, Object> json = new LinkedHashMap<>(OnwardReferrals.json(created.referral()));
        json.put("answerLink", base + "/api/onward-answers/" + created.token());
        return Response.created(URI.create(base + "/api/directory/onward-referrals/" + created.referral().id())).entity(json).build();
    }

    @GET
    @Path("referrals/{referralId}/onward-referrals")
    public List<Map<String, Object>> onwardReferrals(@PathParam("referralId") String referralId, @Context SecurityContext security) {
        return onward.list(caller(security), referralId).stream().map(OnwardReferrals::json).toList();
    }

    /** Staff record the provider's answer (given by phone, say). */
    @POST
    @Path("onward-referrals/{id}/answer")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> answer(@PathParam("id") String id, Answer answer, @Context SecurityContext security) {
        if (answer == null) {
            throw WaymarkException.invalid("The body must be {\"outcome\": ..., \"reason\": ...}");
        }
        return OnwardReferrals.json(onward.answerByStaff(caller(security), id, answer.outcome(), answer.reason()));
    }

    private static Request body(Request request) {
        if (request == null) {
            throw WaymarkException.invalid("The body must be {\"serviceId\": ..., \"note\": ...}");
        }
        return request;
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
