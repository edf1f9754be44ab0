package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The platform's delivery machinery end to end: a link worker's status change goes through the outbox to the
 * sender's FHIR endpoint (a local receiver that drops duplicates by message id) and to the person by email (a local
 * GreenMail server), across a kill -9 between commit and delivery; undeliverable messages reach the dead-letter list
 * and can be replayed; a broken plugin channel is isolated while email takes over.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryIT {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final int SMTP_PORT = TestEnvironment.freePort();
    private static final String WORKER = basic("linkworker", "linkworker");
    private static final String ADMIN = basic("admin", "admin");

    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer()
            .withEnvironment("WAYMARK_SMTP_HOST", "127.0.0.1")
            .withEnvironment("WAYMARK_SMTP_PORT", Integer.toString(SMTP_PORT))
            .withEnvironment("WAYMARK_SMTP_FROM", "waymark@sheffield.example")
            // Quick retries, so a test sees a retry within seconds rather than minutes.
            // The job time limit stays at its default of 60 s, so a lease lasts 120 s, longer than DELIVERY_TIMEOUT: on
            // PostgreSQL the delivery after the kill arrives in time only because the node, restarted under the name
            // it keeps in its data folder, takes back the leases it held when it died.
            .withEnvironment("WAYMARK_JOB_RETRY_BASE_MILLIS", "300");

    private static final FhirReceiver receiver = new FhirReceiver();
    private static GreenMail mail;
    private static String gpToken;

    @BeforeAll
    static void startReceivers() {
        receiver.start();
        mail = startMail();
        gpToken = server.demoClientToken();
        server.admin("set-contact", "organisation", "demo-gp", "--fhir", receiver.url("/gp/$process-message"));
    }

    @AfterAll
    static void stopReceivers() {
        receiver.stop();
        mail.stop();
    }

    private static GreenMail startMail() {
        GreenMail started = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        started.start();
        return started;
    }

    @Test
    @Order(1)
    void aStatusChangeReachesTheSenderAndThePersonExactlyOnceAcrossAKill() throws Exception {
        Referral referral = newReferral("DELIVERY-KILL");
        setPersonContact(referral.patientId(), "{\"preferredChannel\":\"email\",\"addresses\":{\"email\":\"jo@example.org\"}}");
        mail.stop(); // the mail server is down when the change commits
        receiver.hold(); // and the GP system takes the message but never answers before the crash

        long version = accept(referral);
        String toSender = "referral-" + referral.id() + "-v" + version;
        String toPerson = "referral-" + referral.id() + "-accepted";
        await("the status message to reach the GP system").atMost(DELIVERY_TIMEOUT).until(() -> receiver.held() > 0);
        server.kill();
        receiver.release();

        mail = startMail();
        server.restart();

        await("the status message delivered again after the restart").atMost(DELIVERY_TIMEOUT)
                .until(() -> receiver.deliveries(toSender) >= 2);
        assertThat(receiver.idsAbout(referral.id())).as("every delivery carried the same message id, so the receiver's"
                + " deduplicating view holds the change once").containsExactly(toSender);
        // Found probing: X-Correlation-Id was the message id, where BaRS has it be a UUID; one for every attempt.
        assertThat(receiver.correlationIds(toSender)).hasSize(1)
                .allMatch(c -> c.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        // Found probing: every status message offered an upgrade to HTTP/2 over plain http (h2c), which some receivers
        // answer with an error; GP systems' endpoints are sent plain HTTP/1.1.
        assertThat(receiver.upgradesOffered()).isEmpty();
        JsonNode message = receiver.last(toSender);
        assertThat(message.path("entry").get(0).path("resource").path("eventCoding").path("code").asText())
                .isEqualTo("servicerequest-response");
        assertThat(message.path("entry").get(1).path("resource").path("status").asText()).isEqualTo("accepted");
        assertThat(message.path("entry").get(1).path("resource").path("focus").path("reference").asText())
                .as("the Task's focus resolves inside the message").isEqualTo(message.path("entry").get(2).path("fullUrl").asText());

        MimeMessage email = Mailbox.awaitEmail(mail, toPerson, DELIVERY_TIMEOUT);
        assertThat(email.getAllRecipients()[0].toString()).isEqualTo("jo@example.org");
        assertThat(email.getSubject()).isEqualTo("Your social prescribing referral");
        assertThat(email.getContent().toString()).contains("A link worker will contact you");
        await("both jobs done").atMost(DELIVERY_TIMEOUT).until(() -> jobs("pending").isEmpty());
        assertThat(Mailbox.count(mail, toPerson)).isOne();
    }

    @Test
    @Order(2)
    void anUndeliverableMessageIsDeadLetteredAndAnAdminCanReplayIt() {
        server.admin("set-contact", "organisation", "demo-gp", "--fhir", receiver.url("/refusing/$process-message"));
        receiver.refuse(true);
        try {
            Referral referral = newReferral("DELIVERY-DEAD");
            String messageId = "referral-" + referral.id() + "-v" + accept(referral);

            AtomicReference<JsonNode> dead = new AtomicReference<>();
            await("the refused message on the dead-letter list").atMost(DELIVERY_TIMEOUT).until(() -> {
                for (JsonNode job : jobs("dead")) {
                    if (job.path("key").asText().equals(messageId)) {
                        dead.set(job);
                        return true;
                    }
                }
                return false;
            });
            assertThat(dead.get().path("lastError").asText()).contains("HTTP 400");
            assertThat(dead.get().path("attempts").asInt()).as("a refusal is not retried").isEqualTo(1);
            assertThat(server.admin("jobs", "--state", "dead")).contains(dead.get().path("id").asText());
            assertThat(server.send(server.request("/api/admin/jobs/" + dead.get().path("id").asText() + "/replay",
                    "Authorization", WORKER).POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                    .as("only admins replay").isEqualTo(403);

            receiver.refuse(false);
            HttpResponse<String> replayed = server.send(server.request("/api/admin/jobs/" + dead.get().path("id").asText()
                    + "/replay", "Authorization", ADMIN).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
            await("the replayed message delivered").atMost(DELIVERY_TIMEOUT).until(() -> receiver.idsAbout(referral.id()).contains(messageId) && !receiver.refusedLast(messageId));
            assertThat(server.send(server.request("/api/admin/jobs/" + dead.get().path("id").asText() + "/replay",
                    "Authorization", ADMIN).POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                    .as("a job that is no longer dead cannot be replayed").isEqualTo(404);
        } finally {
            receiver.refuse(false);
            server.admin("set-contact", "organisation", "demo-gp", "--fhir", receiver.url("/gp/$process-message"));
        }
    }

    @Test
    @Order(3)
    void pluginsListsTheBuiltInChannelsForAdminsOnly() {
        HttpResponse<String> response = server.get("/api/plugins", "Authorization", ADMIN);
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, JsonNode> plugins = byId(json(response));
        assertThat(plugins.get("org.waymark.email").path("contributions").toString()).contains("NotificationChannel email");
        assertThat(plugins.get("org.waymark.fhir").path("contributions").toString()).contains("NotificationChannel fhir");
        assertThat(plugins.get("org.waymark.notifications").path("contributions").toString())
                .contains("NotificationChannel inbox").contains("JobHandler notification.deliver");
        assertThat(plugins.values()).allSatisfy(p -> {
            assertThat(p.path("builtIn").asBoolean()).isTrue();
            assertThat(p.path("state").asText()).isEqualTo("active");
        });
        assertThat(server.get("/api/plugins", "Authorization", WORKER).statusCode()).isEqualTo(403);
        assertThat(server.admin("plugins")).contains("org.waymark.email").contains("NotificationChannel fhir");
    }

    @Test
    @Order(4)
    void aBrokenPluginChannelIsIsolatedAndEmailTakesOver() throws Exception {
        // Listing an approved plugin's contributions activates its components; one of the test plugin's fails on purpose.
        server.expectErrorInLog("FailsOnActivation|FrameworkEvent ERROR|plugin activation bug");
        server.approve(TestEnvironment.testPlugin());
        Path deployed = server.deploy(TestEnvironment.testPlugin());
        try {
            // Listed is not enough: /api/plugins names a plugin as soon as it is installed, before SCR has read its
            // components (no area, nothing declared yet; once in CI).
            await("the test plugin's channel registered").atMost(Duration.ofSeconds(30)).until(() ->
                    byId(json(server.get("/api/plugins", "Authorization", ADMIN))).getOrDefault("org.waymark.itests-test-plugin",
                            com.fasterxml.jackson.databind.node.MissingNode.getInstance()).path("contributions").toString()
                            .contains("NotificationChannel sms"));
            JsonNode plugin = byId(json(server.get("/api/plugins", "Authorization", ADMIN))).get("org.waymark.itests-test-plugin");
            assertThat(plugin.path("builtIn").asBoolean()).isFalse();
            assertThat(plugin.path("area").asText()).contains("sheffield");
            assertThat(plugin.path("contributions").toString()).contains("NotificationChannel sms");

            Referral referral = newReferral("DELIVERY-PLUGIN");
            setPersonContact(referral.patientId(),
                    "{\"preferredChannel\":\"sms\",\"addresses\":{\"sms\":\"+44 7700 900123\",\"email\":\"sam@example.org\"}}");
            accept(referral);

            MimeMessage email = Mailbox.awaitEmail(mail, "referral-" + referral.id() + "-accepted", DELIVERY_TIMEOUT);
            assertThat(email.getAllRecipients()[0].toString()).isEqualTo("sam@example.org");
            JsonNode failed = byId(json(server.get("/api/plugins", "Authorization", ADMIN))).get("org.waymark.itests-test-plugin");
            assertThat(failed.path("state").asText()).isEqualTo("failed");
            assertThat(failed.path("errors").asInt()).isGreaterThanOrEqualTo(5);
            assertThat(failed.path("lastError").asText()).contains("SMS gateway plugin bug");
            assertThat(byId(json(server.get("/api/plugins", "Authorization", ADMIN))).get("org.waymark.email")
                    .path("state").asText()).as("the other channels keep working").isEqualTo("active");

            HttpResponse<String> reset = server.send(server.request("/api/plugins/org.waymark.itests-test-plugin/reset",
                    "Authorization", ADMIN).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
            assertThat(json(reset).path("state").asText()).isEqualTo("active");
        } finally {
            Files.deleteIfExists(deployed);
            await("the test plugin gone").atMost(Duration.ofSeconds(30)).until(() ->
                    !byId(json(server.get("/api/plugins", "Authorization", ADMIN))).containsKey("org.waymark.itests-test-plugin"));
        }
    }

    @Test
    @Order(5)
    void anAdminOfOneAreaCannotRedirectOrSilenceAnotherAreasContacts() {
        server.admin("create-user", "iadmin", "--role", "admin", "--area", "islington", "--password", "iadmin-password-1");
        server.admin("create-user", "sadmin", "--role", "admin", "--area", "sheffield", "--password", "sadmin-password-1");
        server.createClient("islington-gp", "islington");
        String islingtonAdmin = basic("iadmin", "iadmin-password-1");
        String sheffieldAdmin = basic("sadmin", "sadmin-password-1");
        Referral sheffieldPerson = newReferral("DELIVERY-SCOPE");

        Map<String, String> attempts = Map.of(
                "organisation/demo-gp", "{\"preferredChannel\":\"fhir\",\"addresses\":{\"fhir\":\"https://attacker.example/fhir/$process-message\"}}",
                "team/safeguarding-lead:sheffield", "{\"addresses\":{\"email\":\"attacker@example.org\"}}",
                "staff/sadmin", "{\"addresses\":{\"email\":\"attacker@example.org\"}}",
                "team/link-worker", "{\"doNotContact\":true}",
                "organisation/no-such-client", "{\"doNotContact\":true}");
        attempts.forEach((party, body) -> {
            HttpResponse<String> put = putContact(party, body, islingtonAdmin);
            assertThat(put.statusCode()).as("PUT %s by an Islington admin: %s", party, put.body()).isEqualTo(403);
            assertThat(put.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(server.get("/api/contacts/" + party, "Authorization", islingtonAdmin).statusCode())
                    .as("GET %s by an Islington admin", party).isEqualTo(403);
        });
        assertThat(putContact("organisation/demo-gp", "{\"doNotContact\":true}", islingtonAdmin).statusCode())
                .as("nor silence the GP").isEqualTo(403);
        assertThat(server.get("/api/contacts/person/" + sheffieldPerson.patientId(), "Authorization", islingtonAdmin).statusCode())
                .as("a person of another area is not there").isEqualTo(404);
        assertThat(json(server.get("/api/contacts/organisation/demo-gp", "Authorization", ADMIN)).path("addresses").path("fhir").asText())
                .as("the GP's endpoint is unchanged").isEqualTo(receiver.url("/gp/$process-message"));

        // Each area's admin keeps its own; what belongs to no one area is left to admins of every area.
        assertThat(putContact("organisation/islington-gp", "{\"addresses\":{\"fhir\":\"http://10.1.2.3/fhir/$process-message\"}}",
                islingtonAdmin).statusCode()).isEqualTo(200);
        assertThat(putContact("team/safeguarding-lead:sheffield", "{\"addresses\":{\"email\":\"lead@sheffield.example\"}}",
                sheffieldAdmin).statusCode()).isEqualTo(200);
        assertThat(putContact("organisation/demo-gp", "{\"preferredChannel\":\"fhir\",\"addresses\":{\"fhir\":\""
                + receiver.url("/gp/$process-message") + "\"}}", sheffieldAdmin).statusCode()).isEqualTo(200);
        assertThat(putContact("staff/sadmin", "{\"addresses\":{\"email\":\"sadmin@sheffield.example\"}}", sheffieldAdmin).statusCode())
                .isEqualTo(200);
        assertThat(putContact("staff/iadmin", "{\"addresses\":{\"email\":\"iadmin@islington.example\"}}", islingtonAdmin)
                .statusCode()).as("everyone keeps their own").isEqualTo(200);
        assertThat(putContact("team/link-worker", "{\"addresses\":{\"email\":\"team@sheffield.example\"}}", sheffieldAdmin)
                .statusCode()).isEqualTo(403);
        assertThat(putContact("team/link-worker", "{\"doNotContact\":false}", ADMIN).statusCode())
                .as("the demo admin administers both areas").isEqualTo(200);
    }

    @Test
    @Order(6)
    void noOneCanMakeTheServerPostToAnAddressOfTheirChoosingThroughAPersonsDetails() {
        Referral referral = newReferral("DELIVERY-SSRF");
        HttpResponse<String> fhir = putContact("person/" + referral.patientId(),
                "{\"preferredChannel\":\"fhir\",\"addresses\":{\"fhir\":\"http://127.0.0.1:18799/internal/admin\"}}", WORKER);
        assertThat(fhir.statusCode()).as(fhir.body()).isEqualTo(400);
        assertThat(fhir.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(fhir).path("detail").asText()).contains("a person's channels are email, sms and letter");

        HttpResponse<String> metadata = putContact("organisation/demo-gp",
                "{\"addresses\":{\"fhir\":\"http://169.254.169.254/latest/meta-data/\"}}", ADMIN);
        assertThat(metadata.statusCode()).as(metadata.body()).isEqualTo(400);
        assertThat(json(metadata).path("detail").asText()).contains("link-local");
        assertThat(json(server.get("/api/contacts/organisation/demo-gp", "Authorization", ADMIN)).path("addresses").path("fhir").asText())
                .isEqualTo(receiver.url("/gp/$process-message"));

        // Found probing: {} erased every address and preference, and any channel name was kept as preferred.
        String person = "person/" + referral.patientId();
        assertThat(putContact(person, "{\"preferredChannel\":\"email\",\"addresses\":{\"email\":\"jo@example.org\"}}", WORKER)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> empty = putContact(person, "{}", WORKER);
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
        assertThat(json(empty).path("detail").asText()).contains("Name at least one of");
        HttpResponse<String> typo = putContact(person, "{\"preferredChannel\":\"emial\"}", WORKER);
        assertThat(typo.statusCode()).as(typo.body()).isEqualTo(400);
        assertThat(typo.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        HttpResponse<String> silenced = putContact(person, "{\"doNotContact\":true}", WORKER);
        assertThat(silenced.statusCode()).as(silenced.body()).isEqualTo(200);
        assertThat(json(silenced).path("preferredChannel").asText()).as("the fields left out stay").isEqualTo("email");
        assertThat(json(silenced).path("addresses").path("email").asText()).isEqualTo("jo@example.org");
    }

    @Test
    @Order(7)
    void theJobListTellsFailuresInPlainWordsWithoutClassNamesOrWhoTheyWereFor() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        server.admin("set-contact", "organisation", "demo-gp", "--fhir", "http://127.0.0.1:" + closed + "/fhir/$process-message");
        try {
            Referral referral = newReferral("DELIVERY-WORDS");
            // A text message address, and no channel for texts in Sheffield once the test plugin has gone (so texts
            // cannot be the preferred channel either).
            setPersonContact(referral.patientId(), "{\"addresses\":{\"sms\":\"+44 7700 900124\"}}");
            long version = accept(referral);
            AtomicReference<JsonNode> toSender = new AtomicReference<>();
            AtomicReference<JsonNode> toPerson = new AtomicReference<>();
            await("both failures listed").atMost(DELIVERY_TIMEOUT).until(() -> {
                for (String state : new String[] {"pending", "dead"}) {
                    for (JsonNode job : jobs(state)) {
                        if (job.path("key").asText().equals("referral-" + referral.id() + "-v" + version) && job.hasNonNull("lastError")) {
                            toSender.set(job);
                        }
                        if (job.path("key").asText().equals("referral-" + referral.id() + "-accepted") && job.hasNonNull("lastError")) {
                            toPerson.set(job);
                        }
                    }
                }
                return toSender.get() != null && toPerson.get() != null;
            });
            assertThat(toSender.get().path("lastError").asText()).isEqualTo("The FHIR endpoint could not be reached: connection refused");
            assertThat(toPerson.get().path("lastError").asText()).isEqualTo("No channel can reach the person")
                    .doesNotContain(referral.patientId());
            java.util.List<String> errors = new java.util.ArrayList<>();
            for (String state : new String[] {"pending", "dead"}) {
                jobs(state).forEach(job -> errors.add(job.path("lastError").asText()));
            }
            assertThat(errors).as("no job's error names a Java class").noneMatch(e -> e.matches("(?s).*[A-Za-z]+(Exception|Error)\\b.*"));
            // Found probing: each failed attempt was audited as the GP system reading the referral it never received.
            HttpResponse<String> reads = server.get("/api/admin/audit?actor=demo-gp&action=READ&patientId=" + referral.patientId(),
                    "Authorization", ADMIN);
            assertThat(reads.statusCode()).as(reads.body()).isEqualTo(200);
            assertThat(json(reads).path("items")).as(reads.body()).isEmpty();
        } finally {
            server.admin("set-contact", "organisation", "demo-gp", "--fhir", receiver.url("/gp/$process-message"));
        }
    }

    /**
     * A message delivered after later changes (the GP system was down meanwhile) shows the Task of its own change:
     * the accepted message once carried the outcome recorded at completion, and its ServiceRequest as completed.
     */
    @Test
    @Order(8)
    void aMessageDeliveredLateShowsTheTaskAsItStoodAfterItsOwnChange() {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.admin("set-contact", "organisation", "demo-gp", "--fhir", "http://127.0.0.1:" + closed + "/fhir/$process-message");
        String accepted;
        Referral referral;
        try {
            referral = newReferral("DELIVERY-LATE");
            accepted = "referral-" + referral.id() + "-v" + accept(referral);
            for (String change : new String[] {"{\"status\":\"in-progress\"}",
                    "{\"status\":\"completed\",\"outcome\":\"Joined a walking group\"}"}) {
                HttpResponse<String> changed = server.postJson("/api/referrals/" + referral.id() + "/status", change,
                        "Authorization", WORKER);
                assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
            }
        } finally {
            server.admin("set-contact", "organisation", "demo-gp", "--fhir", receiver.url("/gp/$process-message"));
        }
        await("the accepted message delivered once the GP system is back").atMost(DELIVERY_TIMEOUT)
                .until(() -> receiver.last(accepted) != null);
        JsonNode message = receiver.last(accepted);
        JsonNode task = message.path("entry").get(1).path("resource");
        assertThat(task.path("status").asText()).isEqualTo("accepted");
        assertThat(task.path("output").toString()).contains("871731000000106").doesNotContain("walking group");
        assertThat(message.path("entry").get(2).path("resource").path("status").asText())
                .as("the ServiceRequest as it stood then").isEqualTo("active");
        // Found probing: the runner delivers several jobs at once, and a referral's messages arrived out of order.
        long v = Long.parseLong(accepted.substring(accepted.lastIndexOf("-v") + 2));
        await("all three delivered").atMost(DELIVERY_TIMEOUT).until(() -> receiver.firstArrivalsAbout(referral.id()).size() == 3);
        assertThat(receiver.firstArrivalsAbout(referral.id())).as("in the order of the changes").containsExactly(
                "referral-" + referral.id() + "-v" + v, "referral-" + referral.id() + "-v" + (v + 1),
                "referral-" + referral.id() + "-v" + (v + 2));
        // Found probing: Task.lastModified kept whole seconds, so changes made within one second could not be told apart.
        assertThat(receiver.firstArrivalsAbout(referral.id()).stream()
                .map(id -> receiver.last(id).path("entry").get(1).path("resource").path("lastModified").asText())
                .distinct()).hasSize(3);
    }

    // ------------------------------------------------------------------ helpers

    private record Referral(String id, String patientId, long version) {
    }

    private static Referral newReferral(String identifier) {
        HttpResponse<String> created = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(gpToken),
                        "Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FhirReferralIT.serviceRequest(identifier, TestData.validNhsNumber(), "Delivery"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created).path("id").asText();
        JsonNode item = json(server.get("/api/referrals/" + id, "Authorization", WORKER));
        return new Referral(id, item.path("patientId").asText(), item.path("version").asLong());
    }

    private static long accept(Referral referral) {
        HttpResponse<String> accepted = server.postJson("/api/referrals/" + referral.id() + "/status",
                "{\"status\":\"accepted\"}", "Authorization", WORKER);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        return json(accepted).path("version").asLong();
    }

    private static void setPersonContact(String patientId, String preferences) {
        HttpResponse<String> saved = server.send(server.request("/api/contacts/person/" + patientId, "Authorization", WORKER,
                "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(preferences)));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
    }

    private static HttpResponse<String> putContact(String party, String body, String authorization) {
        return server.send(server.request("/api/contacts/" + party, "Authorization", authorization, "Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode jobs(String state) {
        HttpResponse<String> response = server.get("/api/admin/jobs?state=" + state, "Authorization", ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static Map<String, JsonNode> byId(JsonNode plugins) {
        Map<String, JsonNode> byId = new java.util.TreeMap<>();
        plugins.forEach(p -> byId.put(p.path("id").asText(), p));
        return byId;
    }
}
