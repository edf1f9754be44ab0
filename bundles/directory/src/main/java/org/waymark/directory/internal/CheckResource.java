package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
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
 * The provider's "are these details still right?" page, reached by the one-time link in the check message: it shows
 * the listing and takes one answer (still right, changed with what, closed) and, optionally, the service's capacity.
 */
@Component(service = CheckResource.class, property = "osgi.jaxrs.resource=true")
@Path("/directory-checks/{token}")
@PermitAll
public final class CheckResource {
    private final Freshness freshness;
    private final Directory directory;

    @Activate
    public CheckResource(@Reference Freshness freshness, @Reference Directory directory) {
        this.freshness = freshness;
        this.directory = directory;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@PathParam("token") String token) {
        ObjectNode service;
        try {
            service = directory.catalog().serviceFull(directory.catalog().get(Kind.SERVICE, freshness.serviceForLink(token))
                    .orElseThrow(() -> WaymarkException.notFound("This service is no longer listed")));
        } catch (WaymarkException e) {
            return Pages.html(404, "Are these details still right?", "<p>" + Pages.escape(e.getMessage()) + "</p>");
        }
        StringBuilder body = new StringBuilder("<h2>").append(Pages.escape(service.path("name").asText())).append("</h2>")
                .append("<p>").append(Pages.escape(service.path("description").asText(""))).append("</p><dl>");
        row(body, "Run by", service.path("organization").path("name").asText(""));
        for (var sal : service.path("service_at_locations")) {
            var address = sal.path("location").path("addresses").path(0);
            row(body, "Where", sal.path("location").path("name").asText("") + ", " + address.path("address_1").asText("")
                    + ", " + address.path("postal_code").asText(""));
        }
        for (var schedule : service.path("schedules")) {
            row(body, "When", schedule.path("description").asText(schedule.path("byday").asText("")));
        }
        row(body, "Ages", service.path("minimum_age").asText("any") + " to " + service.path("maximum_age").asText("any"));
        row(body, "Email", service.path("email").asText(""));
        body.append("</dl><form method=\"post\"><fieldset><legend>Are these details still right?</legend>");
        radio(body, "answer", "still-right", "Yes, all still right", true);
        radio(body, "answer", "changed", "Something has changed (say what below)", true);
        radio(body, "answer", "closed", "The service has closed", true);
        body.append("<label>What has changed<br><textarea name=\"note\" maxlength=\"1000\"></textarea></label></fieldset>")
                .append("<fieldset><legend>Can you take new people?</legend>");
        radio(body, "capacity", "open", "Yes", false);
        radio(body, "capacity", "waitlist", "Waiting list", false);
        radio(body, "capacity", "full", "Full for now", false);
        body.append("</fieldset><button type=\"submit\">Send</button></form>");
        return Pages.html(200, "Are these details still right?", body.toString());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response answerForm(@PathParam("token") String token, @FormParam("answer") String answer,
                               @FormParam("note") String note, @FormParam("capacity") String capacity) {
        try {
            freshness.answerCheck(token, answer, note, capacity);
            return Pages.html(200, "Thank you", thanks(answer));
        } catch (WaymarkException e) {
            return Pages.html(e.kind().status(), "Are these details still right?", "<p>" + Pages.escape(e.getMessage()) + "</p>");
        }
    }

    /** The same answer from a provider's own system: {@code {"answer", "note", "capacity"}}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> answerJson(@PathParam("token") String token, Map<String, String> body) {
        if (body == null) {
            throw WaymarkException.invalid("The body must be {\"answer\": ..., \"note\": ..., \"capacity\": ...}");
        }
        String serviceId = freshness.answerCheck(token, body.get("answer"), body.get("note"), body.get("capacity"));
        return freshness.state(serviceId).json();
    }

    /**
     * What the provider is told once its answer is taken. Found probing: a provider reporting the service closed was
     * told "the directory is up to date", though the listing stays as it was until the directory team acts on it.
     */
    static String thanks(String answer) {
        return "still-right".equals(answer) ? "<p>Thank you: the listing is confirmed as it is.</p>"
                : "<p>Thank you: the directory team will update the listing. Until then it shows the details as they were.</p>";
    }

    private static void row(StringBuilder body, String label, String value) {
        body.append("<dt>").append(Pages.escape(label)).append("</dt><dd>").append(Pages.escape(value)).append("</dd>");
    }

    private static void radio(StringBuilder body, String name, String value, String label, boolean required) {
        body.append("<label><input type=\"radio\" name=\"").append(name).append("\" value=\"").append(value).append("\"")
                .append(required ? " required" : "").append("> ").append(Pages.escape(label)).append("</label><br>");
    }
}
