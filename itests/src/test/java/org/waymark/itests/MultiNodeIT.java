package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Waymark nodes on one PostgreSQL database, as an area that outgrows one machine runs them: sign-ins and tokens
 * from one node hold on the other, and the outbox's jobs, leased in the database, are delivered once however the
 * nodes share them, also when the node holding a job dies.
 */
class MultiNodeIT {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final String WORKER = basic("linkworker", "linkworker");
    private static final String ADMIN = basic("admin", "admin");
    private static PostgresServer postgres;
    private static WaymarkServer nodeA;
    private static WaymarkServer nodeB;
    private static final FhirReceiver receiver = new FhirReceiver();

    @BeforeAll
    static void startNodes() throws IOException {
        Path dir = Path.of(TestEnvironment.requiredProperty("waymark.itest.dir"));
        postgres = PostgresServer.start(dir);
        String dataSource = postgres.dataSourceConfig(postgres.createDatabase("shared"));
        receiver.start();
        nodeA = node(dataSource);
        nodeA.start("MultiNodeIT-a");
        nodeB = node(dataSource);
        nodeB.start("MultiNodeIT-b");
        nodeA.admin("set-contact", "organisation", "demo-gp", "--fhir", receiver.url("/gp/$process-message"));
    }

    private static WaymarkServer node(String dataSource) {
        return new WaymarkServer().withDataSource(dataSource)
                .withEnvironment("WAYMARK_JOB_RETRY_BASE_MILLIS", "300")
                // A shorter job time limit, so a dead node's lease (twice the limit) runs out within the test; still
                // longer than a delivery's own limits, so a slow receiver fails the delivery, not the job handler.
                .withEnvironment("WAYMARK_JOB_TIME_LIMIT_SECONDS", "20");
    }

    @AfterAll
    static void stopNodes() throws IOException {
        try {
            receiver.stop();
            nodeB.shutdown();
            nodeA.shutdown();
        } finally {
            postgres.close();
        }
    }

    @Test
    void aTokenAndASessionFromOneNodeHoldOnTheOther() {
        String token = nodeA.demoClientToken();
        assertThat(nodeB.get("/fhir/ServiceRequest?_count=1", "Authorization", bearer(token)).statusCode()).isEqualTo(200);

        HttpResponse<String> signIn = nodeA.send(nodeA.request("/api/session", "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"linkworker\",\"password\":\"linkworker\"}")));
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = json(signIn).path("csrfToken").asText();
        assertThat(nodeB.get("/api/referrals", "Cookie", cookie).statusCode()).isEqualTo(200);

