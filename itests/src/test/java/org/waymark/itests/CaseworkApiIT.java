package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console's API for working a referral, over HTTP against the built distribution: If-Match on every write,
 * problem+json errors, the GP's Task following, the timeline from the audit trail, and the admin endpoints.
 */
class CaseworkApiIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String WORKER = basic("linkworker", "linkworker");
    private static final String ADMIN = basic("admin", "admin");
    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void workingAReferralHonoursIfMatchAnswersProblemsAndTheTaskAndTimelineFollow() {
        String token = server.demoClientToken();
        String id = postFhirReferral(token, "API-1", "9990013020");
        String path = "/api/referrals/" + id;

        HttpResponse<String> read = server.get(path, "Authorization", WORKER);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(json(read).path("patient").path("name").asText()).isEqualTo("Jo Apiworth");
        assertThat(json(read).path("linkage").path("state").asText()).isEqualTo("new-patient");

        HttpResponse<String> stale = server.postJson(path + "/status", "{\"status\":\"accepted\"}", "Authorization", WORKER, "If-Match", "\"7\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
        HttpResponse<String> unlisted = server.postJson(path + "/status", "{\"status\":\"rejected\",\"reasonCode\":\"made-up\"}",
                "Authorization", WORKER, "If-Match", "\"1\"");
        assertThat(unlisted.statusCode()).isEqualTo(400);
        assertThat(json(unlisted).path("detail").asText()).contains("not in the area's reject list");

        HttpResponse<String> accepted = server.postJson(path + "/status", "{\"status\":\"accepted\"}", "Authorization", WORKER, "If-Match", "\"1\"");
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(accepted.headers().firstValue("ETag")).hasValue("\"2\"");
        JsonNode task = json(server.get("/fhir/Task?focus=ServiceRequest/" + id, "Authorization", bearer(token))).path("entry").get(0).path("resource");
        assertThat(task.path("status").asText()).isEqualTo("accepted");
        assertThat(task.path("output").get(0).path("valueCodeableConcept").path("coding").get(0).path("code").asText()).isEqualTo("871731000000106");

        HttpResponse<String> badContact = server.postJson(path + "/contacts", "{\"method\":\"pigeon\",\"outcome\":\"reached\"}", "Authorization", WORKER);
        assertThat(badContact.statusCode()).isEqualTo(400);
        assertThat(badContact.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
        assertThat(server.postJson(path + "/contacts", "{\"method\":\"phone\",\"outcome\":\"no-answer\"}", "Authorization", WORKER)
                .statusCode()).isEqualTo(201);
        assertThat(json(server.get(path + "/contacts", "Authorization", WORKER))).hasSize(1);
        // Found probing: an appointment still to come could be marked attended, and one could be booked for 9999.
        String nextWeek = java.time.Instant.now().plus(java.time.Duration.ofDays(7)).toString();
        HttpResponse<String> booked = server.postJson(path + "/appointments", "{\"startsAt\":\"" + nextWeek
                + "\",\"place\":\"Library\",\"purpose\":\"First meeting\"}", "Authorization", WORKER);
        assertThat(booked.statusCode()).as(booked.body()).isEqualTo(201);
        HttpResponse<String> tooEarly = server.postJson(path + "/appointments/" + json(booked).path("id").asText() + "/status",
                "{\"status\":\"attended\"}", "Authorization", WORKER);
        assertThat(tooEarly.statusCode()).as(tooEarly.body()).isEqualTo(409);
        assertThat(tooEarly.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
        assertThat(server.postJson(path + "/appointments", "{\"startsAt\":\"9999-12-31T10:00:00Z\",\"place\":\"x\",\"purpose\":\"x\"}",
                "Authorization", WORKER).statusCode()).isEqualTo(400);

        HttpResponse<String> plan = server.send(server.request(path + "/plan", "Authorization", WORKER, "If-Match", "\"0\"",
                "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"whatMatters\":\"Seeing my grandchildren\"}")));
        assertThat(plan.statusCode()).isEqualTo(200);
        assertThat(plan.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(server.send(server.request(path + "/plan", "Authorization", WORKER, "If-Match", "\"0\"", "Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"whatMatters\":\"Overwritten\"}"))).statusCode()).isEqualTo(412);
        // Found probing: an empty or null body, or one without the field, erased the plan's text; clearing takes
        // {"whatMatters": null}.
        for (String unsaid : List.of("", "null", "{}")) {
            HttpResponse<String> refused = put(path + "/plan", unsaid, WORKER);
            assertThat(refused.statusCode()).as("[" + unsaid + "]: " + refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
            assertThat(json(refused).path("detail").asText()).containsAnyOf("A JSON body is required", "field whatMatters");
        }
        HttpResponse<String> noBody = server.send(server.request(path + "/plan", "Authorization", WORKER)
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(noBody.statusCode()).as(noBody.body()).isEqualTo(400);
        assertThat(json(server.get(path + "/plan", "Authorization", WORKER)).path("whatMatters").asText())
                .isEqualTo("Seeing my grandchildren");

        // Found probing: 9.99 was recorded as 9 and "5" as 5; a score is a whole number as sent, else nothing is recorded.
        for (String notWhole : List.of("9.99", "\"5\"")) {
            HttpResponse<String> refused = server.postJson(path + "/measures/ons4", "{\"answers\":{\"life-satisfaction\":" + notWhole
                    + ",\"worthwhile\":5,\"happiness\":3,\"anxiety\":7}}", "Authorization", WORKER);
            assertThat(refused.statusCode()).as(notWhole + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.body()).contains("answers");
        }
        HttpResponse<String> ons4 = server.postJson(path + "/measures/ons4",
                "{\"answers\":{\"life-satisfaction\":4,\"worthwhile\":5,\"happiness\":3,\"anxiety\":7}}", "Authorization", WORKER);
        assertThat(ons4.statusCode()).isEqualTo(201);
        assertThat(json(ons4).path("occasion").asText()).isEqualTo("baseline");

        assertThat(json(server.get(path + "/timeline", "Authorization", WORKER)).findValuesAsText("what")).containsExactly(
                "Outcome measure recorded (ons4 baseline)", "What matters to me updated", "Appointment booked",
                "Contact attempt recorded", "Status changed to accepted", "Referral received");
        assertThat(server.get("/api/referrals?search=%25", "Authorization", WORKER).statusCode())
                .as("found probing: a search with nothing searchable listed everyone").isEqualTo(400);
        assertThat(server.get(path + "/timeline").statusCode()).isEqualTo(401);
        assertThat(server.get(path + "/timeline", "Authorization", bearer(token)).statusCode()).as("senders follow Tasks, not case notes")
                .isEqualTo(403);

        // Found probing: of two workers accepting and rejecting one referral at once, one without If-Match got a 412.
        String raced = "/api/referrals/" + postFhirReferral(token, "API-RACE", "9990013039");
        List<Integer> assigned = java.util.stream.IntStream.range(0, 16).parallel().mapToObj(i -> server.postJson(raced + "/assignee",
                i % 2 == 0 ? "{\"assignee\":\"linkworker\"}" : "{\"assignee\":null}", "Authorization", i % 4 < 2 ? WORKER : ADMIN)
                .statusCode()).toList();
        assertThat(assigned).as("without If-Match, no precondition can fail").contains(200).doesNotContain(412)
                .allMatch(status -> status == 200 || status == 409);
        String contested = raced + "/status";
        List<Integer> answers = java.util.stream.IntStream.range(0, 16).parallel().mapToObj(i -> server.postJson(contested,
                i % 2 == 0 ? "{\"status\":\"accepted\"}" : "{\"status\":\"rejected\",\"reason\":\"Seen elsewhere\"}",
                "Authorization", i % 4 < 2 ? WORKER : ADMIN).statusCode()).toList();
        assertThat(answers).as("one change wins, the others are told it is decided").containsOnly(200, 409).containsOnlyOnce(200);
    }

    @Test
    void anAdminManagesReasonListsUsersHandOverAndAPersonsAuditTrail() {
        String reasons = "{\"reasons\":[{\"code\":\"moved-away\",\"label\":\"Moved out of the area\"}]}";
        assertThat(put("/api/reason-lists/reject?area=sheffield", reasons, WORKER).statusCode()).isEqualTo(403);
        assertThat(put("/api/reason-lists/reject?area=sheffield", reasons, ADMIN).statusCode()).isEqualTo(200);
        JsonNode list = json(server.get("/api/reason-lists/reject?area=sheffield", "Authorization", WORKER));
        assertThat(list.path("area").asText()).isEqualTo("sheffield");
        assertThat(list.path("reasons").findValuesAsText("label")).containsExactly("Moved out of the area");

        HttpResponse<String> created = server.postJson("/api/users",
                "{\"username\":\"leaver\",\"roles\":[\"link-worker\"],\"areas\":[\"sheffield\"]}", "Authorization", ADMIN);
        assertThat(created.statusCode()).isEqualTo(201);
        String leaver = basic("leaver", json(created).path("temporaryPassword").asText());
        // A name taken is a conflict on every database (PostgreSQL's driver reports it with a plain SQLException).
        HttpResponse<String> taken = server.postJson("/api/users",
                "{\"username\":\"leaver\",\"roles\":[\"link-worker\"],\"areas\":[\"sheffield\"]}", "Authorization", ADMIN);
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
        assertThat(taken.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(server.postJson("/api/users", "{\"username\":\"x\",\"roles\":[\"admin\"],\"areas\":[\"sheffield\"]}",
                "Authorization", WORKER).statusCode()).isEqualTo(403);
        // Found probing: a null in the lists was a 500.
        for (String nulls : List.of("{\"username\":\"nully\",\"roles\":[\"link-worker\"],\"areas\":[null]}",
                "{\"username\":\"nully\",\"roles\":[null],\"areas\":[\"sheffield\"]}")) {
            HttpResponse<String> refused = server.postJson("/api/users", nulls, "Authorization", ADMIN);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
        }

        // Found probing: a password reset (an account in someone else's hands) left their sessions signed in.
        HttpResponse<String> signIn = server.send(server.request("/api/session", "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"leaver\",\"password\":\""
                        + json(created).path("temporaryPassword").asText() + "\"}")));
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        String oldSession = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(server.get("/api/referrals", "Cookie", oldSession).statusCode()).isEqualTo(200);
        HttpResponse<String> reset = server.postJson("/api/users/leaver/password-reset", "", "Authorization", ADMIN);
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        assertThat(server.get("/api/referrals", "Cookie", oldSession).statusCode()).as("the old session ends").isEqualTo(401);
        // Found probing: nobody could change the temporary password an admin gave them, so it stayed valid for ever.
        String temporary = json(reset).path("temporaryPassword").asText();
        HttpResponse<String> wrong = server.postJson("/api/me/password",
                "{\"currentPassword\":\"not-it-at-all\",\"newPassword\":\"leaver's own 1\"}", "Authorization", basic("leaver", temporary));
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(403);
        HttpResponse<String> changed = server.postJson("/api/me/password",
                "{\"currentPassword\":\"" + temporary + "\",\"newPassword\":\"leaver's own 1\"}", "Authorization", basic("leaver", temporary));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(204);
        assertThat(server.get("/api/referrals", "Authorization", basic("leaver", temporary)).statusCode()).isEqualTo(401);
        leaver = basic("leaver", "leaver's own 1");

        HttpResponse<String> entered = server.postJson("/api/referrals", """
                {"area":"sheffield","source":"phone","family":"Phoneworth","given":"Pat","birthDate":"1960-04-05",
                 "reason":"Rang about loneliness","referrer":"Neighbour"}""", "Authorization", leaver);
        assertThat(entered.statusCode()).as(entered.body()).isEqualTo(201);
        String id = json(entered).path("id").asText();
        assertThat(json(entered).path("taskId").asText()).isNotBlank();
        assertThat(server.postJson("/api/referrals/" + id + "/assignee", "{\"assignee\":\"leaver\"}", "Authorization", leaver,
                "If-Match", "\"1\"").statusCode()).isEqualTo(200);
        // Found probing: an empty body unassigned the referral; back to the queue takes {"assignee": null}.
        for (String unsaid : List.of("", "null", "{}")) {
            HttpResponse<String> refused = server.postJson("/api/referrals/" + id + "/assignee", unsaid, "Authorization", leaver);
            assertThat(refused.statusCode()).as("[" + unsaid + "]: " + refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(PROBLEM_JSON));
        }
        assertThat(json(server.get("/api/referrals/" + id, "Authorization", leaver)).path("assignee").asText()).isEqualTo("leaver");

        HttpResponse<String> handover = server.postJson("/api/referrals/handover",
                "{\"area\":\"sheffield\",\"from\":\"leaver\",\"to\":\"linkworker\"}", "Authorization", ADMIN);
        assertThat(handover.statusCode()).as(handover.body()).isEqualTo(200);
        assertThat(json(handover).path("moved").asInt()).isEqualTo(1);
        assertThat(json(server.get("/api/referrals?assignee=linkworker&search=phoneworth", "Authorization", WORKER)).path("total").asInt())
                .isEqualTo(1);
        HttpResponse<String> queued = server.postJson("/api/referrals/" + id + "/assignee", "{\"assignee\":null}", "Authorization", ADMIN);
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
        assertThat(json(queued).has("assignee")).as("an explicit null puts it back in the queue").isFalse();

        assertThat(server.postJson("/api/users/leaver/disable", "", "Authorization", ADMIN).statusCode()).isEqualTo(200);
        assertThat(server.get("/api/referrals", "Authorization", leaver).statusCode()).as("a disabled leaver is locked out").isEqualTo(401);

        String patientId = json(server.get("/api/referrals/" + id, "Authorization", ADMIN)).path("patient").path("id").asText();
        JsonNode trail = json(server.get("/api/patients/" + patientId + "/audit", "Authorization", ADMIN));
        assertThat(trail.findValuesAsText("actor")).contains("leaver", "admin");
        assertThat(server.get("/api/patients/" + patientId + "/audit", "Authorization", WORKER).statusCode()).isEqualTo(403);
    }

    private static HttpResponse<String> put(String path, String body, String authorization) {
        return server.send(server.request(path, "Authorization", authorization, "Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String postFhirReferral(String token, String identifier, String nhsNumber) {
        HttpResponse<String> response = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FhirReferralIT.serviceRequest(identifier, nhsNumber, "Apiworth"))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).path("id").asText();
    }
}
