package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official NHS BaRS example messages (../shared/fixtures/nhs-bars), sent to $process-message as a GP system
 * would. The examples reuse Bundle ids and ServiceRequest fullUrls across different messages, so each scenario
 * sends as its own registered client: a sender's identity is its client plus the message's source endpoint.
 */
class BarsMessageIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String BARS_XML = "application/fhir+xml;version=1.1.0";
    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final AtomicInteger clients = new AtomicInteger();
    private static Path examples;

    @BeforeAll
    static void fixtures() {
        examples = Path.of(System.getProperty("waymark.fixtures"), "nhs-bars", "ig", "Examples");
        assertThat(examples).as("BaRS fixtures (../shared/fixtures beside the repository)").isDirectory();
    }

    static Stream<String> newReferralExamples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("waymark.fixtures"), "nhs-bars", "ig", "Examples"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("REFREQ") || n.startsWith("VALREQ")).sorted().toList().stream();
        }
    }

    private record Sender(String clientId, String token) {
        HttpResponse<String> send(String example) {
            try {
                return server.send(server.request("/fhir/$process-message", "Authorization", bearer(token),
                                "Content-Type", BARS_XML, "Accept", "application/fhir+json", "X-Request-Id", "req-" + clientId)
                        .POST(HttpRequest.BodyPublishers.ofFile(examples.resolve(example))));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        JsonNode get(String path) {
            return json(server.get(path, "Authorization", bearer(token)));
        }
    }

    private static Sender newSender() {
        String id = "bars-sender-" + clients.incrementAndGet();
        return new Sender(id, server.clientToken(id, server.createClient(id, "sheffield")));
    }

    private static String example(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(examples)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    @ParameterizedTest
    @MethodSource("newReferralExamples")
    void officialNewReferralIsAcceptedSearchableAndFollowable(String example) {
        Sender sender = newSender();
        HttpResponse<String> response = sender.send(example);
        assertThat(response.statusCode()).as(example + ": " + response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).contains("req-" + sender.clientId());
        JsonNode message = json(response);
        assertThat(message.path("type").asText()).isEqualTo("message");
        JsonNode header = message.path("entry").get(0).path("resource");
        assertThat(header.path("response").path("code").asText()).isEqualTo("ok");
        JsonNode serviceRequest = message.path("entry").get(1).path("resource");
        String nhsNumber = serviceRequest.path("subject").path("identifier").path("value").asText();
        assertThat(nhsNumber).hasSize(10);

        JsonNode found = sender.get("/fhir/ServiceRequest?patient:identifier=" + NHS + "%7C" + nhsNumber);
        assertThat(found.path("total").asInt()).isEqualTo(1);
        JsonNode task = sender.get("/fhir/Task?focus=ServiceRequest/" + serviceRequest.path("id").asText());
        assertThat(task.path("entry").get(0).path("resource").path("status").asText()).isEqualTo("requested");
    }

    /**
     * Every structural mutation of an official message (BarsMutations: entries left out, emptied or repeated,
     * references to nothing, every element given an empty, overlong or impossible value) is accepted or refused with
     * a 4xx OperationOutcome, never a 5xx. It found a Bundle.id of 400 characters answered 503 (its column is 100).
     */
    @Test
    void everyMutationOfAnOfficialMessageIsAcceptedOrRefusedAsTheSendersMistake() throws IOException {
        Sender sender = newSender();
        java.util.Map<String, String> mutants = new BarsMutations(examples.resolve(example("REFREQ07"))).mutants();
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        int accepted = 0;
        for (java.util.Map.Entry<String, String> mutant : mutants.entrySet()) {
            HttpResponse<String> answer = server.send(server.request("/fhir/$process-message", "Authorization",
                    bearer(sender.token()), "Content-Type", BARS_XML).POST(HttpRequest.BodyPublishers.ofString(mutant.getValue())));
            soft.assertThat(answer.statusCode()).as("%s: %s", mutant.getKey(), answer.body()).isBetween(200, 499);
            if (answer.statusCode() >= 400) {
                soft.assertThat(answer.body()).as("%s answers an OperationOutcome", mutant.getKey()).contains("OperationOutcome")
                        .doesNotContainPattern(JavaInternals.PATTERN);
            } else {
                accepted++;
            }
        }
        soft.assertAll();
        assertThat(mutants).as("mutants made").hasSizeGreaterThan(100);
        System.out.printf("BaRS mutations: %d sent, %d accepted, %d refused with a 4xx%n", mutants.size(), accepted,
                mutants.size() - accepted);
    }

    @Test
    void replayGetsTheSameAnswerAndCreatesNothing() throws IOException {
        Sender sender = newSender();
        String example = example("REFREQ03");
        HttpResponse<String> first = sender.send(example);
        HttpResponse<String> again = sender.send(example);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(sender.get("/fhir/ServiceRequest?_count=0").path("total").asInt()).isEqualTo(1);
    }

    @Test
    void copiesOfOneMessageSentAtOnceGetOneReferralAndTheSameAnswer() throws Exception {
        Sender sender = newSender();
        String example = example("REFREQ07");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> copies = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                copies.add(pool.submit(() -> sender.send(example)));
            }
            String firstAnswer = null;
            for (Future<HttpResponse<String>> copy : copies) {
                HttpResponse<String> answer = copy.get(60, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                firstAnswer = firstAnswer == null ? answer.body() : firstAnswer;
                assertThat(answer.body()).isEqualTo(firstAnswer);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sender.get("/fhir/ServiceRequest?_count=0").path("total").asInt()).isEqualTo(1);
    }

    @Test
    void reusedMessageIdWithOtherContentIsRefused() throws IOException {
        Sender sender = newSender();
        assertThat(sender.send(example("REFREQ06")).statusCode()).isEqualTo(200);
        HttpResponse<String> reused = sender.send(example("REFREQ07"));
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(json(reused).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(sender.get("/fhir/ServiceRequest?_count=0").path("total").asInt()).isEqualTo(1);
    }

    @Test
    void newMessageForAReferralThatExistsIsRefusedWithAHint() throws IOException {
        Sender sender = newSender();
        assertThat(sender.send(example("REFREQ03")).statusCode()).isEqualTo(200);
        HttpResponse<String> duplicate = sender.send(example("REFREQ01"));
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.body()).contains("update");
    }

    /** The flag categories of the referral's row in the unassigned queue, found by the person's NHS number. */
    private String listedFlags(String referralId, String nhsNumber, String worker) throws IOException {
        for (JsonNode item : json(server.get("/api/referrals?assignee=-&search=" + nhsNumber, "Authorization", worker)).path("items")) {
            if (item.path("id").asText().equals(referralId)) {
                return item.path("flags").toString();
            }
        }
        throw new AssertionError("referral " + referralId + " is not in the unassigned queue");
    }

    @Test
    void flagsAndConsentOfTheMessageShowOnTheReferralAndAConcernRaisedThereReachesTheAreasAdmins() throws IOException {
        Sender sender = newSender();
        HttpResponse<String> accepted = sender.send(example("REFREQ01"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        String id = json(accepted).path("entry").get(1).path("resource").path("id").asText();
        String admin = WaymarkServer.basic("admin", "admin");
        String worker = WaymarkServer.basic("linkworker", "linkworker");

        JsonNode referral = json(server.get("/api/referrals/" + id, "Authorization", worker));
        JsonNode flags = referral.path("flags");
        List<String> texts = new java.util.ArrayList<>();
        flags.forEach(f -> texts.add(f.path("category").asText() + ": " + f.path("text").asText()));
        assertThat(texts).contains("SG: Child is cause for safeguarding concern (finding)", "RA: Adjust for needle phobia",
                "RS: Patient Choice in Service Selection");
        flags.forEach(f -> assertThat(f.path("source").asText()).isEqualTo("referrer"));
        assertThat(referral.path("consent").path("category").asText()).isEqualTo("DRC");
        assertThat(referral.path("consent").path("categoryText").asText()).isEqualTo("Direct Care");
        assertThat(referral.path("consent").path("basis").asText()).isEqualTo("IMPLIED");
        assertThat(referral.path("consent").path("recordedOn").asText()).isEqualTo("2021-11-26");
        // The caseload list shows the categories of the flags in force, so a worker sees them before opening the referral;
        // the message's safeguarding flag ended in 2021 and no longer counts.
        String nhsNumber = referral.path("nhsNumber").asText();
        assertThat(listedFlags(id, nhsNumber, worker)).isEqualTo("[\"RA\",\"RS\"]");
        assertThat(server.postJson("/api/referrals/" + id + "/safeguarding-concerns", "{\"text\":\" \"}", "Authorization", worker)
                .statusCode()).isEqualTo(400);
        HttpResponse<String> raised = server.postJson("/api/referrals/" + id + "/safeguarding-concerns",
                "{\"text\":\"Said they are afraid to go home\"}", "Authorization", worker);
        assertThat(raised.statusCode()).as(raised.body()).isEqualTo(201);
        assertThat(json(raised).path("raisedBy").asText()).isEqualTo("linkworker");
        assertThat(json(server.get("/api/referrals/" + id, "Authorization", worker)).path("flags").toString())
                .contains("Said they are afraid to go home");
        assertThat(listedFlags(id, nhsNumber, worker)).isEqualTo("[\"RA\",\"RS\",\"SG\"]");
        // The outbox delivers to the admins' console inbox shortly after the change commits.
        org.awaitility.Awaitility.await("the concern in the area admins' inbox").atMost(java.time.Duration.ofSeconds(30))
                .until(() -> server.get("/api/inbox", "Authorization", admin).body().contains("#/referrals/" + id));
        assertThat(server.get("/api/inbox", "Authorization", admin).body()).contains("safeguarding-concern")
                .doesNotContain("afraid");
        assertThat(server.get("/api/referrals/" + id + "/timeline", "Authorization", worker).body())
                .contains("Safeguarding concern raised");
    }

    @Test
    void revokeCancelsTheTaskAndDeleteMarksItEnteredInError() throws IOException {
        Sender revoking = newSender();
        assertThat(revoking.send(example("REFREQ03")).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = revoking.send(example("SERVREQ01"));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        String id = json(revoked).path("entry").get(1).path("resource").path("id").asText();
        JsonNode task = revoking.get("/fhir/Task?focus=ServiceRequest/" + id).path("entry").get(0).path("resource");
        assertThat(task.path("status").asText()).isEqualTo("cancelled");
        assertThat(revoking.get("/fhir/ServiceRequest/" + id).path("status").asText()).isEqualTo("revoked");

        Sender deleting = newSender();
        assertThat(deleting.send(example("REFREQ02")).statusCode()).isEqualTo(200);
        HttpResponse<String> deleted = deleting.send(example("SERVREQ02"));
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        String deletedId = json(deleted).path("entry").get(1).path("resource").path("id").asText();
        assertThat(deleting.get("/fhir/Task?focus=ServiceRequest/" + deletedId).path("entry").get(0).path("resource")
                .path("status").asText()).isEqualTo("entered-in-error");
    }

    @Test
    void updateForAReferralNeverSentIsRefused() throws IOException {
        HttpResponse<String> orphan = newSender().send(example("SERVREQ01"));
        assertThat(orphan.statusCode()).isEqualTo(422);
        assertThat(json(orphan).path("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    @Test
    void eventsWaymarkDoesNotHandleAreRefusedSaying() throws IOException {
        HttpResponse<String> booking = newSender().send(example("BOOKREQ01"));
        assertThat(booking.statusCode()).isEqualTo(422);
        assertThat(json(booking).path("issue").get(0).path("diagnostics").asText()).contains("booking-request");
    }

    @Test
    void failingCheckDigitIsAcceptedAndReportedAsAWarning() throws IOException {
        // 3478526985, the NHS number of most official examples, fails the mod-11 check.
        HttpResponse<String> response = newSender().send(example("REFREQ03"));
        List<String> types = json(response).path("entry").findValues("resourceType").stream().map(JsonNode::asText).toList();
        assertThat(types).contains("OperationOutcome");
        assertThat(response.body()).contains("check digit");
    }
}