        HttpResponse<String> signOut = nodeB.send(nodeB.request("/api/session", "Cookie", cookie, "X-CSRF-Token", csrf).DELETE());
        assertThat(signOut.statusCode()).isLessThan(300);
        assertThat(nodeA.get("/api/referrals", "Cookie", cookie).statusCode()).as("signed out everywhere").isEqualTo(401);
    }

    @Test
    void statusMessagesChangedOnBothNodesAreEachDeliveredExactlyOnce() {
        String token = nodeA.demoClientToken();
        List<String> messageIds = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            WaymarkServer node = i % 2 == 0 ? nodeA : nodeB;
            String id = newReferral(node, token, "MULTI-" + i);
            HttpResponse<String> accepted = node.postJson("/api/referrals/" + id + "/status", "{\"status\":\"accepted\"}",
                    "Authorization", WORKER);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            messageIds.add("referral-" + id + "-v" + json(accepted).path("version").asLong());
        }
        await("every status message delivered").atMost(DELIVERY_TIMEOUT)
                .until(() -> messageIds.stream().allMatch(m -> receiver.deliveries(m) > 0));
        await("both nodes' job queues empty").atMost(DELIVERY_TIMEOUT)
                .until(() -> json(nodeB.get("/api/admin/jobs?state=pending", "Authorization", ADMIN)).isEmpty());
        for (String messageId : messageIds) {
            assertThat(receiver.deliveries(messageId)).as("deliveries of " + messageId + " with two nodes polling").isEqualTo(1);
        }
    }

    @Test
    void aJobHeldByANodeThatDiesIsDeliveredByTheOther() throws IOException {
        String token = nodeA.demoClientToken();
        String id = newReferral(nodeA, token, "MULTI-DIES");
        receiver.hold();
        HttpResponse<String> accepted = nodeA.postJson("/api/referrals/" + id + "/status", "{\"status\":\"accepted\"}",
                "Authorization", WORKER);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String messageId = "referral-" + id + "-v" + json(accepted).path("version").asLong();
        await("the message in flight").atMost(DELIVERY_TIMEOUT).until(() -> receiver.deliveries(messageId) > 0);

        // Kill whichever node holds the job's lease; the other must take the job over once the lease runs out.
        JsonNode job = jobWithKey(messageId);
        String owner = job.path("leaseOwner").asText();
        WaymarkServer holder = owner.equals(nodeId(nodeA)) ? nodeA : nodeB;
        WaymarkServer survivor = holder == nodeA ? nodeB : nodeA;
        assertThat(owner).isIn(nodeId(nodeA), nodeId(nodeB));
        holder.kill();
        receiver.release();

        await("the survivor delivers it again").atMost(DELIVERY_TIMEOUT).until(() -> receiver.deliveries(messageId) >= 2);
        assertThat(receiver.idsAbout(id)).as("one message id, whoever delivered it").containsExactly(messageId);
        await("the job done").atMost(DELIVERY_TIMEOUT).until(() ->
                "DONE".equals(jobWithKey(messageId, survivor).path("state").asText()));
        holder.restart();
    }

    @Test
    void aDirectoryEditOrImportOnOneNodeShowsOnTheOther() {
        // Found probing: each node kept the directory it had loaded, so a change on one node never showed on the other
        // (a service marked defunct there still took onward referrals here) until it restarted.
        String id = json(nodeB.get("/directory/services?search=crookes+walk")).path("contents").get(0).path("id").asText();
        HttpResponse<String> edited = nodeA.send(nodeA.request("/api/directory/services/" + id, "Authorization", ADMIN,
                "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"status\": \"temporarily closed\"}")));
        assertThat(edited.statusCode()).as(edited.body()).isEqualTo(200);
        await("the edit on node B").atMost(Duration.ofSeconds(30)).until(() ->
                "temporarily closed".equals(json(nodeB.get("/directory/services/" + id)).path("status").asText()));

        String added = "5e1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a77";
        HttpResponse<String> imported = nodeB.postJson("/api/directory/imports?kind=service", "{\"id\": \"" + added
                + "\", \"name\": \"Multinode Ukulele Circle\", \"status\": \"active\"}", "Authorization", ADMIN);
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(202);
        await("the import on node A").atMost(Duration.ofSeconds(60)).until(() ->
                json(nodeA.get("/api/directory/search?search=ukulele", "Authorization", WORKER)).path("total").asInt() == 1);
        assertThat(nodeA.get("/directory/services/" + added).statusCode()).isEqualTo(200);
    }

    private static String newReferral(WaymarkServer node, String token, String identifier) {
        HttpResponse<String> created = node.send(node.request("/fhir/ServiceRequest", "Authorization", bearer(token),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                FhirReferralIT.serviceRequest(identifier, TestData.validNhsNumber(), "Multinode"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).path("id").asText();
    }

    private static String nodeId(WaymarkServer node) {
        return json(node.get("/api/health", "Authorization", ADMIN)).path("node").asText();
    }

    private static JsonNode jobWithKey(String key) {
        return jobWithKey(key, nodeA.isRunning() ? nodeA : nodeB);
    }

    private static JsonNode jobWithKey(String key, WaymarkServer node) {
        for (JsonNode job : json(node.get("/api/admin/jobs?count=1000", "Authorization", ADMIN))) {
            if (job.path("key").asText().equals(key)) {
                return job;
            }
        }
        throw new AssertionError("No job " + key);
    }
}
