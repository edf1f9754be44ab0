package org.waymark.directory.internal;

import java.util.Map;
import java.util.Optional;
import javax.annotation.security.PermitAll;
import javax.ws.rs.Consumes;
import javax.ws.rs.FormParam;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;

/**
 * The provider's one-time link: a small page (no script, no personal data beyond the link worker's note) with a form
 * to accept, decline with a reason, or record attendance; and the same answer as JSON for a provider's own system.
 * The token in the path is the credential; it works until a final answer (declined, attended, did not attend) or
 * until it expires.
 */
@Component(service = ProviderAnswerResource.class, property = "osgi.jaxrs.resource=true")
@Path("/onward-answers/{token}")
@PermitAll
public final class ProviderAnswerResource {
    private final OnwardReferrals onward;

    @Activate
    public ProviderAnswerResource(@Reference OnwardReferrals onward) {
        this.onward = onward;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@PathParam("token") String token) {
        Optional<OnwardReferrals.OnwardReferral> live;
        try {
            live = onward.byToken(token);
        } catch (WaymarkException e) {
            return html(404, "<p>" + escape(e.getMessage()) + "</p>");
        }
        if (live.isEmpty()) {
            return html(410, "<p>This referral has its final answer, so this link no longer works. If anything has changed,"
                    + " please contact the link worker.</p>");
        }
        OnwardReferrals.OnwardReferral referral = live.get();
        StringBuilder body = new StringBuilder()
                .append("<p>A link worker referred someone to <strong>").append(escape(referral.serviceName()))
                .append("</strong> on ").append(referral.createdAt().toString(), 0, 10).append(".</p>");
        if (referral.note() != null) {
            body.append("<p>Their note: ").append(escape(referral.note())).append("</p>");
        }
        body.append("<p>Current answer: <strong>").append(escape(referral.status())).append("</strong></p>")
                .append("<form method=\"post\"><fieldset><legend>Your answer</legend>");
        for (String outcome : new String[] {"accepted", "declined", "attended", "did-not-attend"}) {
            body.append("<label><input type=\"radio\" name=\"outcome\" value=\"").append(outcome).append("\" required> ")
                    .append(outcome.replace('-', ' ')).append("</label><br>");
        }
        body.append("<label>Reason (needed when declining)<br><textarea name=\"reason\" maxlength=\"500\"></textarea></label><br>")
                .append("<button type=\"submit\">Send</button></fieldset></form>");
        return html(200, body.toString());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response answerForm(@PathParam("token") String token, @FormParam("outcome") String outcome,
                               @FormParam("reason") String reason) {
        try {
            OnwardReferrals.OnwardReferral answered = onward.answerByLink(token, outcome, reason);
            return html(200, "<p>Thank you. Your answer (<strong>" + escape(answered.status())
                    + "</strong>) has been passed to the link worker.</p>");
        } catch (WaymarkException e) {
            return html(e.kind().status(), "<p>" + escape(e.getMessage()) + "</p>");
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> answerJson(@PathParam("token") String token, OnwardReferralResource.Answer answer) {
        if (answer == null) {
            throw WaymarkException.invalid("The body must be {\"outcome\": ..., \"reason\": ...}");
        }
        OnwardReferrals.OnwardReferral answered = onward.answerByLink(token, answer.outcome(), answer.reason());
        return Map.of("status", answered.status(), "task", Map.of("status", answered.taskStatus()));
    }

    private static Response html(int status, String body) {
        return Pages.html(status, "Referral from a link worker", body);
    }

    static String escape(String text) {
        return Pages.escape(text);
    }
}
