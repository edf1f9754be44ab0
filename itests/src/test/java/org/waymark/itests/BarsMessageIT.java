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
 * sends as its own registered client: a sender's identity is its client plus the message's source endpoint. Each
 * client is registered with the endpoints the examples send from (a client sends from its registered endpoints only).
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

    /** The source endpoints of the official examples Waymark handles (REFREQ11 sends from e-RS's). */
    private static final String EXAMPLES_ENDPOINT = "https://fhir.nhs.uk/Id/dos-service-id|2222222222";
    private static final String ERS_EXAMPLE_ENDPOINT = "https://fhir.nhs.uk/Id/ers-dos-service-id|AandG";
    /** The endpoint of the messages made here (BarsJsonMessage). */
    private static final String JSON_ENDPOINT = "https://gp.example/bars";

    private static Sender newSender(String... senders) {
        String id = "bars-sender-" + clients.incrementAndGet();
        List<String> words = new java.util.ArrayList<>(List.of("--endpoint", EXAMPLES_ENDPOINT, "--endpoint", ERS_EXAMPLE_ENDPOINT,
                "--endpoint", JSON_ENDPOINT));
        words.addAll(List.of(senders));
        return new Sender(id, server.clientToken(id, server.createClient(id, "sheffield", words.toArray(String[]::new))));
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
        // FHIR honours a token without its system, and the NHS number is the only patient identifier held.
        assertThat(sender.get("/fhir/ServiceRequest?patient:identifier=" + nhsNumber).path("total").asInt()).isEqualTo(1);
        // BaRS's other ways to find a patient's referrals: name, birth date and postcode (and FHIR's chain, patient.name).
        JsonNode patient = sender.get("/fhir/" + serviceRequest.path("subject").path("reference").asText());
        String family = patient.path("name").get(0).path("family").asText();
        StringBuilder byPerson = new StringBuilder("/fhir/ServiceRequest?patient:name=" + encode(
                patient.path("name").get(0).path("given").path(0).asText("") + " " + family));
        if (patient.hasNonNull("birthDate")) {
            byPerson.append("&patient:birthdate=").append(patient.path("birthDate").asText());
        }
        JsonNode postcode = patient.path("address").path(0).path("postalCode");
        if (!postcode.isMissingNode()) {
            byPerson.append("&patient:address-postalcode=").append(encode(postcode.asText()));
        }
        for (String query : List.of(byPerson.toString(), "/fhir/ServiceRequest?patient.name=" + encode(family))) {
            JsonNode byDemographics = sender.get(query);
            assertThat(byDemographics.path("total").asInt()).as(example + " " + query).isEqualTo(1);
            assertThat(byDemographics.path("entry").get(0).path("resource").path("id").asText())
                    .isEqualTo(serviceRequest.path("id").asText());
        }
        // The sender's own identifiers (a case number), after Waymark's identity of the referral: BaRS senders search by them.
        JsonNode identifiers = serviceRequest.path("identifier");
        for (int i = 1; i < identifiers.size(); i++) {
            String token = identifiers.get(i).path("system").asText() + "|" + identifiers.get(i).path("value").asText();
            JsonNode byOwn = sender.get("/fhir/ServiceRequest?identifier=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(byOwn.path("total").asInt()).as(example + " by " + token).isEqualTo(1);
            assertThat(byOwn.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(serviceRequest.path("id").asText());
        }
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
        BarsMutations mutations = new BarsMutations(examples.resolve(example("REFREQ07")));
        java.util.Map<String, String> mutants = mutations.mutants();
        // Each mutant sends from an endpoint of its own (so each is a referral of its own): the client has them all.
        Sender sender = newSender(mutations.endpoints().stream().flatMap(e -> Stream.of("--endpoint", e)).toArray(String[]::new));
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
        // Once the header's urn:uuid fullUrl, which is not a valid id, for update and delete messages.
        assertThat(json(revoked).path("entry").get(0).path("resource").path("response").path("identifier").asText())
                .isEqualTo("09b53c07-2a21-4ba5-ac8b-f33e486d794d");
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

    // ---------------------------------------------------------------- sender identities (endpoints, ODS codes)

    /** A refusal of a sender identity the client is not registered with: 403, BaRS's receiver code, nothing stored. */
    private static void assertNotRegistered(HttpResponse<String> answer, String saying, String... secrets) {
        assertRefused(answer, 403, "REC_UNAUTHORIZED", saying);
        assertThat(json(answer).path("issue").get(0).path("code").asText()).isEqualTo("forbidden");
        for (String secret : secrets) {
            assertThat(answer.body()).doesNotContain(secret);
        }
    }

    @Test
    void aClientSendsOnlyFromItsRegisteredEndpointAndARecordedMessageStillReplays() throws IOException {
        String created = server.admin("create-client", "bars-bound-gp", "--area", "sheffield", "--endpoint", "https://gp-a.example/bars");
        assertThat(created).contains("endpoints: https://gp-a.example/bars");
        String secret = created.lines().filter(l -> l.contains("secret:")).findFirst().orElseThrow().replaceAll(".*secret: ", "").strip();
        Sender sender = new Sender("bars-bound-gp", server.clientToken("bars-bound-gp", secret));

        // The official example claims another system's endpoint: refused, saying which, and nothing stored.
        HttpResponse<String> official = sender.send(example("REFREQ07"));
        assertNotRegistered(official, "MessageHeader.source.endpoint 'https://fhir.nhs.uk/Id/dos-service-id|2222222222' "
                + "is not registered for client bars-bound-gp", secret, sender.token());
        HttpResponse<String> other = sendJson(sender, new BarsJsonMessage("https://another-practice.example/bars").json());
        assertNotRegistered(other, "'https://another-practice.example/bars' is not registered", secret, sender.token());
        assertThat(referralsOf(sender)).isZero();

        String own = new BarsJsonMessage("https://gp-a.example/bars").json();
        HttpResponse<String> accepted = sendJson(sender, own);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(json(accepted).path("entry").get(1).path("resource").path("identifier").get(0).path("system").asText())
                .isEqualTo("urn:waymark:bars:https://gp-a.example/bars");
        assertThat(referralsOf(sender)).isEqualTo(1);

        // The client moves to another endpoint: the message already recorded answers as before; new ones from the
        // old endpoint are refused, from the new one accepted.
        assertThat(server.admin("client-senders", "bars-bound-gp", "--endpoint", "https://gp-b.example/bars"))
                .contains("endpoints: https://gp-b.example/bars").doesNotContain("gp-a.example");
        assertThat(server.admin("client-senders", "bars-bound-gp")).contains("endpoints: https://gp-b.example/bars");
        HttpResponse<String> replayed = sendJson(sender, own);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.body()).isEqualTo(accepted.body());
        assertNotRegistered(sendJson(sender, new BarsJsonMessage("https://gp-a.example/bars").json()),
                "'https://gp-a.example/bars' is not registered");
        assertThat(sendJson(sender, new BarsJsonMessage("https://gp-b.example/bars").json()).statusCode()).isEqualTo(200);
        assertThat(referralsOf(sender)).isEqualTo(2);
    }

    @Test
    void aClientWithoutARegisteredEndpointIsToldHowToRegisterOne() throws IOException {
        String created = server.admin("create-client", "bars-unbound-gp", "--area", "sheffield");
        assertThat(created).contains("cannot send BaRS messages until an endpoint is registered");
        String secret = created.lines().filter(l -> l.contains("secret:")).findFirst().orElseThrow().replaceAll(".*secret: ", "").strip();
        Sender sender = new Sender("bars-unbound-gp", server.clientToken("bars-unbound-gp", secret));
        assertNotRegistered(sender.send(example("REFREQ07")), "./waymark client-senders bars-unbound-gp --endpoint URL",
                secret, sender.token());
        assertThat(referralsOf(sender)).isZero();
    }

    @Test
    void aClientSendsOnlyForItsRegisteredOdsCodes() throws IOException {
        // REFREQ07's sender is the organisation with ODS code RND.
        Sender otherPractice = newSender("--ods", "A81001");
        assertNotRegistered(otherPractice.send(example("REFREQ07")), "ODS code 'RND' is not registered for client "
                + otherPractice.clientId());
        assertThat(referralsOf(otherPractice)).isZero();
        // A plain ServiceRequest naming its requester's ODS code is held to the same codes.
        HttpResponse<String> plain = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(otherPractice.token()),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(FhirReferralIT.serviceRequest(
                        "ODS-1", TestData.validNhsNumber(), "Odsby").replace("\"requester\":{\"display\":\"Dr Who\"}",
                        "\"requester\":{\"identifier\":{\"system\":\"https://fhir.nhs.uk/Id/ods-organization-code\",\"value\":\"B82002\"}}"))));
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(403);
        assertThat(json(plain).path("issue").get(0).path("diagnostics").asText()).contains("ODS code 'B82002' is not registered");
        assertThat(referralsOf(otherPractice)).isZero();

        // A supplier's system sending for several practices, RND among them.
        Sender supplier = newSender("--ods", "A81001", "--ods", "rnd");
        HttpResponse<String> accepted = supplier.send(example("REFREQ07"));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    }

    @Test
    void theDemoClientMaySendAsAnySenderSoTheOfficialExamplesGoThrough() throws IOException {
        Sender demo = new Sender("demo-gp", server.demoClientToken());
        HttpResponse<String> answer = demo.send(example("REFREQ06"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).path("entry").get(1).path("resource").path("identifier").get(0).path("system").asText())
                .isEqualTo("urn:waymark:bars:https://fhir.nhs.uk/Id/dos-service-id|2222222222");
    }

    // ---------------------------------------------------------------- messages built for one case each (JSON)

    private static final String REC_CODES = "https://fhir.nhs.uk/Codesystem/http-error-codes";

    private static HttpResponse<String> sendJson(Sender sender, String json) {
        return server.send(server.request("/fhir/$process-message", "Authorization", bearer(sender.token()),
                "Content-Type", "application/fhir+json", "Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String endpoint() {
        return JSON_ENDPOINT;
    }

    /** A refusal as BaRS gives it: the status, an OperationOutcome saying why, and the receiver's error code. */
    private static void assertRefused(HttpResponse<String> answer, int status, String code, String saying) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        JsonNode issue = json(answer).path("issue").get(0);
        assertThat(json(answer).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(issue.path("diagnostics").asText()).contains(saying);
        assertThat(issue.path("details").path("coding").get(0).path("system").asText()).isEqualTo(REC_CODES);
        assertThat(issue.path("details").path("coding").get(0).path("code").asText()).isEqualTo(code);
        assertThat(answer.body()).doesNotContainPattern(JavaInternals.PATTERN);
    }

    private static int referralsOf(Sender sender) {
        return sender.get("/fhir/ServiceRequest?_count=0").path("total").asInt();
    }

    @Test
    void aFlagOrConditionAboutAnotherPatientOfTheMessageIsRefusedAndNothingIsStored() {
        Sender sender = newSender();
        HttpResponse<String> flag = sendJson(sender, new BarsJsonMessage(endpoint()).withEntry(BarsJsonMessage.otherPatient("urn:uuid:p2"))
                .withEntry(BarsJsonMessage.safeguardingFlag("urn:uuid:f1", "urn:uuid:p2")).json());
        assertRefused(flag, 422, "REC_UNPROCESSABLE_ENTITY",
                "The Flag urn:uuid:f1 is about another patient than the ServiceRequest's subject");

        HttpResponse<String> condition = sendJson(sender, new BarsJsonMessage(endpoint()).withEntry(BarsJsonMessage.otherPatient("urn:uuid:p2"))
                .withEntry("{\"fullUrl\":\"urn:uuid:c1\",\"resource\":{\"resourceType\":\"Condition\",\"code\":{\"text\":"
                        + "\"Dementia\"},\"subject\":{\"reference\":\"urn:uuid:p2\"}}}").json());
        assertRefused(condition, 422, "REC_UNPROCESSABLE_ENTITY", "Condition urn:uuid:c1 is about another patient");
        assertThat(referralsOf(sender)).isZero();

        // The same flag about the referral's own patient goes with the referral.
        HttpResponse<String> own = sendJson(sender, new BarsJsonMessage(endpoint())
                .withEntry(BarsJsonMessage.safeguardingFlag("urn:uuid:f1", "urn:uuid:p1")).json());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(referralsOf(sender)).isEqualTo(1);
    }

    @Test
    void aMessageMustFocusOnItsServiceRequestWithOneHeader() {
        Sender sender = newSender();
        assertRefused(sendJson(sender, new BarsJsonMessage(endpoint()).focus("[{\"reference\":\"urn:uuid:nothing\"}]").json()),
                400, "REC_BAD_REQUEST", "MessageHeader.focus urn:uuid:nothing refers to nothing in the Bundle");
        assertRefused(sendJson(sender, new BarsJsonMessage(endpoint()).focus("[{\"reference\":\"urn:uuid:p1\"}]").json()),
                422, "REC_UNPROCESSABLE_ENTITY", "MessageHeader.focus names a Patient");
        assertRefused(sendJson(sender, new BarsJsonMessage(endpoint()).focus("").json()),
                400, "REC_BAD_REQUEST", "MessageHeader.focus is required");
        String twoHeaders = new BarsJsonMessage(endpoint()).json();
        String header = twoHeaders.substring(twoHeaders.indexOf("{\"fullUrl\""), twoHeaders.indexOf(",{\"fullUrl\""));
        assertRefused(sendJson(sender, twoHeaders.substring(0, twoHeaders.length() - 2) + "," + header + "]}"),
                400, "REC_BAD_REQUEST", "one MessageHeader");
        assertThat(referralsOf(sender)).isZero();
    }

    @Test
    void theEventAndTheUpdateStatusAreReportedAsTheSenderWroteThem() {
        Sender sender = newSender();
        assertRefused(sendJson(sender, new BarsJsonMessage(endpoint())
                        .event("{\"system\":\"https://example.org/events\",\"code\":\"servicerequest-request\"}").json()),
                422, "REC_UNPROCESSABLE_ENTITY", "must be in the code system " + BarsJsonMessage.EVENTS);
        assertRefused(sendJson(sender, new BarsJsonMessage(endpoint()).event(null).json()),
                400, "REC_BAD_REQUEST", "The MessageHeader has no eventCoding");

        BarsJsonMessage message = new BarsJsonMessage(endpoint());
        assertThat(sendJson(sender, message.json()).statusCode()).isEqualTo(200);
        HttpResponse<String> onHold = sendJson(sender, message.reason("update", "on-hold").json());
        assertRefused(onHold, 422, "REC_UNPROCESSABLE_ENTITY", "(status on-hold)");
        assertThat(onHold.body()).doesNotContain("ONHOLD");
        assertRefused(sendJson(sender, message.reason("update", "active").json()), 422, "REC_UNPROCESSABLE_ENTITY", "(status active)");

        assertThat(sendJson(sender, message.reason("delete", "entered-in-error").json()).statusCode()).isEqualTo(200);
        HttpResponse<String> again = sendJson(sender, message.reason("new", "active").json());
        assertRefused(again, 409, "REC_CONFLICT", "withdrawn as entered in error; a new referral needs a new ServiceRequest fullUrl");
    }

    @Test
    void theSameMessageInAnotherLayoutIsAReplayAndOtherContentUnderItsIdIsNot() throws IOException {
        Sender sender = newSender();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        BarsJsonMessage message = new BarsJsonMessage(endpoint());
        String sent = message.json();
        HttpResponse<String> first = sendJson(sender, sent);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        com.fasterxml.jackson.databind.node.ObjectNode reordered = mapper.createObjectNode();
        JsonNode tree = mapper.readTree(sent);
        List<String> names = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        java.util.Collections.reverse(names);
        names.forEach(name -> reordered.set(name, tree.get(name)));
        for (String layout : List.of(sent + "\n", mapper.writerWithDefaultPrettyPrinter().writeValueAsString(tree),
                mapper.writeValueAsString(reordered))) {
            HttpResponse<String> again = sendJson(sender, layout);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(first.body());
        }
        // An update resent pretty-printed: its original is not kept, its canonical digest is.
        String update = message.reason("update", "revoked").json();
        HttpResponse<String> revoked = sendJson(sender, update);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        HttpResponse<String> revokedAgain = sendJson(sender, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(update)));
        assertThat(revokedAgain.statusCode()).as(revokedAgain.body()).isEqualTo(200);
        assertThat(revokedAgain.body()).isEqualTo(revoked.body());

        assertRefused(sendJson(sender, sent.replace("Lonely since moving", "Bereaved")), 409, "REC_CONFLICT",
                "already used for a message with other content");
        assertThat(referralsOf(sender)).isEqualTo(1);
    }

    @Test
    void anOfficialMessageResentWithATrailingNewlineIsAReplay() throws IOException {
        Sender sender = newSender();
        HttpResponse<String> first = sender.send(example("REFREQ03"));
        HttpResponse<String> again = server.send(server.request("/fhir/$process-message", "Authorization", bearer(sender.token()),
                "Content-Type", BARS_XML, "Accept", "application/fhir+json", "X-Request-Id", "req-" + sender.clientId())
                .POST(HttpRequest.BodyPublishers.ofString(Files.readString(examples.resolve(example("REFREQ03"))) + "\n")));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
    }

    /** Waymark's identity of a BaRS referral holds the sender's endpoint, and BaRS endpoints hold a bar. */
    @Test
    void aReceivedReferralIsFoundByItsIdentifierWithTheBarInItsSystemEscaped() throws IOException {
        Sender sender = newSender();
        JsonNode stored = json(sender.send(example("REFREQ03"))).path("entry").get(1).path("resource");
        JsonNode identifier = stored.path("identifier").get(0);
        assertThat(identifier.path("system").asText())
                .isEqualTo("urn:waymark:bars:https://fhir.nhs.uk/Id/dos-service-id|2222222222");
        assertThat(identifier.path("value").asText()).isEqualTo("urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c");
        String token = identifier.path("system").asText().replace("|", "\\|") + "|" + identifier.path("value").asText();

        JsonNode found = sender.get("/fhir/ServiceRequest?identifier="
                + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(found.path("total").asInt()).isEqualTo(1);
        assertThat(found.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(stored.path("id").asText());
    }

    /**
     * BaRS: ServiceRequest.identifier is "the unique booking reference number of the referral, or the Unique GUID/UUID
     * of the referral request. This is not the same as ServiceRequest.id", searched as system|value or a value alone.
     * The official examples carry none on their ServiceRequest (the case number is on the Encounter), so this message
     * is made here; a value alone also finds a referral by the fullUrl UUID Waymark knows it by.
     */
    @Test
    void aSenderFindsItsReferralByItsOwnIdentifierOrItsUuidWithOrWithoutTheSystem() {
        Sender sender = newSender();
        BarsJsonMessage message = new BarsJsonMessage(endpoint());
        HttpResponse<String> answer = sendJson(sender, message.json());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode stored = json(answer).path("entry").get(1).path("resource");
        assertThat(stored.path("identifier").findValuesAsText("value")).contains(message.caseNumber(), message.fullUrl());

        for (String query : List.of("https%3A%2F%2Fgp.example%2Freferrals%7C" + message.caseNumber(), message.caseNumber(),
                java.net.URLEncoder.encode(message.fullUrl(), java.nio.charset.StandardCharsets.UTF_8))) {
            JsonNode found = sender.get("/fhir/ServiceRequest?identifier=" + query + "&_total=accurate");
            assertThat(found.path("total").asInt()).as(query).isEqualTo(1);
            assertThat(found.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(stored.path("id").asText());
        }
        assertThat(sender.get("/fhir/ServiceRequest?identifier=https%3A%2F%2Fother.system%7C" + message.caseNumber())
                .path("total").asInt()).isZero();
        assertThat(newSender().get("/fhir/ServiceRequest?identifier=" + message.caseNumber()).path("total").asInt())
                .as("another sender finds nothing of this one's").isZero();
        JsonNode read = sender.get("/fhir/ServiceRequest/" + stored.path("id").asText());
        assertThat(read.path("identifier").findValuesAsText("system")).contains("https://gp.example/referrals");
    }

    @Test
    void anUpdateNamingTheServiceRequestBySameIdUnderAnotherFullUrlFindsTheReferral() {
        Sender sender = newSender();
        BarsJsonMessage message = new BarsJsonMessage(endpoint()).serviceRequest("urn:uuid:" + java.util.UUID.randomUUID(), "gp-ref-1");
        HttpResponse<String> created = sendJson(sender, message.json());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).path("entry").get(1).path("resource").path("id").asText();

        HttpResponse<String> revoked = sendJson(sender, message.serviceRequest("urn:uuid:" + java.util.UUID.randomUUID(), "gp-ref-1")
                .reason("update", "revoked").json());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(sender.get("/fhir/ServiceRequest/" + id).path("status").asText()).isEqualTo("revoked");

        HttpResponse<String> unknown = sendJson(sender, message.serviceRequest("urn:uuid:" + java.util.UUID.randomUUID(), "gp-ref-2")
                .reason("delete", "entered-in-error").json());
        assertRefused(unknown, 422, "REC_UNPROCESSABLE_ENTITY", "No referral from this sender matches");
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
