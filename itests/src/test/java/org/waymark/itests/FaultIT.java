package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults, bounded in time: referral intake at 32 clients that retry after errors as real GP systems do (same
 * identifier, so a retry is safe), while the server is killed with kill -9 ten times and restarted; afterwards every
 * acknowledged referral is stored, and none twice. On PostgreSQL, the database going away answers 503 with an
 * OperationOutcome, and intake recovers by itself when it returns.
 */
class FaultIT {
    private static final int CLIENTS = 32;
    private static final int KILLS = 10;
    private static final String SYSTEM = "https://gp.example/fault-test";

    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    /** As a GP system does after a restart: wait until the FHIR endpoint answers before sending. */
    private static void awaitFhir() {
        await("the FHIR endpoint").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> server.get("/fhir/metadata").statusCode() == 200);
    }

    @Test
    void everyAcknowledgedReferralSurvivesTenKillsAndNoneIsStoredTwice() throws Exception {
        awaitFhir();
        String token = server.demoClientToken();
        long storedBefore = total("");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger refusedWhileDown = new AtomicInteger();
        AtomicInteger jettyNotFound = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    String identifier = "FAULT-" + next.incrementAndGet();
                    String body = FhirReferralIT.serviceRequest(identifier, TestData.validNhsNumber(), "Fault")
                            .replace("https://gp.example/referrals", SYSTEM);
                    // A GP system keeps sending the same referral until it is acknowledged.
                    while (true) {
                        try {
                            HttpResponse<String> answer = server.http().send(server.request("/fhir/ServiceRequest",
                                            "Authorization", bearer(token), "Content-Type", "application/fhir+json")
                                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() == 200 || answer.statusCode() == 201) {
                                acknowledged.add(identifier);
                                break;
                            }
                            if (answer.statusCode() == 404 && !answer.body().contains("OperationOutcome")) {
                                // Jetty itself, before Waymark's servlets are registered (see the README's known
                                // limits): nothing was stored, so retrying is safe, and a client must retry.
                                jettyNotFound.incrementAndGet();
                            } else {
                                assertThat(answer.statusCode()).as(answer.body()).isGreaterThanOrEqualTo(500);
                            }
                        } catch (java.io.IOException serverDown) {
                            refusedWhileDown.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                        LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // the client's retry back-off
                    }
                }
            }, "fault-client-" + c);
            clients.add(client);
            client.start();
        }
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                int before = acknowledged.size();
                await("intake under way before kill " + (kill + 1)).atMost(Duration.ofSeconds(60))
                        .until(() -> acknowledged.size() >= before + 50);
                server.kill();
                server.restart();
            }
            awaitFhir();
            int before = acknowledged.size();
            await("intake after the last restart").atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= before + 50);
        } finally {
            running.set(false);
            for (Thread client : clients) {
                client.join(Duration.ofSeconds(60).toMillis());
            }
        }
        System.out.printf("Fault test: %d referrals acknowledged across %d kills; %d requests met a dead server, %d a"
                + " server whose servlets were not registered yet%n", acknowledged.size(), KILLS, refusedWhileDown.get(),
                jettyNotFound.get());

        assertThat(total("") - storedBefore).as("referrals stored by this run").isEqualTo(acknowledged.size());
        for (String identifier : acknowledged) {
            assertThat(total("&identifier=" + URLEncoder.encode(SYSTEM + "|" + identifier, StandardCharsets.UTF_8)))
                    .as("stored once: " + identifier).isEqualTo(1);
        }
    }

    @Test
    void theDatabaseGoingAwayAnswers503AndIntakeRecoversByItself() {
        PostgresServer postgres = server.ownPostgres().orElse(null);
        if (postgres == null) {
            // Embedded Derby lives and dies with the server itself: the kill test above covers it.
            assertThat(PostgresServer.selected()).isFalse();
            return;
        }
        awaitFhir();
        String token = server.demoClientToken();
        server.expectErrorInLog("(?s).*(Connection refused|connection|PSQLException|Cannot get a connection|terminating connection).*");
        postgres.halt();
        try {
            HttpResponse<String> refused = post(token, "DB-DOWN");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(json(refused).path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(refused.body()).doesNotContain("Exception").doesNotContain("org.");
        } finally {
            postgres.resume();
        }
        await("intake back without a restart").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> post(token, "DB-BACK").statusCode() == 201);
    }

    private static HttpResponse<String> post(String token, String identifier) {
        return server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                FhirReferralIT.serviceRequest(identifier, TestData.validNhsNumber(), "Outage"))));
    }

    private static long total(String query) {
        HttpResponse<String> page = server.get("/fhir/ServiceRequest?_count=0" + query, "Authorization",
                bearer(server.demoClientToken()));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return json(page).path("total").asLong();
    }
}
