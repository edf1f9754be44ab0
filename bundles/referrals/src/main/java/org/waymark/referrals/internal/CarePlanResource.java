package org.waymark.referrals.internal;

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
import javax.ws.rs.core.Context;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.Roles;
import org.waymark.platform.http.RequiredField;

/** A referral's "what matters to me" plan with goals and progress, and its outcome-measure responses. */
@Component(service = CarePlanResource.class, property = "osgi.jaxrs.resource=true")
@Path("/referrals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class CarePlanResource {
    private final CarePlans plans;
    private final OutcomeMeasures measures;

    @Activate
    public CarePlanResource(@Reference CarePlans plans, @Reference OutcomeMeasures measures) {
        this.plans = plans;
        this.measures = measures;
    }

    @GET
    @Path("/{id}/plan")
    public Response plan(@PathParam("id") String id, @Context SecurityContext security) {
        CarePlans.Plan plan = plans.plan(CaseRecordsResource.caller(security), id);
        return Response.ok(plan).tag(new EntityTag(Long.toString(plan.version()))).build();
    }

    /** {@code {"whatMatters": null}} clears the text; a body without the field is refused, not read as clearing. */
    public record WhatMatters(@RequiredField String whatMatters) {
    }

    /** Saves the plan's "what matters to me" text; If-Match carries the plan's ETag ("0" before the first save). */
    @PUT
    @Path("/{id}/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response savePlan(@PathParam("id") String id, WhatMatters body, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                             @Context SecurityContext security) {
        CarePlans.Plan plan = plans.saveWhatMatters(CaseRecordsResource.caller(security), id,
                body.whatMatters(), CaseloadResource.version(ifMatch));
        return Response.ok(plan).tag(new EntityTag(Long.toString(plan.version()))).build();
    }

    public record NewGoal(String description) {
    }

    @POST
    @Path("/{id}/plan/goals")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addGoal(@PathParam("id") String id, NewGoal goal, @Context SecurityContext security) {
        return Response.status(201).entity(plans.addGoal(CaseRecordsResource.caller(security), id,
                goal == null ? null : goal.description())).build();
    }

    public record NewProgress(Integer score, String comment) {
    }

    @POST
    @Path("/{id}/plan/goals/{goalId}/progress")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addProgress(@PathParam("id") String id, @PathParam("goalId") String goalId, NewProgress progress,
                                @Context SecurityContext security) {
        if (progress == null || progress.score() == null) {
            throw org.waymark.api.error.WaymarkException.invalid("score is required");
        }
        return Response.status(201).entity(plans.recordProgress(CaseRecordsResource.caller(security), id, goalId,
                progress.score(), progress.comment())).build();
    }

    @GET
    @Path("/{id}/measures")
    public List<OutcomeMeasures.Response> measures(@PathParam("id") String id, @Context SecurityContext security) {
        return measures.history(CaseRecordsResource.caller(security), id);
    }

    public record Answers(Map<String, Integer> answers) {
    }

    @POST
    @Path("/{id}/measures/{measureId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response record(@PathParam("id") String id, @PathParam("measureId") String measureId, Answers body,
                           @Context SecurityContext security) {
        return Response.status(201).entity(measures.record(CaseRecordsResource.caller(security), id, measureId,
                body == null ? null : body.answers())).build();
    }
}
