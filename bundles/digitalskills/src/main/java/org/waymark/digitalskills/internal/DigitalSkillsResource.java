package org.waymark.digitalskills.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.EntityTag;
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

/**
 * Digital skills work on a referral, for link workers and admins, and the area reports, for admins. Bodies are bound to
 * records through the platform's strict JSON: a field a request does not take, or a value of the wrong type, is a 400
 * naming it, never read as nothing. Nor is a missing body (empty, or JSON {@code null}): Jersey hands it over as
 * {@code null}, and read as "no fields" it erased what it was meant to change (found probing: the ethnicity answer).
 */
@Component(service = DigitalSkillsResource.class, property = "osgi.jaxrs.resource=true",
        configurationPid = "org.waymark.platform", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Path("/digital-skills")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class DigitalSkillsResource {
    @interface Config {
        String baseUrl() default "";
    }

    /** {@code {"answers": {"statement code": "yes" | "help" | "not-yet"}}}. */
    public record AssessmentBody(Map<String, String> answers) {
    }

    /** {@code {"achieved": true | false}}. */
    public record GoalAchieved(Boolean achieved) {
    }

    /** {@code {"dueOn": "YYYY-MM-DD"}}. */
    public record FollowUpMove(String dueOn) {
    }

    /** {@code {"send": true}} also sends the link to the person; left out or false, it is only shown. */
    public record LinkRequest(Boolean send) {
    }

    /**
     * {@code {"ethnicity": code or null}}. A node, not a string, so that {@code null} (an explicit clearing) differs from
     * the field left out (Java {@code null}), which would otherwise clear the answer too.
     */
    public record Equality(JsonNode ethnicity) {
        /** The code, or null to clear the answer. */
        String code() {
            if (ethnicity == null) {
                throw WaymarkException.invalid("ethnicity is required: a code, or null to clear the answer");
            }
            if (ethnicity.isNull()) {
                return null;
            }
            if (!ethnicity.isTextual()) {
                throw WaymarkException.invalid("ethnicity must be a code (a string) or null");
            }
            return ethnicity.textValue();
        }
    }

    private final Assessments assessments;
    private final Plans plans;
    private final FollowUps followUps;
    private final SelfAssessmentLinks links;
    private final Reports reports;
    private volatile String baseUrl;

    @Activate
    public DigitalSkillsResource(Config config, @Reference Assessments assessments, @Reference Plans plans,
                                 @Reference FollowUps followUps, @Reference SelfAssessmentLinks links, @Reference Reports reports) {
        this.assessments = assessments;
        this.plans = plans;
        this.followUps = followUps;
        this.links = links;
        this.reports = reports;
        modified(config);
    }

    @Modified
    void modified(Config config) {
        this.baseUrl = config.baseUrl();
    }

    /** The framework (areas, statements, answers, levels) and the plan's lists, for the console's forms. */
    @GET
    @Path("framework")
    public Map<String, Object> framework() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("questionnaire", FhirJson.QUESTIONNAIRE_URL + "|" + Framework.VERSION);
        json.put("areas", Framework.AREAS.stream().map(a -> Map.of("code", a.code(), "title", a.title(), "plain", a.plain(),
                "statements", a.statements().stream().map(s -> Map.of("code", s.code(), "text", s.text())).toList())).toList());
        json.put("answers", java.util.Arrays.stream(Framework.Answer.values()).map(a -> Map.of("code", a.code, "label", a.label,
                "points", a.points)).toList());
        json.put("levels", java.util.Arrays.stream(Framework.Level.values()).map(l -> Map.of("code", l.code, "label", l.label)).toList());
        json.put("goals", Plans.GOALS.entrySet().stream().map(e -> {
            Map<String, Object> goal = new LinkedHashMap<>();
            goal.put("code", e.getKey());
            goal.put("label", e.getValue().label());
            goal.put("skillArea", e.getValue().skillArea());
            return goal;
        }).toList());
        json.put("barriers", list(Plans.BARRIERS));
        json.put("actions", list(Plans.ACTIONS));
        json.put("ethnicity", list(Plans.ETHNICITY));
        return json;
    }

    private static List<Map<String, String>> list(Map<String, String> entries) {
        return entries.entrySet().stream().map(e -> Map.of("code", e.getKey(), "label", e.getValue())).toList();
    }

    /** The referral's assessments, oldest first. */
    @GET
    @Path("referrals/{id}/assessments")
    public List<Map<String, Object>> assessments(@PathParam("id") String id, @Context SecurityContext security) {
        return assessments.list(caller(security), id).stream().map(Assessments::json).toList();
    }

    /** Records an assessment done with the person: {@code {"answers": {"statement code": "yes" | "help" | "not-yet"}}}. */
    @POST
    @Path("referrals/{id}/assessments")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response assess(@PathParam("id") String id, AssessmentBody body, @Context SecurityContext security) {
        required(body, "{\"answers\": {\"statement code\": \"yes\" | \"help\" | \"not-yet\"}}");
        if (body.answers() == null) {
            throw WaymarkException.invalid("answers is required: {\"statement code\": \"yes\" | \"help\" | \"not-yet\"}");
        }
        Assessments.Assessment assessment = assessments.record(caller(security), id, body.answers());
        return Response.status(201).entity(Assessments.json(assessment)).build();
    }

    /** Change per skill area between the first and the latest assessment, and against the plan's goals. */
    @GET
    @Path("referrals/{id}/progress")
    public Map<String, Object> progress(@PathParam("id") String id, @Context SecurityContext security) {
        Caller caller = caller(security);
        List<Assessments.Assessment> list = assessments.list(caller, id);
        return Progress.of(list, plans.plan(caller, id).doc());
    }

    @GET
    @Path("referrals/{id}/plan")
    public Response plan(@PathParam("id") String id, @Context SecurityContext security) {
        Plans.Plan plan = plans.plan(caller(security), id);
        return Response.ok(Plans.json(plan)).tag(new EntityTag(Long.toString(plan.version()))).build();
    }

    /** Saves the plan (the first save agrees it and schedules the follow-ups); honours {@code If-Match}. */
    @PUT
    @Path("referrals/{id}/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response savePlan(@PathParam("id") String id, Plans.PlanBody body, @HeaderParam("If-Match") String ifMatch,
                             @Context SecurityContext security) {
        required(body, "{\"goals\": [...], \"barriers\": [...], \"actions\": [...]}");
        Plans.Plan plan = plans.save(caller(security), id, body, version(ifMatch));
        return Response.ok(Plans.json(plan)).tag(new EntityTag(Long.toString(plan.version()))).build();
    }

    /** {@code {"achieved": true | false}}. */
    @POST
    @Path("referrals/{id}/plan/goals/{goalId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response goal(@PathParam("id") String id, @PathParam("goalId") String goalId, GoalAchieved body,
                         @Context SecurityContext security) {
        required(body, "{\"achieved\": true | false}");
        if (body.achieved() == null) {
            throw WaymarkException.invalid("achieved is required: true | false");
        }
        Plans.Plan plan = plans.goal(caller(security), id, goalId, body.achieved());
        return Response.ok(Plans.json(plan)).tag(new EntityTag(Long.toString(plan.version()))).build();
    }

    @GET
    @Path("referrals/{id}/follow-ups")
    public List<Map<String, Object>> followUps(@PathParam("id") String id, @Context SecurityContext security) {
        return followUps.list(caller(security), id).stream().map(FollowUps::json).toList();
    }

    /** Moves a follow-up to another day: {@code {"dueOn": "YYYY-MM-DD"}}. */
    @PUT
    @Path("referrals/{id}/follow-ups/{followUpId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> reschedule(@PathParam("id") String id, @PathParam("followUpId") String followUpId,
                                          FollowUpMove body, @Context SecurityContext security) {
        required(body, "{\"dueOn\": \"YYYY-MM-DD\"}");
        return FollowUps.json(followUps.reschedule(caller(security), id, followUpId, date("dueOn", body.dueOn())));
    }

    /**
     * A one-time link for the person to assess themselves ({@code {"send": true}} also sends it to them); the link is
     * in the answer this once.
     */
    @POST
    @Path("referrals/{id}/self-assessment-links")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response link(@PathParam("id") String id, LinkRequest body, @Context SecurityContext security, @Context UriInfo uri) {
        required(body, "{\"send\": true | false}");
        String base = (baseUrl == null || baseUrl.isBlank() ? uri.getBaseUri().toString().replaceAll("/api/?$", "")
                : baseUrl.replaceAll("/$", "")) + "/api/digital-skills-links/";
        boolean send = Boolean.TRUE.equals(body.send());
        SelfAssessmentLinks.Created created = links.create(caller(security), id, send, base);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("link", base + created.token());
        json.put("expiresAt", created.expiresAt().toString());
        json.put("sent", created.sent());
        return Response.status(201).entity(json).build();
    }

    @GET
    @Path("referrals/{id}/equality")
    public Map<String, Object> equality(@PathParam("id") String id, @Context SecurityContext security) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ethnicity", plans.ethnicity(caller(security), id).orElse(null));
        return json;
    }

    /** The person's ethnic group, if they chose to give it: {@code {"ethnicity": code or null}}. */
    @PUT
    @Path("referrals/{id}/equality")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> saveEquality(@PathParam("id") String id, Equality body, @Context SecurityContext security) {
        required(body, "{\"ethnicity\": code or null}");
        // The answer is what was saved: reading it back would audit a read the caller did not make.
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ethnicity", plans.ethnicity(caller(security), id, body::code));
        return json;
    }

    /** The area's report ({@code from}, {@code to}: days, both included). */
    @GET
    @Path("reports")
    @RolesAllowed(Roles.ADMIN)
    public Map<String, Object> report(@QueryParam("area") String area, @QueryParam("from") String from, @QueryParam("to") String to,
                                      @Context SecurityContext security) {
        return reports.report(caller(security), area, date("from", from), date("to", to));
    }

    /** The same report as CSV, suppressed the same way. */
    @GET
    @Path("reports.csv")
    @Produces("text/csv")
    @RolesAllowed(Roles.ADMIN)
    public Response reportCsv(@QueryParam("area") String area, @QueryParam("from") String from, @QueryParam("to") String to,
                              @Context SecurityContext security) {
        Map<String, Object> report = reports.report(caller(security), area, date("from", from), date("to", to));
        String name = "digital-skills-" + area.replaceAll("[^A-Za-z0-9-]", "") + "-" + report.get("from") + "-" + report.get("to") + ".csv";
        return Response.ok(Reports.csv(report), "text/csv;charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }

    /** Refuses a missing body before anything reads it (or a closed referral answers 409 to what is a bad request). */
    static void required(Object body, String shape) {
        if (body == null) {
            throw WaymarkException.invalid("A body is required: " + shape);
        }
    }

    /**
     * A day, YYYY-MM-DD, in the years 1 to 9999. ISO 8601 also writes years beyond (+999999999-12-31), which
     * {@link LocalDate#parse} takes, but the day after the last of them cannot be computed (found probing: the report
     * {@code to=+999999999-12-31} answered 500).
     */
    static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            LocalDate date = LocalDate.parse(value.strip());
            if (date.getYear() >= 1 && date.getYear() <= 9999) {
                return date;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw WaymarkException.invalid(name + " must be a date, YYYY-MM-DD");
    }

    private static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        String tag = ifMatch.strip().replaceFirst("^W/", "").replace("\"", "");
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED, "If-Match must be the plan's ETag");
        }
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
