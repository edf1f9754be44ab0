package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The example pathfinder plugins hot-deployed into the running distribution, seen at work on real referrals, and
 * removed again with the core unharmed; a broken plugin waits for approval, then is isolated and reported.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PathfinderPluginIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String ADMIN = basic("admin", "admin");
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(60);
    private static String sheffieldGp;
    private static String islingtonGp;

    @BeforeAll
    static void clients() {
        sheffieldGp = server.demoClientToken();
        islingtonGp = server.clientToken("islington-gp", server.createClient("islington-gp", "islington"));
    }

    @Test
    @Order(1)
    void sheffieldPluginTriagesAndRoutesANewReferralAndLeavesNoHarmWhenRemoved() throws IOException {
        long dropped = System.nanoTime();
        Path deployed = server.deploy(TestEnvironment.sheffieldKar());
        JsonNode plugin = awaitPlugin("org.waymark.pathfinder-sheffield", "active", "TriageRule sheffield-ltc-living-alone",
                "Pathway sheffield-ltc", "NotificationChannel letter", "ConsolePanel sheffield-letters");
        System.out.printf("Hot deploy: Sheffield .kar active %d ms after the drop%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - dropped));
        assertThat(plugin.path("builtIn").asBoolean()).isFalse();
        assertThat(plugin.path("approvedBy").asText()).as("the demo approves the examples").isEqualTo("system:demo");
        assertThat(plugin.path("contributions").toString())
                .contains("TriageRule sheffield-ltc-living-alone", "Pathway sheffield-ltc", "NotificationChannel letter",
                        "ConsolePanel sheffield-letters");

        String urgent = send(sheffieldGp, "SHF-1", "1944-03-02", "COPD; lives alone since her husband died");
        JsonNode triaged = awaitTriage(urgent);
        assertThat(triaged.path("triage").path("route").asText()).isEqualTo("long-term-conditions");
        assertThat(triaged.path("triage").path("priority").asText()).isEqualTo("urgent");
        assertThat(triaged.path("priority").asText()).as("the referral's own priority").isEqualTo("urgent");
        assertThat(triaged.path("triage").path("reasons").toString()).contains("Long-term condition: COPD", "Lives alone");
        assertThat(triaged.path("pathway").path("id").asText()).isEqualTo("sheffield-ltc");
        assertThat(triaged.path("pathway").path("contactOrder").get(0).asText()).isEqualTo("phone");

        // The GP's Task shows the priority the area gave it.
        HttpResponse<String> tasks = server.get("/fhir/Task?focus=ServiceRequest/" + urgent, "Authorization", bearer(sheffieldGp));
        assertThat(json(tasks).path("entry").get(0).path("resource").path("priority").asText()).isEqualTo("urgent");

        // Its console panel: listed for Sheffield workers, its script served, its own resource answering.
        HttpResponse<String> panels = server.get("/api/console/panels", "Authorization", ADMIN);
        assertThat(panels.body()).contains("\"element\":\"sheffield-letters\"");
        HttpResponse<String> script = server.get("/console/panels/sheffield-letters.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("customElements.define('sheffield-letters'");
        // Found probing: the script's address was the same for every version of the plugin, so a page (and the
        // browser's cache) kept an earlier version's after an upgrade. The list gives an address naming the version.
        String versioned = json(panels).get(0).path("script").asText();
        assertThat(versioned).startsWith("/console/panels/sheffield-letters.js?v=" + plugin.path("version").asText());
        HttpResponse<String> versionedScript = server.get(versioned);
        assertThat(versionedScript.body()).isEqualTo(script.body());
        assertThat(versionedScript.headers().firstValue("Cache-Control").orElse("")).contains("immutable");
        assertThat(script.headers().firstValue("Cache-Control")).as("an address without the version").hasValue("no-store");
        HttpResponse<String> letters = server.get("/api/pathfinder-sheffield/referrals/" + urgent + "/letters", "Authorization", ADMIN);
        assertThat(letters.statusCode()).as(letters.body()).isEqualTo(200);
        assertThat(server.get("/api/pathfinder-sheffield/referrals/" + urgent + "/letters").statusCode())
                .as("the plugin's resource needs credentials like the core's").isEqualTo(401);
        // Found probing: letters are kept per person, and an Islington-only worker read Sheffield's letters to a person
        // through an Islington referral; only a Sheffield referral shows them.
        HttpResponse<String> user = server.postJson("/api/users",
                "{\"username\":\"isl-letters\",\"roles\":[\"link-worker\"],\"areas\":[\"islington\"]}", "Authorization", ADMIN);
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        String islingtonWorker = basic("isl-letters", json(user).path("temporaryPassword").asText());
        String islingtonReferral = send(islingtonGp, "SHF-ISL-1", "1990-01-01", "Lonely");
        HttpResponse<String> notSheffield = server.get("/api/pathfinder-sheffield/referrals/" + islingtonReferral + "/letters",
                "Authorization", islingtonWorker);
        assertThat(notSheffield.statusCode()).as(notSheffield.body()).isEqualTo(404);
        assertThat(notSheffield.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        // Nor does an Islington admin's subject access export of a person Sheffield wrote to, and whom Islington now
        // has a referral for, list Sheffield's letters (found probing); Sheffield's admin's does.
        JsonNode urgentReferral = referral(urgent);
        String person = urgentReferral.path("patientId").asText();
        HttpResponse<String> byLetter = server.send(server.request("/api/contacts/person/" + person, "Authorization", ADMIN,
                "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"preferredChannel\":\"letter\",\"addresses\":{\"letter\":\"1 Elm Road\\nSheffield S10 2TN\"}}")));
        assertThat(byLetter.statusCode()).as(byLetter.body()).isEqualTo(200);
        assertThat(server.postJson("/api/digital-skills/referrals/" + urgent + "/self-assessment-links", "{\"send\":true}",
                "Authorization", ADMIN).statusCode()).isEqualTo(201);
        await("the letter recorded").atMost(DEPLOY_TIMEOUT).until(() -> json(server.get("/api/pathfinder-sheffield/referrals/"
                + urgent + "/letters", "Authorization", ADMIN)).size() == 1);
        HttpResponse<String> alsoIslington = post(islingtonGp, "SHF-ISL-2", urgentReferral.path("nhsNumber").asText(), "1944-03-02", "Lonely");
        assertThat(alsoIslington.statusCode()).as(alsoIslington.body()).isEqualTo(201);
        HttpResponse<String> islingtonAdmin = server.postJson("/api/users",
                "{\"username\":\"isl-letters-admin\",\"roles\":[\"admin\"],\"areas\":[\"islington\"]}", "Authorization", ADMIN);
        assertThat(islingtonAdmin.statusCode()).as(islingtonAdmin.body()).isEqualTo(201);
        HttpResponse<String> islingtonExport = server.get("/api/patients/" + person + "/export", "Authorization",
                basic("isl-letters-admin", json(islingtonAdmin).path("temporaryPassword").asText()));
        assertThat(islingtonExport.statusCode()).as(islingtonExport.body()).isEqualTo(200);
        assertThat(json(islingtonExport).path("sections").path("sheffield-letters").path("letters")).isEmpty();
        assertThat(export(person).path("sections").path("sheffield-letters").path("letters")).hasSize(1);

        // Its report: listed for Sheffield's admins, small numbers suppressed, exported as CSV.
        assertThat(server.get("/api/reports", "Authorization", ADMIN).body()).contains("sheffield-triage-routes");
        String today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/London")).toString(); // the area's days, as the report counts them
        String query = "?area=sheffield&from=" + today + "&to=" + today;
        HttpResponse<String> report = server.get("/api/reports/sheffield-triage-routes" + query, "Authorization", ADMIN);
        assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
        JsonNode routes = json(report).path("rows");
        assertThat(routes.toString()).contains("long-term-conditions");
        assertThat(routes.get(0).path("counts").get(0).asText()).as("one referral is a small number").isEqualTo("*");
        HttpResponse<String> csv = server.get("/api/reports/sheffield-triage-routes" + query + "&format=csv", "Authorization", ADMIN);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body()).startsWith("Route,Referrals,Urgent\r\nlong-term-conditions,*,*");
        assertThat(server.get("/api/reports/sheffield-triage-routes?area=islington&from=" + today + "&to=" + today,
                "Authorization", basic("linkworker", "linkworker")).statusCode()).as("admins only").isEqualTo(403);

        long removed = System.nanoTime();
        Files.delete(deployed);
        awaitGone("org.waymark.pathfinder-sheffield");
        System.out.printf("Hot undeploy: Sheffield plugin gone %d ms after removal%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removed));

        String after = send(sheffieldGp, "SHF-2", "1944-03-02", "COPD; lives alone");
        assertThat(jobsFor(after)).as("no rule, so no triage job for a referral received after removal").isZero();
        JsonNode untouched = referral(after);
        assertThat(untouched.path("triage").isMissingNode() || untouched.path("triage").isNull()).as("no triage").isTrue();
        assertThat(untouched.path("pathway").isMissingNode() || untouched.path("pathway").isNull()).as("no pathway").isTrue();
        assertThat(referral(urgent).path("triage").path("route").asText()).as("what the plugin decided stays readable")
                .isEqualTo("long-term-conditions");
        assertThat(server.get("/console/panels/sheffield-letters.js").statusCode()).isEqualTo(404);
        assertThat(server.get("/api/health").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void islingtonPluginRefusesUnderSixteensAndRoutesYoungPeople() throws IOException {
        Path deployed = server.deploy(TestEnvironment.islingtonKar());
        try {
            awaitPlugin("org.waymark.pathfinder-islington", "active", "IntakeValidator islington-age-range",
                    "TriageRule islington-young-people", "Pathway islington-young-people");
            HttpResponse<String> child = post(islingtonGp, "ISL-1", "2014-01-01", "Anxiety");
            assertThat(child.statusCode()).as(child.body()).isEqualTo(422);
            assertThat(child.body()).contains("OperationOutcome", "children's services");

            String young = send(islingtonGp, "ISL-2", "2007-05-14", "Learning disability, wants to meet people");
            JsonNode triaged = awaitTriage(young);
            assertThat(triaged.path("triage").path("route").asText()).isEqualTo("young-people");
            assertThat(triaged.path("pathway").path("easyRead").asBoolean()).isTrue();
            assertThat(triaged.path("pathway").path("followUps").toString()).contains("P7D", "P21D", "P42D");
        } finally {
            Files.delete(deployed);
            awaitGone("org.waymark.pathfinder-islington");
        }
        HttpResponse<String> childAfter = post(islingtonGp, "ISL-3", "2014-01-01", "Anxiety");
        assertThat(childAfter.statusCode()).as("the area's own check went with its plugin").isEqualTo(201);
    }

    @Test
    @Order(3)
    void unapprovedPluginDoesNothingAndABrokenOneIsIsolatedOnceApproved() throws IOException {
        server.expectErrorInLog("FailsOnActivation|FrameworkEvent ERROR|plugin activation bug");
        Path plugin = TestEnvironment.testPlugin();
        Path deployed = server.deploy(plugin);
        try {
            JsonNode waiting = awaitPlugin("org.waymark.itests-test-plugin", "awaiting-approval", "TriageRule");
            assertThat(waiting.path("contributions").toString()).contains("not in use until approved");
            // Found probing: its changelog ran at deploy time and inserted its own approval row (no audit entry).
            // Migrations now wait for the approval; the plugin keeps waiting however long one looks.
            await("the test plugin still awaiting approval").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> plugins().get("org.waymark.itests-test-plugin"),
                            p -> "awaiting-approval".equals(p.path("state").asText()) && p.path("approvedBy").isMissingNode());
            assertThat(server.logContains("Schema of org.waymark.itests-test-plugin")).as("its migrations wait").isFalse();
            // Found probing: an unapproved plugin's JAX-RS filter saw every /api request, Basic passwords included.
            assertThat(server.get("/api/plugins", "Authorization", ADMIN).headers().firstValue("X-Test-Plugin-Saw"))
                    .as("its filter is not applied before approval").isEmpty();
            // Found probing: the web server took an unapproved plugin's servlet filter at once (every client secret).
            assertThat(server.get("/test-plugin-page").statusCode()).as("its whiteboard servlet is not served").isEqualTo(404);
            assertThat(server.get("/api/hello-plugin").statusCode()).as("its route is shut until approved").isEqualTo(404);
            // Found probing: that 404 told anyone, strangers included, which plugin and version was installed.
            HttpResponse<String> stranger = server.get("/api/hello-plugin");
            HttpResponse<String> worker = server.get("/api/hello-plugin", "Authorization", basic("linkworker", "linkworker"));
            for (HttpResponse<String> shut : java.util.List.of(stranger, worker)) {
                assertThat(shut.statusCode()).isEqualTo(404);
                assertThat(shut.body()).as("what a non-admin learns").doesNotContain("test-plugin", waiting.path("version").asText(), "approv");
            }
            assertThat(server.get("/api/hello-plugin", "Authorization", ADMIN).body()).as("an admin is told")
                    .contains("org.waymark.itests-test-plugin", "not approved");
            // Found probing: its services that need its own tables (not registered before its migrations ran) were not
            // listed, so the admin approved more than they were shown.
            assertThat(waiting.path("contributions").toString()).contains(
                    "JobHandler NeedsItsTables (not in use until approved; then starts once its tables exist)",
                    "REST resource HelloResource (not in use until approved)");
            String before = send(islingtonGp, "ISL-10", "2005-01-01", "Low mood");
            assertThat(jobsFor(before)).as("an unapproved triage rule is not used").isZero();
            // Found probing: an unapproved plugin's PersonalDataContributor was handed every export's transaction
            // (and, by throwing, made every subject access export answer 503).
            String person = referral(before).path("patientId").asText();
            assertThat(export(person).path("sections").has("test-plugin")).as("not called before approval").isFalse();

            // Found probing: an admin of one area approved (and took back) plugins that work on every area's referrals.
            String sheffieldAdmin = server.areaAdmin("sheffield");
            assertThat(server.get("/api/plugins", "Authorization", sheffieldAdmin).statusCode()).as("they still see plugins")
                    .isEqualTo(200);
            HttpResponse<String> notTheirs = server.postJson("/api/plugins/org.waymark.itests-test-plugin/approval",
                    "{\"version\":\"" + waiting.path("version").asText() + "\"}", "Authorization", sheffieldAdmin);
            assertThat(notTheirs.statusCode()).as(notTheirs.body()).isEqualTo(403);
            assertThat(notTheirs.body()).contains("only an admin of every area");
            assertThat(server.postJson("/api/plugins/org.waymark.pathfinder-islington/approval", "{\"version\":\"9.9.8\"}",
                    "Authorization", sheffieldAdmin).statusCode()).isEqualTo(403);
            assertThat(server.postJson("/api/plugins/org.waymark.itests-test-plugin/reset", "", "Authorization", sheffieldAdmin)
                    .statusCode()).isEqualTo(403);
            assertThat(plugins().get("org.waymark.itests-test-plugin").path("state").asText()).isEqualTo("awaiting-approval");

            // No body approves the installed version, as documented.
            HttpResponse<String> approval = server.send(server.request("/api/plugins/org.waymark.itests-test-plugin/approval",
                    "Authorization", ADMIN).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(approval.statusCode()).as(approval.body()).isEqualTo(200);
            assertThat(server.get("/api/hello-plugin").statusCode()).isEqualTo(200);
            await("the test plugin's migrations once approved").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> server.logContains("Schema of org.waymark.itests-test-plugin"));
            assertThat(plugins().get("org.waymark.itests-test-plugin").path("approvedBy").asText()).isEqualTo("admin");
            // Approval restarts it (so that the web server sees its servlet): wait for that before counting its errors.
            await("the test plugin's servlet once approved").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> server.get("/test-plugin-page").statusCode() == 200);
            awaitPlugin("org.waymark.itests-test-plugin", "active", "JobHandler test-plugin.tidy");
            await("the test plugin's export section once approved").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> export(person).path("sections").has("test-plugin"));
            await("the test plugin's filter once approved").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> server.get("/api/health").headers().firstValue("X-Test-Plugin-Saw").isPresent());
            String trail = server.get("/api/admin/audit?resourceType=Plugin&limit=200", "Authorization", ADMIN).body();
            assertThat(trail).as("the install and the approval are in the audit trail")
                    .contains("install org.waymark.itests-test-plugin", "approve org.waymark.itests-test-plugin");

            // Its triage rule throws and its validator never activates: intake goes on, and the plugin is marked failed.
            for (int i = 0; i < 6; i++) {
                String id = send(islingtonGp, "ISL-BROKEN-" + i, "2005-01-01", "Low mood");
                assertThat(id).isNotBlank();
            }
            JsonNode failed = awaitPlugin("org.waymark.itests-test-plugin", "failed", "TriageRule");
            assertThat(failed.path("lastError").asText()).containsAnyOf("triage plugin bug", "could not be activated");
            assertThat(server.get("/api/health").statusCode()).isEqualTo(200);
        } finally {
            Files.delete(deployed);
            awaitGone("org.waymark.itests-test-plugin");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> post(String token, String identifier, String birthDate, String reason) {
        return post(token, identifier, TestData.validNhsNumber(), birthDate, reason);
    }

    private static HttpResponse<String> post(String token, String identifier, String nhsNumber, String birthDate, String reason) {
        String body = """
                {"resourceType":"ServiceRequest","status":"active","intent":"order","priority":"routine",
                 "identifier":[{"system":"https://gp.example/referrals","value":"%s"}],
                 "contained":[{"resourceType":"Patient","id":"p1",
                   "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%s"}],
                   "name":[{"family":"Plugin","given":["Pat"]}],"birthDate":"%s","gender":"female"}],
                 "subject":{"reference":"#p1"},"reasonCode":[{"text":"%s"}],"requester":{"display":"Dr Who"}}
                """.formatted(identifier, nhsNumber, birthDate, reason);
        return server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token), "Content-Type",
                "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static String send(String token, String identifier, String birthDate, String reason) {
        HttpResponse<String> created = post(token, identifier, birthDate, reason);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).path("id").asText();
    }

    private static JsonNode referral(String id) {
        HttpResponse<String> response = server.get("/api/referrals/" + id, "Authorization", ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode export(String patientId) {
        HttpResponse<String> response = server.get("/api/patients/" + patientId + "/export", "Authorization", ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static JsonNode awaitTriage(String id) {
        return await("triage of referral " + id).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> referral(id), r -> r.path("triage").isObject());
    }

    private static long jobsFor(String referralId) {
        JsonNode jobs = json(server.get("/api/admin/jobs?count=1000", "Authorization", ADMIN));
        JsonNode list = jobs.isArray() ? jobs : jobs.path("jobs");
        return StreamSupport.stream(list.spliterator(), false)
                .filter(j -> "referral.triage".equals(j.path("type").asText()) && referralId.equals(j.path("key").asText())).count();
    }

    private static Map<String, JsonNode> plugins() {
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        json(server.get("/api/plugins", "Authorization", ADMIN)).forEach(p -> byId.put(p.path("id").asText(), p));
        return byId;
    }

    /** Waits until the plugin is in this state and its services are registered (a bundle starts before its components). */
    /**
     * Waits for the plugin's state and for each of the contributions. An approved plugin is listed active as soon as it
     * is approved, while SCR is still enabling its components one by one (listed "(disabled)" meanwhile, found by a CI
     * run): a test that uses a contribution waits for it as registered, by the id it gives itself.
     */
    private static JsonNode awaitPlugin(String id, String state, String... contributions) {
        return await(id + " " + state + " with " + String.join(", ", contributions)).atMost(DEPLOY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> plugins().get(id), p -> p != null && state.equals(p.path("state").asText())
                        && java.util.Arrays.stream(contributions).allMatch(c -> p.path("contributions").toString().contains(c)));
    }

    private static void awaitGone(String id) {
        await(id + " gone").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> !plugins().containsKey(id));
    }
}
