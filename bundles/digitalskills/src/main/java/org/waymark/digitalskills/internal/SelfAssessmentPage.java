package org.waymark.digitalskills.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;

/**
 * The page a person's one-time link opens: the "I can..." statements in plain language, made for a phone (one column,
 * large touch targets, no script), with an error summary that links to what is missing. The token in the path is
 * the credential; it works once.
 */
@Component(service = SelfAssessmentPage.class, property = "osgi.jaxrs.resource=true")
@Path("/digital-skills-links/{token}")
@PermitAll
public final class SelfAssessmentPage {
    static final String TITLE = "What can you do online?";
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
    private static final String STYLE = "body{font-family:Arial,sans-serif;font-size:1.1875rem;line-height:1.5;color:#0b0c0c;"
            + "margin:0 auto;max-width:40em;padding:0 1rem 3rem}h1{font-size:2rem;line-height:1.2}h2{margin-top:2rem}"
            + "fieldset{border:0;padding:0;margin:0 0 1.5rem}legend{font-weight:bold;padding:0;margin-bottom:.5rem}"
            + ".option{display:flex;align-items:center;margin:.5rem 0;min-height:2.75rem}"
            + ".option input{width:2rem;height:2rem;margin:0 .75rem 0 0;flex:none}.option label{padding:.25rem 0}"
            + "button{font-size:1.1875rem;background:#00703c;color:#fff;border:0;padding:.75rem 1.25rem;min-height:2.75rem;"
            + "box-shadow:0 2px 0 #002d18;cursor:pointer}button:focus,input:focus,a:focus{outline:3px solid #fd0;outline-offset:0}"
            + ".errors{border:5px solid #d4351c;padding:1rem;margin:1rem 0}.errors a{color:#d4351c;font-weight:bold}"
            + ".hint{color:#505a5f}table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #b1b4b6;"
            + "padding:.5rem .25rem}";

    private final SelfAssessmentLinks links;

    @Activate
    public SelfAssessmentPage(@Reference SelfAssessmentLinks links) {
        this.links = links;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@PathParam("token") String token) {
        if (links.live(token).isEmpty()) {
            return gone();
        }
        return html(200, form(Map.of(), List.of()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response answer(@PathParam("token") String token, MultivaluedMap<String, String> form) {
        if (links.live(token).isEmpty()) {
            return gone();
        }
        Map<String, String> answers = new LinkedHashMap<>();
        List<Framework.Statement> missing = new java.util.ArrayList<>();
        for (Framework.SkillArea area : Framework.AREAS) {
            for (Framework.Statement statement : area.statements()) {
                String value = form.getFirst(statement.code());
                if (value == null || Framework.Answer.of(value).isEmpty()) {
                    missing.add(statement);
                } else {
                    answers.put(statement.code(), value);
                }
            }
        }
        if (!missing.isEmpty()) {
            return html(400, form(answers, missing));
        }
        Assessments.Assessment assessment;
        try {
            assessment = links.answer(token, answers);
        } catch (WaymarkException e) {
            return html(e.kind().status(), "<p>" + escape(e.getMessage()) + "</p>");
        }
        StringBuilder body = new StringBuilder("<p>Thank you. Your answers have gone to your link worker, who will talk them"
                + " through with you.</p><h2>What you told us</h2><table><caption class=\"hint\">Your answers by skill area</caption>"
                + "<thead><tr><th scope=\"col\">Skill area</th><th scope=\"col\">Where you are now</th></tr></thead><tbody>");
        for (Framework.AreaScore score : assessment.scores()) {
            Framework.SkillArea area = Framework.area(score.area()).orElseThrow();
            body.append("<tr><td>").append(escape(area.title())).append("</td><td>").append(escape(plain(score.level())))
                    .append("</td></tr>");
        }
        body.append("</tbody></table><p>You can close this page now.</p>");
        return html(200, body.toString());
    }

    private static String plain(Framework.Level level) {
        return switch (level) {
            case NEEDS_SUPPORT -> "Just starting: help will make a difference";
            case DEVELOPING -> "Getting there";
            case CONFIDENT -> "Confident";
        };
    }

    static String form(Map<String, String> chosen, List<Framework.Statement> missing) {
        StringBuilder body = new StringBuilder();
        if (!missing.isEmpty()) {
            body.append("<div class=\"errors\" role=\"alert\" aria-labelledby=\"error-title\" tabindex=\"-1\"><h2 id=\"error-title\">"
                    + "Please answer every question</h2><ul>");
            for (Framework.Statement statement : missing) {
                body.append("<li><a href=\"#").append(statement.code()).append("-yes\">").append(escape(statement.text()))
                        .append("</a></li>");
            }
            body.append("</ul></div>");
        }
        body.append("<p>Tell us what you can already do online. There are no wrong answers: this helps you and your link"
                + " worker choose what to learn next. It takes about five minutes.</p>")
                .append("<p class=\"hint\">For each sentence, choose the answer that fits you best.</p><form method=\"post\">");
        for (Framework.SkillArea area : Framework.AREAS) {
            body.append("<h2 id=\"area-").append(area.code()).append("\">").append(escape(area.plain())).append("</h2>");
            for (Framework.Statement statement : area.statements()) {
                body.append("<fieldset><legend>").append(escape(statement.text())).append("</legend>");
                for (Framework.Answer answer : Framework.Answer.values()) {
                    String id = statement.code() + "-" + answer.code;
                    body.append("<div class=\"option\"><input type=\"radio\" id=\"").append(id).append("\" name=\"")
                            .append(statement.code()).append("\" value=\"").append(answer.code).append("\"")
                            .append(answer.code.equals(chosen.get(statement.code())) ? " checked" : "")
                            .append("><label for=\"").append(id).append("\">").append(escape(answer.label)).append("</label></div>");
                }
                body.append("</fieldset>");
            }
        }
        body.append("<button type=\"submit\">Send my answers</button></form>");
        return body.toString();
    }

    private static Response gone() {
        return html(404, "<p>This link has been used already or has expired. Please ask your link worker for a new one.</p>");
    }

    static Response html(int status, String body) {
        String page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + TITLE + " - Waymark</title>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
                + "<style>" + STYLE + "</style></head><body><main><h1>" + TITLE + "</h1>" + body + "</main></body></html>";
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page)
                .header("Content-Security-Policy", CSP).header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store").build();
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }
}
