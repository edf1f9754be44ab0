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
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults, bounded in time: referral intake at 32 clients that retry after errors as real GP systems do (same
 * identifier, so a retry is safe), while the server is killed ten times (kill -9, every third a SIGTERM that drains the
 * requests in flight) and restarted; afterwards every
 * acknowledged referral is stored, and none twice. While a node is starting, every answer from Waymark is a 503 with
 * Retry-After (never a 404): before Waymark's servlets are registered at all, the web server's own error handler (the
 * jetty-errors fragment) answers the same, where it once answered Jetty's HTML 404 page. On PostgreSQL, the database going away answers 503 with an
 * OperationOutcome, and intake recovers by itself when it returns.
 */
class FaultIT {
    private static final int CLIENTS = 32;
    private static final int KILLS = 10;
    /** Every third of them is a SIGTERM instead of a kill -9. */
    private static final int STOP_EVERY = 3;
    /** Acknowledgements to wait for between kills: enough to be mid-intake, few enough to keep the test short. */
    private static final int PER_ROUND = 40;
    /** A GP system's pause between referrals, so that the run and its check afterwards stay bounded. */
    private static final Duration THINK_TIME = Duration.ofMillis(100);
    private static final Duration RETRY_BACK_OFF = Duration.ofMillis(100);
    private static final String SYSTEM = "https://gp.example/fault-test";
    /** After the run, how long a client keeps retrying its last referral before it gives up (the referral is then in doubt). */
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);
    /** Intake standing still this long on a node that reported UP is a failure, whatever the machine's load. */
    private static final Duration STALL = Duration.ofSeconds(60);
    /** A round that keeps progressing may be slow, but not endless. */
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(3);

    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    @Test
    void everyAcknowledgedReferralSurvivesTenKillsOrStopsAndNoneIsStoredTwice() throws Exception {
        String token = server.demoClientToken();
        long storedBefore = total(token, "");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, String> referralIds = new ConcurrentHashMap<>();
        Set<String> inDoubt = ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicLong giveUpAt = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger refusedWhileDown = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    String identifier = "FAULT-" + next.incrementAndGet();
                    String body = FhirReferralIT.serviceRequest(identifier, TestData.validNhsNumber(), "Fault")
                            .replace("https://gp.example/referrals", SYSTEM);
                    // A GP system keeps sending the same referral until it is acknowledged (here: until the run is over
                    // and a last grace period has passed; the referral is then in doubt, stored at most once).
                    while (true) {
                        if (System.nanoTime() - giveUpAt.get() > 0) {
                            inDoubt.add(identifier);
                            break;
                        }
                        try {
                            HttpResponse<String> answer = server.http().send(server.request("/fhir/ServiceRequest",
                                            "Authorization", bearer(token), "Content-Type", "application/fhir+json")
                                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() == 200 || answer.statusCode() == 201) {
                                referralIds.put(identifier, WaymarkServer.json(answer).path("id").asText());
                                acknowledged.add(identifier);
                                break;
                            }
                            if (answer.statusCode() == 503 && answer.headers().firstValue("Retry-After").isPresent()
                                    && answer.body().contains("\"OperationOutcome\"")) {
                                unavailable.incrementAndGet();
                            } else {
                                unexpected.add(answer.statusCode() + " " + answer.body());
                            }
                        } catch (java.net.http.HttpTimeoutException silent) {
                            timedOut.incrementAndGet();
                        } catch (java.io.IOException serverDown) {
                            refusedWhileDown.incrementAndGet();
                        } catch (InterruptedException e) {
                            return;
                        }
                        LockSupport.parkNanos(RETRY_BACK_OFF.toNanos());
                    }
                    LockSupport.parkNanos(THINK_TIME.toNanos());
                }
            }, "fault-client-" + c);
            clients.add(client);
            client.start();
        }
        // A failure while killing and restarting still reports what was stored so far, then fails the test.
        AssertionError stopped = null;
        int kills = 0;
        int stops = 0;
        try {
            for (int kill = 0; kill < KILLS; kill++) {
                awaitIntake("intake under way before kill " + (kill + 1), acknowledged);
                if (kill % STOP_EVERY == STOP_EVERY - 1) {
                    // A service manager's stop under load: the requests in flight finish, new ones get 503, and
                    // the stop must not hang (WaymarkServer.stop fails after 60 s) nor lose the database under them.
                    server.stop();
                    stops++;
                } else {
                    server.kill();
                }
                kills++;
                server.restart();
            }
            awaitIntake("intake after the last restart", acknowledged);
        } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
            // What the clients met while intake stood still tells a dead node from a slow one from one without routes.
            stopped = new AssertionError("stopped after " + kills + " kills: " + e.getMessage()
                    + String.format("%nclients so far: %d acknowledged, %d met a dead server, %d no answer within 10 s,"
                                    + " %d a 503, %d anything else%s",
                            acknowledged.size(), refusedWhileDown.get(), timedOut.get(), unavailable.get(),
                            unexpected.size(), unexpected.isEmpty() ? "" : "; first: " + unexpected.peek())
                    + "\n--- karaf.log ---\n" + server.karafLogTail(80), e);
            if (!server.isRunning() && !server.derbyRecoveryFailed()) {
                server.restart();
            }
        } finally {
            running.set(false);
            giveUpAt.set(System.nanoTime() + GIVE_UP_AFTER.toNanos());
            for (Thread client : clients) {
                client.join(GIVE_UP_AFTER.plusSeconds(15).toMillis());
            }
        }

        if (stopped != null && server.derbyRecoveryFailed()) {
            // Not Waymark's to fix, and not to be hidden: the run is reported as aborted with the reason and what it
            // had done, the files are kept, and the README lists it under known limits (PostgreSQL recovers: the same
            // test runs on it).
            // Every error after that follows from the database that would not boot.
            server.expectErrorInLog("(?s).*");
            String reason = String.format("Embedded Derby could not recover its database after kill %d (%d referrals"
                    + " acknowledged so far): undoing a B-tree purge found no room on the page, the kind of upstream bug"
                    + " fixed as DERBY-5284 and still seen with Derby 10.16; files kept for inspection", kills,
                    acknowledged.size());
            System.out.println("Fault test (Derby): ABORTED. " + reason);
            org.junit.jupiter.api.Assumptions.abort(reason);
        }
        long stored = total(token, "") - storedBefore;
        AtomicInteger lost = new AtomicInteger();
        AtomicInteger duplicated = new AtomicInteger();
        AtomicInteger inDoubtStored = new AtomicInteger();
        ExecutorService checkers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> checks = new ArrayList<>();
            for (String identifier : acknowledged) {
                checks.add(checkers.submit(() -> {
                    long copies = total(token, "&identifier=" + URLEncoder.encode(SYSTEM + "|" + identifier, StandardCharsets.UTF_8));
                    if (copies == 0) {
                        lost.incrementAndGet();
                    } else if (copies > 1) {
                        duplicated.incrementAndGet();
                    }
                }));
            }
            for (String identifier : inDoubt) {
                checks.add(checkers.submit(() -> {
                    long copies = total(token, "&identifier=" + URLEncoder.encode(SYSTEM + "|" + identifier, StandardCharsets.UTF_8));
                    if (copies > 1) {
                        duplicated.incrementAndGet();
                    }
                    inDoubtStored.addAndGet((int) copies);
                }));
            }
            for (Future<?> check : checks) {
                check.get();
            }
        } finally {
            checkers.shutdownNow();
        }
        System.out.printf("Fault test (%s): %d referrals acknowledged across %d kills (%d of them SIGTERM), %d stored; %d lost, %d duplicated;"
                        + " %d given up unacknowledged (%d of them stored); %d requests met a dead server, %d no answer within 10 s,"
                        + " %d a starting or stopping one"
                        + " (503 Retry-After), %d anything else%s%n",
                PostgresServer.selected() ? "PostgreSQL" : "Derby", acknowledged.size(), kills, stops, stored, lost.get(),
                duplicated.get(), inDoubt.size(), inDoubtStored.get(), refusedWhileDown.get(), timedOut.get(), unavailable.get(),
                unexpected.size(), unexpected.isEmpty() ? "" : "; first: " + unexpected.peek());

        if (stopped != null) {
            throw stopped;
        }
        // A kill loses the profile checks the node had gathered in memory for its next batch job; the next start
        // schedules every check still pending in the database again, so in the end none stays pending.
        Set<String> unchecked = awaitProfileChecks(referralIds.values());
        System.out.printf("Fault test (%s): profile checks of %d acknowledged referrals, %d still pending%n",
                PostgresServer.selected() ? "PostgreSQL" : "Derby", referralIds.size(), unchecked.size());
        assertThat(unchecked).as("acknowledged referrals whose profile check stays pending").isEmpty();
        assertThat(unexpected).as("answers other than 2xx, or 503 with Retry-After and an OperationOutcome").isEmpty();
        assertThat(lost.get()).as("acknowledged referrals lost").isZero();
        assertThat(duplicated.get()).as("acknowledged referrals stored twice").isZero();
        assertThat(inDoubt).as("referrals never acknowledged within %s of the end", GIVE_UP_AFTER).isEmpty();
        assertThat(stored).as("referrals stored by this run").isEqualTo(acknowledged.size() + inDoubtStored.get());
    }

    /** The referrals whose profile check is still pending once the last node has had time for its backlog. */
    private static Set<String> awaitProfileChecks(java.util.Collection<String> referralIds) {
        String worker = WaymarkServer.basic("linkworker", "linkworker");
        Set<String> pending = ConcurrentHashMap.newKeySet();
        pending.addAll(referralIds);
        try {
            await("every acknowledged referral's profile check").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> {
                        for (String id : List.copyOf(pending)) {
                            HttpResponse<String> referral = server.get("/api/referrals/" + id, "Authorization", worker);
                            assertThat(referral.statusCode()).as(referral.body()).isEqualTo(200);
                            if (!WaymarkServer.json(referral).path("validation").path("state").asText().equals("pending")) {
                                pending.remove(id);
                            }
                        }
                        return pending.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported with the count by the caller
        }
        return pending;
    }

    /**
     * Waits for {@link #PER_ROUND} more acknowledgements. A node that is merely slow after a restart (cold JIT, the
     * validator being built, a backlog of jobs) may take its time as long as it keeps acknowledging; one that stands
     * still for {@link #STALL} or has exited fails the test at once, with what the clients met.
     */
    private static void awaitIntake(String what, Set<String> acknowledged) {
        int target = acknowledged.size() + PER_ROUND;
        int[] seen = {acknowledged.size()};
        long[] lastProgress = {System.nanoTime()};
        await(what).atMost(ROUND_LIMIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!server.isRunning()) {
                throw new AssertionError("the server exited while " + what);
            }
            int now = acknowledged.size();
            if (now > seen[0]) {
                seen[0] = now;
                lastProgress[0] = System.nanoTime();
            } else if (System.nanoTime() - lastProgress[0] > STALL.toNanos()) {
                throw new AssertionError("no referral acknowledged for " + STALL.toSeconds() + " s while " + what
                        + " (" + (now - target + PER_ROUND) + " of " + PER_ROUND + " so far)");
            }
            return now >= target;
        });
    }

    /**
     * A first start (tables created, demo data loaded) answers a GP system's request with 503 and Retry-After until
     * its routes are served, never with a 404 of its own: on a first start, resources still waiting for their tables
     * were once left out of the application, and POST /fhir/ServiceRequest answered 404 between two reloads.
     */
    @Test
    void aFirstStartAnswers503NotA404WhileItsRoutesAreStarting() throws Exception {
        int port = TestEnvironment.freePort();
        WaymarkServer fresh = new WaymarkServer().withPort(port);
        java.util.Map<String, Integer> answers = new java.util.concurrent.ConcurrentSkipListMap<>();
        AtomicBoolean booting = new AtomicBoolean(true);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        Thread prober = new Thread(() -> {
            while (booting.get()) {
                String answer;
                try {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + port + "/fhir/ServiceRequest"))
                            .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/fhir+json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                    int status = response.statusCode();
                    answer = status == 404 && response.body().startsWith("<html>") ? "404 bare container"
                            : status == 503 && response.headers().firstValue("Retry-After").isPresent() ? "503 Retry-After"
                            : status == 401 ? "401 served" : status + " " + response.body();
                } catch (java.io.IOException notListening) {
                    answer = "no connection";
                } catch (InterruptedException e) {
                    return;
                }
                answers.merge(answer, 1, Integer::sum);
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }, "first-start-prober");
        prober.start();
        try {
            fresh.start("FirstStart");
        } finally {
            booting.set(false);
            prober.join(15_000);
            fresh.shutdown();
        }
        System.out.println("First start, POST /fhir/ServiceRequest every 20 ms until UP: " + answers);
        assertThat(answers.keySet()).as("what a GP system met while the node started")
                .isSubsetOf("no connection", "503 Retry-After", "401 served");
        assertThat(answers).as("the node was probed while its routes were starting").containsKey("503 Retry-After");
    }

    @Test
    void theDatabaseGoingAwayAnswers503AndIntakeRecoversByItself() {
        PostgresServer postgres = server.ownPostgres().orElse(null);
        if (postgres == null) {
            // Embedded Derby lives and dies with the server itself: the kill test above covers it.
            assertThat(PostgresServer.selected()).isFalse();
            return;
        }
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

    private static long total(String token, String query) {
        HttpResponse<String> page = server.get("/fhir/ServiceRequest?_count=0" + query, "Authorization", bearer(token));
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return json(page).path("total").asLong();
    }
}
