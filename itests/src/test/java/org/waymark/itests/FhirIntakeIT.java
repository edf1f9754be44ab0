package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Intake beyond single ServiceRequests, over HTTP against the built distribution: transaction Bundles (conditional
 * Patient create, all or nothing, replays), Flags and Consent sent in a transaction or contained in a ServiceRequest, the
 * search parameters GP systems page through, and patient linkage by demographics with its review queue, decided
 * through the API.
 */
class FhirIntakeIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static String token;

    @BeforeAll
    static void token() {
        token = server.demoClientToken();
    }

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> post(String token, String path, String body, String... headers) {
        return server.send(server.request(path, headers).header("Authorization", bearer(token))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode get(String token, String path) {
        HttpResponse<String> response = server.get(path, "Authorization", bearer(token));
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return json(response);
    }

    /**
     * The search controls taken in this session (_id, _sort, _include, _revinclude, _summary, _elements), given every
     * kind of nonsense on every search and read: a 2xx or a 4xx OperationOutcome, never a 5xx or an internal.
     */
    @Test
    void searchControlsGivenNonsenseAnswerAClientError() {
        List<String> nonsense = List.of("", "%00", "%E2%98%83", "*", "-", ",", ",,", "a,,b", "%27%20OR%201%3D1--", "x".repeat(5000),
                "ServiceRequest:patient:Patient:Patient", "Task:focus:", ":", "-_lastUpdated,-", "count%0Atrue", "true,false");
        List<String> controls = List.of("_id", "_sort", "_include", "_revinclude", "_summary", "_elements");
        List<String> paths = List.of("/fhir/ServiceRequest", "/fhir/Patient", "/fhir/Task", "/fhir/ServiceRequest/x",
                "/fhir/Task/x/_history/1");
        int calls = 0;
        for (String path : paths) {
            for (String control : controls) {
                for (String value : nonsense) {
                    HttpResponse<String> answer = server.get(path + "?" + control + "=" + value, "Authorization", bearer(token));
                    calls++;
                    String what = path + "?" + control + "=" + value.substring(0, Math.min(value.length(), 40));
                    assertThat(answer.statusCode()).as(what + ": " + answer.body()).isBetween(200, 499);
                    assertThat(answer.body()).as(what).doesNotContainPattern(JavaInternals.PATTERN);
                    if (answer.statusCode() >= 400) {
                        assertThat(answer.body()).as(what).contains("\"OperationOutcome\"");
                    }
                }
            }
        }
        assertThat(calls).isEqualTo(paths.size() * controls.size() * nonsense.size());
    }

    /** Each entry of a searchset as its search mode and its resource's type and id. */
    private static List<String> modes(JsonNode searchset) {
        List<String> modes = new ArrayList<>();
        searchset.path("entry").forEach(e -> modes.add(e.path("search").path("mode").asText() + " "
                + e.path("resource").path("resourceType").asText() + "/" + e.path("resource").path("id").asText()));
        return modes;
    }

    /** The sender's identifiers of a ServiceRequest searchset's referrals, in the order given. */
    private static List<String> order(String token, String path) {
        List<String> identifiers = new ArrayList<>();
        get(token, path).path("entry").forEach(e -> identifiers.add(e.path("resource").path("identifier").get(0).path("value").asText()));
        return identifiers;
    }

    private static int total(String token, String path) {
        return get(token, path).path("total").asInt();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String patient(String nhs, String family, String given, String birthDate, String postcode) {
        String identifier = nhs == null ? "" : "\"identifier\":[{\"system\":\"" + NHS + "\",\"value\":\"" + nhs + "\"}],";
        return """
                {"resourceType":"Patient",%s"name":[{"family":"%s","given":["%s"]}],"birthDate":"%s","gender":"female",
                 "address":[{"postalCode":"%s"}]}""".formatted(identifier, family, given, birthDate, postcode);
    }

    static String serviceRequest(String identifier, String subject, String authoredOn) {
        return """
                {"resourceType":"ServiceRequest","status":"active","intent":"order","priority":"routine",
                 "identifier":[{"system":"https://gp.example/referrals","value":"%s"}],
                 "subject":{"reference":"%s"},"reasonCode":[{"text":"Feeling isolated"}],
                 "authoredOn":"%s","requester":{"display":"Dr Ward"}}""".formatted(identifier, subject, authoredOn);
    }

    /** A referral with its person contained, as plain POSTs send it. */
    static String containedReferral(String identifier, String patient, String authoredOn) {
        return serviceRequest(identifier, "#p1", authoredOn).replaceFirst("\\{\"resourceType\":\"ServiceRequest\",",
                "{\"resourceType\":\"ServiceRequest\",\"contained\":[" + patient.replaceFirst("\\{\"resourceType\":\"Patient\",",
                        "{\"resourceType\":\"Patient\",\"id\":\"p1\",") + "],");
    }

    /** The fullUrl of the Patient entry that transaction() writes for a family name. */
    static String patientUrl(String family) {
        return "urn:uuid:5f0c7d8e-0000-4000-8000-" + String.format("%012d", Math.abs(family.hashCode()));
    }

    static String transaction(String nhs, String family, String referralIdentifier, String... moreEntries) {
        String patientUrl = patientUrl(family);
        StringBuilder entries = new StringBuilder("""
                {"fullUrl":"%s","resource":%s,
                 "request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=%s|%s"}},
                {"fullUrl":"urn:uuid:6a1b2c3d-0000-4000-8000-000000000001","resource":%s,
                 "request":{"method":"POST","url":"ServiceRequest"}}""".formatted(patientUrl,
                patient(nhs, family, "Ada", "1960-05-06", "S1 4GH"), NHS, nhs,
                serviceRequest(referralIdentifier, patientUrl, "2026-03-15T10:00:00Z")));
        for (String entry : moreEntries) {
            entries.append(',').append(entry);
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}";
    }

    private static void assertOutcome(HttpResponse<String> response, int status, String code, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode outcome = json(response);
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("code").asText()).isEqualTo(code);
        assertThat(outcome.path("issue").get(0).path("diagnostics").asText()).contains(text);
        assertThat(response.body()).doesNotContainPattern(JavaInternals.PATTERN);
    }

    // ------------------------------------------------------------------ transactions

    @Test
    void transactionCreatesPatientAndReferralThenMatchesThePatientAndReplaysSafely() {
        HttpResponse<String> created = post(token, "/fhir", transaction("9990020000", "Transactional", "TX-1"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode answer = json(created);
        assertThat(answer.path("type").asText()).isEqualTo("transaction-response");
        JsonNode patientEntry = answer.path("entry").get(0).path("response");
        JsonNode referralEntry = answer.path("entry").get(1).path("response");
        assertThat(patientEntry.path("status").asText()).isEqualTo("201 Created");
        assertThat(referralEntry.path("status").asText()).isEqualTo("201 Created");
        assertThat(patientEntry.path("location").asText()).startsWith(server.baseUrl() + "/fhir/Patient/").endsWith("/_history/1");
        assertThat(referralEntry.path("etag").asText()).isEqualTo("W/\"1\"");
        String patientId = URI.create(patientEntry.path("location").asText()).getPath().split("/")[3];
        String referralId = URI.create(referralEntry.path("location").asText()).getPath().split("/")[3];
        assertThat(patientReads(patientId)).as("an answer of locations and versions shows nothing of the patient").isZero();

        JsonNode referral = get(token, "/fhir/ServiceRequest/" + referralId);
        assertThat(referral.path("subject").path("reference").asText()).isEqualTo("Patient/" + patientId);
        assertThat(referral.path("subject").path("identifier").path("value").asText()).isEqualTo("9990020000");
        assertThat(get(token, "/fhir/Patient/" + patientId).path("name").get(0).path("family").asText()).isEqualTo("Transactional");

        // The same person again (conditional create matches), with a new referral.
        HttpResponse<String> second = post(token, "/fhir", transaction("9990020000", "Transactional", "TX-2"),
                "Prefer", "return=representation");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode secondAnswer = json(second);
        assertThat(secondAnswer.path("entry").get(0).path("response").path("status").asText()).isEqualTo("200 OK");
        assertThat(secondAnswer.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(patientId);
        assertThat(secondAnswer.path("entry").get(1).path("response").path("status").asText()).isEqualTo("201 Created");
        assertThat(secondAnswer.path("entry").get(1).path("resource").path("resourceType").asText()).isEqualTo("ServiceRequest");
        assertThat(patientReads(patientId)).as("the GET above, then the stored record shown in this answer").isEqualTo(2);

        // A retry of the first transaction creates nothing and answers with what is stored.
        int before = total(token, "/fhir/ServiceRequest?_count=0");
        HttpResponse<String> replay = post(token, "/fhir", transaction("9990020000", "Transactional", "TX-1"));
        assertThat(replay.statusCode()).isEqualTo(200);
        JsonNode replayed = json(replay);
        assertThat(replayed.path("entry").get(0).path("response").path("status").asText()).isEqualTo("200 OK");
        assertThat(replayed.path("entry").get(1).path("response").path("status").asText()).isEqualTo("200 OK");
        assertThat(replayed.path("entry").get(1).path("response").path("location").asText()).isEqualTo(referralEntry.path("location").asText());
        assertThat(total(token, "/fhir/ServiceRequest?_count=0")).isEqualTo(before);
        assertThat(total(token, "/fhir/Patient?identifier=" + NHS + "%7C9990020000")).isEqualTo(1);
        // FHIR's |value is an identifier without a system: it was read as any system and found these.
        assertThat(total(token, "/fhir/Patient?identifier=%7C9990020000")).isZero();
        assertThat(total(token, "/fhir/ServiceRequest?patient:identifier=%7C9990020000")).isZero();
        assertThat(total(token, "/fhir/ServiceRequest?identifier=%7CTX-1")).isZero();
        assertThat(total(token, "/fhir/ServiceRequest?identifier=TX-1")).as("in any system").isEqualTo(1);

        // Each entry's location reads back (vread of the current version), the Patient's audited as any read.
        assertThat(get(token, URI.create(referralEntry.path("location").asText()).getPath()).path("id").asText()).isEqualTo(referralId);
        int reads = patientReads(patientId);
        assertThat(get(token, URI.create(patientEntry.path("location").asText()).getPath()).path("id").asText()).isEqualTo(patientId);
        assertThat(patientReads(patientId)).isEqualTo(reads + 1);
        assertOutcome(server.get("/fhir/Patient/" + patientId + "/_history/0", "Authorization", bearer(token)), 404, "not-found",
                "only the current version");
    }

    private int patientReads(String patientId) {
        return json(server.get("/api/admin/audit?action=read&resourceType=Patient&patientId=" + patientId, "Authorization",
                basic("admin", "admin"))).path("items").size();
    }

    @Test
    void aTransactionWithOneBadEntryStoresNothing() {
        int referrals = total(token, "/fhir/ServiceRequest?_count=0");
        String unknownPatient = """
                {"fullUrl":"urn:uuid:6a1b2c3d-0000-4000-8000-000000000002","resource":%s,
                 "request":{"method":"POST","url":"ServiceRequest"}}""".formatted(
                serviceRequest("TX-BAD-2", "Patient/nobody-here", "2026-03-15T10:00:00Z"));
        assertOutcome(post(token, "/fhir", transaction("9990020019", "Atomic", "TX-BAD-1", unknownPatient)), 422,
                "business-rule", "not known");
        String put = """
                {"resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient/x"}}""";
        assertOutcome(post(token, "/fhir", transaction("9990020019", "Atomic", "TX-BAD-1", put)), 422, "business-rule", "only POST");
        String observation = """
                {"resource":{"resourceType":"Observation","status":"final","code":{"text":"Weight"}},"request":{"method":"POST","url":"Observation"}}""";
        assertOutcome(post(token, "/fhir", transaction("9990020019", "Atomic", "TX-BAD-1", observation)), 422, "business-rule",
                "not Observation");
        assertOutcome(post(token, "/fhir", transaction("9990020019", "Atomic", "TX-BAD-1")
                .replace("\"reference\":\"urn:uuid:5f0c7d8e", "\"reference\":\"urn:uuid:0f0c7d8e")), 400, "invalid", "refers to nothing");
        assertOutcome(post(token, "/fhir", transaction("999002001", "Atomic", "TX-BAD-1")), 400, "invalid", "10 digits");
        assertOutcome(post(token, "/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[]}"), 422, "business-rule",
                "batches");
        assertOutcome(server.send(server.request("/fhir").header("Authorization", bearer(token)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))), 415, "not-supported", "application/fhir+json");

        assertThat(total(token, "/fhir/ServiceRequest?_count=0")).isEqualTo(referrals);
        assertThat(total(token, "/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CTX-BAD-1")).isZero();
        assertThat(total(token, "/fhir/Patient?identifier=" + NHS + "%7C9990020019")).isZero();
    }

    @Test
    void capabilityStatementListsTransactionsAndTheNewSearches() {
        JsonNode rest = json(server.get("/fhir/metadata")).path("rest").get(0);
        assertThat(rest.path("interaction").findValuesAsText("code")).contains("transaction");
        List<String> patientParameters = new ArrayList<>();
        List<String> taskParameters = new ArrayList<>();
        List<String> serviceRequestParameters = new ArrayList<>();
        for (JsonNode resource : rest.path("resource")) {
            List<String> names = resource.path("searchParam").findValuesAsText("name");
            switch (resource.path("type").asText()) {
                case "Patient" -> patientParameters.addAll(names);
                case "Task" -> taskParameters.addAll(names);
                case "ServiceRequest" -> serviceRequestParameters.addAll(names);
                default -> { }
            }
        }
        assertThat(patientParameters).contains("identifier", "family", "given", "name", "birthdate", "address-postalcode");
        assertThat(taskParameters).contains("focus", "status", "owner");
        assertThat(serviceRequestParameters).contains("authored", "_lastUpdated", "patient", "status")
                .as("a modifier is not a parameter name").doesNotContain("patient:identifier");
        for (JsonNode resource : rest.path("resource")) {
            String type = resource.path("type").asText();
            List<String> interactions = resource.path("interaction").findValuesAsText("code");
            if (List.of("ServiceRequest", "Patient", "Task", "QuestionnaireResponse").contains(type)) {
                assertThat(interactions).as(type).contains("read", "vread");
            }
            assertThat(resource.path("conditionalCreate").asBoolean()).as(type).isEqualTo(type.equals("ServiceRequest"));
            if (List.of("ServiceRequest", "Patient", "Task").contains(type)) {
                assertThat(resource.path("conditionalRead").asText()).as(type).isEqualTo("not-match");
            }
            if (type.equals("ServiceRequest")) {
                JsonNode patient = null;
                for (JsonNode parameter : resource.path("searchParam")) {
                    patient = parameter.path("name").asText().equals("patient") ? parameter : patient;
                }
                assertThat(patient).isNotNull();
                assertThat(patient.path("documentation").asText()).contains("patient:identifier");
            }
        }
        // What the CapabilityStatement documents works: the modifier, and comma as OR.
        assertThat(server.get("/fhir/ServiceRequest?patient:identifier=" + NHS + "%7C9990020000&status=active,completed",
                "Authorization", bearer(token)).statusCode()).isEqualTo(200);
        // The person's demographics as BaRS searches by them: nonsense finds nobody, a malformed value is the sender's
        // mistake, named in an OperationOutcome.
        assertThat(json(server.get("/fhir/ServiceRequest?patient:name=%25", "Authorization", bearer(token))).path("total").asInt())
                .isZero();
        // Seven hundred words once made a statement the database could not prepare (503).
        String elevenWords = String.join("%20", "a b c d e f g h i j k".split(" "));
        for (String refused : List.of("patient:name=", "patient:birthdate=20%2F01%2F1995", "patient:name=a&patient.name=b",
                "patient:name=" + elevenWords)) {
            HttpResponse<String> answer = server.get("/fhir/ServiceRequest?" + refused, "Authorization", bearer(token));
            assertThat(answer.statusCode()).as(refused).isEqualTo(400);
            assertThat(json(answer).path("resourceType").asText()).as(refused).isEqualTo("OperationOutcome");
        }
    }

    // ------------------------------------------------------------------ flags and consent

    static String flag(String id, String status, String category, String text, String subject) {
        return """
                {"resourceType":"Flag",%s"status":"%s",
                 "category":[{"coding":[{"system":"https://fhir.nhs.uk/CodeSystem/flag-categories-bars","code":"%s"}]}],
                 "code":{"text":"%s"},"subject":{"reference":"%s"}}""".formatted(id == null ? "" : "\"id\":\"" + id + "\",",
                status, category, text, subject);
    }

    static String sentEntry(String fullUrl, String resource) {
        String type = resource.contains("\"resourceType\":\"Flag\"") ? "Flag" : "Consent";
        return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}}";
    }

    /** The referral's flags as its page lists them ("category: text"), each one the referrer's. */
    private static List<String> referralFlags(String referralId, String worker) {
        HttpResponse<String> response = server.get("/api/referrals/" + referralId, "Authorization", worker);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> flags = new ArrayList<>();
        for (JsonNode flag : json(response).path("flags")) {
            assertThat(flag.path("source").asText()).isEqualTo("referrer");
            flags.add(flag.path("category").asText() + ": " + flag.path("text").asText());
        }
        return flags;
    }

    /** The flag categories of the referral's row in the unassigned queue, found by the person's NHS number or name. */
    private static String listedFlags(String referralId, String search, String worker) {
        for (JsonNode item : json(server.get("/api/referrals?assignee=-&search=" + search, "Authorization", worker)).path("items")) {
            if (item.path("id").asText().equals(referralId)) {
                return item.path("flags").toString();
            }
        }
        throw new AssertionError("referral " + referralId + " is not in the unassigned queue");
    }

    @Test
    void flagsAndConsentSentInATransactionOrContainedInAServiceRequestShowOnTheReferral() {
        String worker = basic("linkworker", "linkworker");
        String patientUrl = patientUrl("Flagged");
        String consent = """
                {"resourceType":"Consent","status":"active","scope":{"coding":[{"code":"patient-privacy"}]},
                 "category":[{"coding":[{"system":"https://fhir.nhs.uk/CodeSystem/consent-categories-bars","code":"DRC",
                   "display":"Direct Care"}]}],"patient":{"reference":"%s"},"policyRule":{"coding":[{"code":"IMPLIED"}]}}"""
                .formatted(patientUrl);
        HttpResponse<String> sent = post(token, "/fhir", transaction("9990030006", "Flagged", "TX-FLAG-1",
                sentEntry("urn:uuid:7b000000-0000-4000-8000-000000000001",
                        flag(null, "active", "SG", "Partner controls access to the phone", patientUrl)),
                sentEntry("urn:uuid:7b000000-0000-4000-8000-000000000002", flag(null, "inactive", "RA", "Needed a ramp", patientUrl)),
                sentEntry("urn:uuid:7b000000-0000-4000-8000-000000000003", consent)));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        JsonNode answer = json(sent);
        assertThat(answer.path("entry").size()).as("one response per entry").isEqualTo(5);
        assertThat(answer.path("entry").get(2).path("response").path("status").asText()).isEqualTo("201 Created");
        assertThat(answer.path("entry").get(3).path("response").path("status").asText()).isEqualTo("200 OK");
        assertThat(answer.path("entry").get(3).path("response").path("outcome").toString()).contains("Not kept");
        assertThat(answer.path("entry").get(4).path("response").path("status").asText()).isEqualTo("201 Created");
        String referralId = URI.create(answer.path("entry").get(1).path("response").path("location").asText()).getPath().split("/")[3];

        assertThat(referralFlags(referralId, worker)).containsExactly("SG: Partner controls access to the phone");
        JsonNode referral = json(server.get("/api/referrals/" + referralId, "Authorization", worker));
        assertThat(referral.path("consent").path("category").asText()).isEqualTo("DRC");
        assertThat(referral.path("consent").path("basis").asText()).isEqualTo("IMPLIED");
        assertThat(listedFlags(referralId, "9990030006", worker)).isEqualTo("[\"SG\"]");

        // A plain ServiceRequest carries its flag contained, listed in supportingInfo.
        String plain = containedReferral("PLAIN-FLAG-1", patient(null, "Containedflag", "Rhys", "1958-02-03", "S6 2LW"),
                "2026-03-16T10:00:00Z").replace("\"contained\":[", "\"supportingInfo\":[{\"reference\":\"#ra\"}],\"contained\":["
                + flag("ra", "active", "RA", "Needs a BSL interpreter", "#p1") + ",");
        HttpResponse<String> created = post(token, "/fhir/ServiceRequest", plain);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String plainId = json(created).path("id").asText();
        assertThat(referralFlags(plainId, worker)).containsExactly("RA: Needs a BSL interpreter");
        assertThat(listedFlags(plainId, "Containedflag", worker)).isEqualTo("[\"RA\"]");

        // A flag that goes with no referral, or a contained one the referral does not list, is refused; nothing is stored.
        assertOutcome(post(token, "/fhir", transaction("9990030014", "Unflagged", "TX-FLAG-2",
                sentEntry("urn:uuid:7b000000-0000-4000-8000-000000000004", flag(null, "active", "SG", "Concern", "Patient/elsewhere")))),
                422, "business-rule", "only with a referral");
        assertThat(total(token, "/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CTX-FLAG-2")).isZero();
        assertOutcome(post(token, "/fhir/ServiceRequest", plain.replace("PLAIN-FLAG-1", "PLAIN-FLAG-2")
                .replace("{\"reference\":\"#ra\"}", "")), 400, "invalid", "supportingInfo");
        assertThat(total(token, "/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CPLAIN-FLAG-2")).isZero();
    }

    // ------------------------------------------------------------------ searches

    @Test
    void searchesByDatesNamesBirthDatePostcodeAndTaskFieldsWithPaging() {
        String searcher = server.clientToken("search-gp", server.createClient("search-gp", "sheffield"));
        HttpResponse<String> quill = post(searcher, "/fhir/ServiceRequest", containedReferral("S-1",
                patient(null, "Quill", "Ann", "1980-01-01", "S2 1AA"), "2025-01-10T09:00:00Z"));
        post(searcher, "/fhir/ServiceRequest", containedReferral("S-2",
                patient(null, "Quillon", "Bea", "1990-06-15", "S3 7BB"), "2025-06-20T09:00:00Z"));
        post(searcher, "/fhir/ServiceRequest", containedReferral("S-3",
                patient(null, "Marsh", "Annabel", "1985-09-09", "S2 1AB"), "2025-12-31T09:00:00Z"));
        String quillId = json(quill).path("id").asText();

        assertThat(total(searcher, "/fhir/ServiceRequest?authored=ge2025-06-01&authored=lt2025-12-31")).isEqualTo(1);
        assertThat(total(searcher, "/fhir/ServiceRequest?authored=2025-01-10")).isEqualTo(1);
        assertThat(total(searcher, "/fhir/ServiceRequest?authored=le2025-06-20")).isEqualTo(2);
        assertThat(total(searcher, "/fhir/ServiceRequest?_lastUpdated=lt2000-01-01")).isZero();
        assertThat(total(searcher, "/fhir/ServiceRequest?_lastUpdated=ge2000-01-01")).isEqualTo(3);
        // Found probing: the time is kept finer than the millisecond FHIR shows, and searching a resource's own
        // meta.lastUpdated (to the millisecond) matched nothing.
        String quillUpdated = json(quill).path("meta").path("lastUpdated").asText();
        assertThat(total(searcher, "/fhir/ServiceRequest?_lastUpdated=" + encode(quillUpdated))).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Task?_lastUpdated=le" + encode(quillUpdated) + "&_lastUpdated=ge" + encode(quillUpdated)))
                .isEqualTo(1);

        JsonNode firstPage = get(searcher, "/fhir/ServiceRequest?_lastUpdated=gt2000-01-01&_count=2");
        assertThat(firstPage.path("total").asInt()).isEqualTo(3);
        assertThat(firstPage.path("entry").size()).isEqualTo(2);
        String next = null;
        for (JsonNode link : firstPage.path("link")) {
            if (link.path("relation").asText().equals("next")) {
                next = link.path("url").asText();
            }
        }
        assertThat(next).startsWith(server.baseUrl() + "/fhir/ServiceRequest?").contains("_offset=2").contains("_lastUpdated=");
        JsonNode secondPage = get(searcher, next.substring(server.baseUrl().length()));
        assertThat(secondPage.path("entry").size()).isEqualTo(1);
        assertThat(secondPage.path("link").findValuesAsText("relation")).doesNotContain("next");
        assertThat(secondPage.path("link").findValuesAsText("relation")).contains("self", "previous", "first", "last");
        for (JsonNode link : firstPage.path("link")) {
            switch (link.path("relation").asText()) {
                case "first" -> assertThat(link.path("url").asText()).contains("_count=2&_offset=0");
                case "last" -> assertThat(link.path("url").asText()).as("3 matches, 2 a page").contains("_count=2&_offset=2");
                default -> {
                }
            }
        }

        assertThat(total(searcher, "/fhir/Patient?family=quil")).isEqualTo(2);
        assertThat(total(searcher, "/fhir/Patient?family=QUILL&given=bea")).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Patient?given=ann")).as("prefix: Ann and Annabel").isEqualTo(2);
        assertThat(total(searcher, "/fhir/Patient?birthdate=1980")).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Patient?birthdate=ge1985-01-01")).isEqualTo(2);
        assertThat(total(searcher, "/fhir/Patient?address-postalcode=" + encode("s2 1a"))).isEqualTo(2);
        assertThat(total(searcher, "/fhir/Patient?address-postalcode=S21AB")).isEqualTo(1);
        assertThat(total(token, "/fhir/Patient?family=quil")).as("another client's patients").isZero();

        assertThat(total(searcher, "/fhir/Task?status=requested")).isEqualTo(3);
        assertThat(total(searcher, "/fhir/Task?status=completed,cancelled")).isZero();
        // Found probing: a status with its code system (FHIR's system|code, as generic clients send it) was a 400.
        assertThat(total(searcher, "/fhir/Task?status=" + encode("http://hl7.org/fhir/task-status|requested"))).isEqualTo(3);
        assertThat(total(searcher, "/fhir/ServiceRequest?status=" + encode("http://hl7.org/fhir/request-status|active"))).isEqualTo(3);
        assertThat(total(searcher, "/fhir/Task?owner=Organization/waymark-sheffield")).isEqualTo(3);
        assertThat(total(searcher, "/fhir/Task?owner=Organization/waymark-islington")).isZero();
        JsonNode task = get(searcher, "/fhir/Task?focus=ServiceRequest/" + quillId + "&status=requested").path("entry").get(0).path("resource");
        assertThat(task.path("owner").path("reference").asText()).isEqualTo("Organization/waymark-sheffield");
        assertThat(total(searcher, "/fhir/Task?_lastUpdated=ge2000-01-01&_count=1")).isEqualTo(3);
        // Found probing: a receiver asking for one person's Tasks (Task.for) got a 400.
        String quillPatient = task.path("for").path("reference").asText();
        assertThat(total(searcher, "/fhir/Task?patient=" + quillPatient)).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Task?subject=" + quillPatient + "&status=requested")).isEqualTo(1);
        assertThat(total(token, "/fhir/Task?patient=" + quillPatient)).as("another client's Tasks").isZero();
        assertThat(json(server.get("/fhir/metadata")).findValues("searchParam").toString()).contains("\"name\":\"subject\"");

        // FHIR's name: every word found in the person's name, family names from anywhere (Quillon too).
        assertThat(total(searcher, "/fhir/Patient?name=quill")).isEqualTo(2);
        assertThat(total(searcher, "/fhir/Patient?name=ann%20quill")).isEqualTo(1);
        HttpResponse<String> unsupported = server.get("/fhir/Patient?nickname=quill", "Authorization", bearer(searcher));
        assertOutcome(unsupported, 400, "invalid", "Unsupported search parameter");
        assertOutcome(server.get("/fhir/Patient?birthdate=last-tuesday", "Authorization", bearer(searcher)), 400, "invalid", "birthdate");
        assertOutcome(server.get("/fhir/ServiceRequest?authored=ne2025-01-10", "Authorization", bearer(searcher)), 400, "invalid", "prefix");
        assertOutcome(server.get("/fhir/Task?status=finished", "Authorization", bearer(searcher)), 400, "invalid", "Task status");
        assertOutcome(server.get("/fhir/Patient?family=", "Authorization", bearer(searcher)), 400, "invalid", "family");
        assertOutcome(server.get("/fhir/Task?_total=bogus", "Authorization", bearer(searcher)), 400, "invalid", "_total must be one of");
        JsonNode lenient = json(server.get("/fhir/Task?status=requested&_contained=true&_revinclude=Provenance:target", "Authorization",
                bearer(searcher), "Prefer", "handling=lenient"));
        assertThat(lenient.path("total").asInt()).isEqualTo(3);
        assertThat(lenient.path("link").get(0).path("url").asText()).contains("status=requested").doesNotContain("_contained", "_revinclude");
        JsonNode ignoredOutcome = lenient.path("entry").get(lenient.path("entry").size() - 1);
        assertThat(ignoredOutcome.path("search").path("mode").asText()).isEqualTo("outcome");
        assertThat(ignoredOutcome.path("resource").path("issue").get(0).path("diagnostics").asText()).contains("_contained, _revinclude");
    }

    @Test
    void searchesByIdSortsAndAnswersInPartAsSummaryAndElementsAsk() {
        String searcher = server.clientToken("subset-gp", server.createClient("subset-gp", "sheffield"));
        JsonNode referral = json(post(searcher, "/fhir/ServiceRequest", containedReferral("SUB-1",
                patient(null, "Subset", "Cara", "1970-02-02", "S4 4CC"), "2025-02-02T09:00:00Z")
                .replace("\"priority\":\"routine\",", "\"priority\":\"routine\",\"note\":[{\"text\":\"Prefers mornings\"}],")));
        assertThat(referral.path("note").get(0).path("text").asText()).isEqualTo("Prefers mornings");
        post(searcher, "/fhir/ServiceRequest", containedReferral("SUB-2",
                patient(null, "Other", "Dee", "1971-03-03", "S5 5DD"), "2025-02-03T09:00:00Z"));
        // Written before the others, received after them: _sort=authored and the received order differ.
        post(searcher, "/fhir/ServiceRequest", containedReferral("SUB-3",
                patient(null, "Later", "Eve", "1972-04-04", "S6 6EE"), "2024-12-01T09:00:00Z"));
        String referralId = referral.path("id").asText();
        String patientId = referral.path("subject").path("reference").asText().substring("Patient/".length());
        JsonNode task = get(searcher, "/fhir/Task?focus=ServiceRequest/" + referralId).path("entry").get(0).path("resource");
        String taskId = task.path("id").asText();

        // _id: the one resource, with the other criteria still applied, and never another sender's.
        JsonNode byId = get(searcher, "/fhir/ServiceRequest?_id=" + referralId);
        assertThat(byId.path("total").asInt()).isEqualTo(1);
        assertThat(byId.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(referralId);
        assertThat(total(searcher, "/fhir/ServiceRequest?_id=" + referralId + "&status=completed")).isZero();
        assertThat(total(searcher, "/fhir/Patient?_id=" + patientId)).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Patient?_id=" + patientId + "&family=subset")).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Patient?_id=" + patientId + "&family=other")).isZero();
        assertThat(get(searcher, "/fhir/Task?_id=" + taskId).path("entry").get(0).path("resource").path("id").asText())
                .isEqualTo(taskId);
        assertThat(total(searcher, "/fhir/Task?_id=" + taskId + "&status=requested")).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Task?_id=" + taskId + "&status=completed")).isZero();
        assertThat(total(searcher, "/fhir/Task?_id=" + taskId + "&focus=ServiceRequest/" + referralId)).isEqualTo(1);
        assertThat(total(searcher, "/fhir/Task?_id=" + referralId)).as("a ServiceRequest's id is no Task's").isZero();
        assertThat(total(searcher, "/fhir/ServiceRequest?_id=no-such-referral")).isZero();
        assertThat(total(searcher, "/fhir/ServiceRequest?_id=" + encode("not an id!"))).isZero();
        assertThat(total(token, "/fhir/ServiceRequest?_id=" + referralId)).as("another client's referral").isZero();
        assertThat(total(token, "/fhir/Patient?_id=" + patientId)).as("another client's patient").isZero();
        assertThat(total(token, "/fhir/Task?_id=" + taskId)).as("another client's Task").isZero();
        assertOutcome(server.get("/fhir/ServiceRequest?_id=" + referralId + "," + referralId, "Authorization", bearer(searcher)),
                400, "invalid", "_id takes one id");
        assertThat(json(server.get("/fhir/metadata")).findValues("searchParam").toString()).contains("\"name\":\"_id\"");

        // _include and _revinclude: the person and the Task beside each referral, the referral beside each Task.
        JsonNode withPersonAndTask = get(searcher, "/fhir/ServiceRequest?_id=" + referralId
                + "&_include=ServiceRequest:patient:Patient&_revinclude=Task:focus");
        assertThat(withPersonAndTask.path("total").asInt()).isEqualTo(1);
        assertThat(modes(withPersonAndTask)).containsExactly("match ServiceRequest/" + referralId,
                "include Patient/" + patientId, "include Task/" + taskId);
        JsonNode withFocus = get(searcher, "/fhir/Task?_id=" + taskId + "&_include=Task:focus&_include=Task:patient");
        assertThat(modes(withFocus)).containsExactly("match Task/" + taskId, "include ServiceRequest/" + referralId,
                "include Patient/" + patientId);
        assertThat(modes(get(searcher, "/fhir/Task?status=requested&_include=Task:patient&_summary=count"))).isEmpty();
        assertThat(modes(get(token, "/fhir/ServiceRequest?_include=ServiceRequest:patient&_count=100")))
                .as("another client's page names none of this client's people")
                .doesNotContain("include Patient/" + patientId);
        assertOutcome(server.get("/fhir/ServiceRequest?_include=ServiceRequest:requester", "Authorization", bearer(searcher)),
                400, "invalid", "_include=ServiceRequest:requester is not supported");
        assertOutcome(server.get("/fhir/Patient?_include=Patient:organization", "Authorization", bearer(searcher)),
                400, "invalid", "Unsupported search parameter(s): _include");
        String capabilities = json(server.get("/fhir/metadata")).toString();
        assertThat(capabilities).contains("\"searchInclude\":[\"Task:focus\",\"Task:patient\",\"Task:subject\"]",
                "\"searchRevInclude\":[\"Task:focus\"]");

        // _summary=count: the total without the resources.
        JsonNode count = get(searcher, "/fhir/ServiceRequest?_summary=count");
        assertThat(count.path("total").asInt()).isEqualTo(3);
        assertThat(count.path("entry").isMissingNode()).as(count.toString()).isTrue();
        assertThat(get(searcher, "/fhir/Task?_summary=count&status=requested").path("total").asInt()).isEqualTo(3);

        // _sort: one key, '-' for descending; newest received first without one.
        assertThat(order(searcher, "/fhir/ServiceRequest?identifier=" + encode("https://gp.example/referrals|SUB-1")))
                .containsExactly("SUB-1");
        assertThat(order(searcher, "/fhir/ServiceRequest")).containsExactly("SUB-3", "SUB-2", "SUB-1");
        assertThat(order(searcher, "/fhir/ServiceRequest?_sort=authored")).containsExactly("SUB-3", "SUB-1", "SUB-2");
        assertThat(order(searcher, "/fhir/ServiceRequest?_sort=-authored")).containsExactly("SUB-2", "SUB-1", "SUB-3");
        assertThat(order(searcher, "/fhir/ServiceRequest?_sort=_lastUpdated")).containsExactly("SUB-1", "SUB-2", "SUB-3");
        assertThat(order(searcher, "/fhir/ServiceRequest?_sort=-_lastUpdated")).containsExactly("SUB-3", "SUB-2", "SUB-1");
        JsonNode firstOfTwo = get(searcher, "/fhir/ServiceRequest?_sort=authored&_count=2");
        String next = firstOfTwo.path("link").get(1).path("url").asText();
        assertThat(next).contains("_sort=authored", "_offset=2");
        assertThat(order(searcher, next.substring(server.baseUrl().length()))).containsExactly("SUB-2");
        List<String> tasksByReceived = new ArrayList<>();
        get(searcher, "/fhir/Task?_sort=authored-on").path("entry")
                .forEach(e -> tasksByReceived.add(e.path("resource").path("focus").path("reference").asText()));
        assertThat(tasksByReceived.get(0)).isEqualTo("ServiceRequest/" + referralId);
        assertThat(tasksByReceived).hasSize(3);
        assertOutcome(server.get("/fhir/ServiceRequest?_sort=status", "Authorization", bearer(searcher)), 400, "invalid",
                "Sort by any of: _lastUpdated, authored");
        assertOutcome(server.get("/fhir/ServiceRequest?_sort=authored,_lastUpdated", "Authorization", bearer(searcher)), 400,
                "invalid", "_sort takes one key");
        assertOutcome(server.get("/fhir/Patient?_sort=family", "Authorization", bearer(searcher)), 400, "invalid",
                "Unsupported search parameter(s): _sort");

        // _summary=true and _elements: each resource in part, marked as a subset; the Bundle whole.
        JsonNode summary = get(searcher, "/fhir/ServiceRequest?_id=" + referralId + "&_summary=true");
        JsonNode summarised = summary.path("entry").get(0).path("resource");
        assertThat(summarised.path("status").asText()).isEqualTo("active");
        assertThat(summarised.path("subject").path("reference").asText()).isEqualTo("Patient/" + patientId);
        assertThat(summarised.path("note").isMissingNode()).as("not a summary element: " + summarised).isTrue();
        assertThat(summarised.path("meta").path("tag").findValuesAsText("code")).contains("SUBSETTED");
        assertThat(summary.path("link").get(0).path("url").asText()).contains("_summary=true");
        JsonNode elements = get(searcher, "/fhir/Task?_id=" + taskId + "&_elements=status,focus");
        JsonNode partTask = elements.path("entry").get(0).path("resource");
        assertThat(partTask.path("status").asText()).isEqualTo("requested");
        assertThat(partTask.path("focus").path("reference").asText()).isEqualTo("ServiceRequest/" + referralId);
        assertThat(partTask.path("owner").isMissingNode()).as(partTask.toString()).isTrue();
        assertThat(partTask.path("intent").asText()).as("mandatory, so given unasked").isEqualTo("order");
        assertThat(partTask.path("meta").path("tag").findValuesAsText("code")).contains("SUBSETTED");
        assertThat(elements.path("total").asInt()).isEqualTo(1);
        JsonNode readInPart = get(searcher, "/fhir/Patient/" + patientId + "?_elements=birthDate");
        assertThat(readInPart.path("birthDate").asText()).isEqualTo("1970-02-02");
        assertThat(readInPart.path("name").isMissingNode()).as(readInPart.toString()).isTrue();
        HttpResponse<String> xml = server.get("/fhir/Task/" + taskId + "?_summary=true&_format=xml", "Authorization", bearer(searcher));
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.body()).contains("<status value=\"requested\"/>", "SUBSETTED");

        assertOutcome(server.get("/fhir/ServiceRequest?_summary=yes", "Authorization", bearer(searcher)), 400, "invalid",
                "_summary must be one of");
        assertOutcome(server.get("/fhir/Task/" + taskId + "?_summary=count", "Authorization", bearer(searcher)), 400, "invalid",
                "_summary=count");
        assertOutcome(server.get("/fhir/Patient?_elements=" + encode("name,<b>"), "Authorization", bearer(searcher)), 400,
                "invalid", "_elements");
        assertOutcome(server.get("/fhir/Patient/" + patientId + "?_summary=true&_elements=name", "Authorization",
                bearer(searcher)), 400, "invalid", "not both");
    }

    /** Found probing: "1965" was served as 1965-01-01 and linked unasked to a person born that day. */
    @Test
    void aYearOnlyBirthDateIsServedAsSentAndGoesToReviewNotLinkedToNewYearsDay() {
        String gp = server.clientToken("partial-gp", server.createClient("partial-gp", "sheffield"));
        HttpResponse<String> newYearsDay = post(gp, "/fhir/ServiceRequest", containedReferral("PB-1",
                patient(null, "Partialdate", "Pia", "1965-01-01", "S2 3CD"), "2026-02-01T09:00:00Z"));
        String newYearsDayPatient = json(newYearsDay).path("subject").path("reference").asText();
        HttpResponse<String> yearOnly = post(gp, "/fhir/ServiceRequest", containedReferral("PB-2",
                patient(null, "Partialdate", "Pia", "1965", "S2 3CD"), "2026-02-02T09:00:00Z"));
        assertThat(yearOnly.statusCode()).as(yearOnly.body()).isEqualTo(201);
        String yearOnlyPatient = json(yearOnly).path("subject").path("reference").asText();
        assertThat(yearOnlyPatient).isNotEqualTo(newYearsDayPatient);
        assertThat(get(gp, "/fhir/" + yearOnlyPatient).path("birthDate").asText()).isEqualTo("1965");
        HttpResponse<String> monthOnly = post(gp, "/fhir/ServiceRequest", containedReferral("PB-3",
                patient(null, "Monthonly", "Ann", "1971-06", "S2 3CD"), "2026-02-03T09:00:00Z"));
        assertThat(get(gp, "/fhir/" + json(monthOnly).path("subject").path("reference").asText()).path("birthDate").asText())
                .isEqualTo("1971-06");

        String worker = basic("linkworker", "linkworker");
        String reviewId = reviewOf(worker, "pending", json(yearOnly).path("id").asText());
        JsonNode review = json(server.get("/api/linkage-reviews/" + reviewId, "Authorization", worker));
        assertThat(review.path("person").path("birthDate").asText()).isEqualTo("1965");
        assertThat(review.path("candidates").get(0).path("detail").asText()).contains("birth year same").doesNotContain("birth date same");

        assertThat(total(gp, "/fhir/Patient?family=partialdate&birthdate=1965")).isEqualTo(2);
        assertThat(total(gp, "/fhir/Patient?family=partialdate&birthdate=1965-08-15")).as("the year-only date overlaps").isEqualTo(1);
        assertThat(total(gp, "/fhir/Patient?family=monthonly&birthdate=ge1971-06-30")).isEqualTo(1);
        assertThat(total(gp, "/fhir/Patient?family=monthonly&birthdate=ge1971-07-01")).isZero();
    }

    /** Found probing: the old address's postcode was stored, and given names after the first were dropped. */
    @Test
    void theCurrentHomePostcodeAndEveryGivenNameAreKept() {
        String gp = server.clientToken("address-gp", server.createClient("address-gp", "sheffield"));
        String movedHouse = """
                {"resourceType":"Patient","name":[{"use":"official","family":"Movedhouse","given":["Robert","Anselm"]}],
                 "birthDate":"1950-06-06","address":[
                   {"use":"old","period":{"start":"2001-01-01","end":"2024-03-31"},"postalCode":"S1 1AA"},
                   {"use":"home","period":{"start":"2024-04-01"},"postalCode":"S9 9ZZ"}]}""";
        HttpResponse<String> created = post(gp, "/fhir/ServiceRequest", containedReferral("AD-1", movedHouse, "2026-02-01T09:00:00Z"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode patient = get(gp, "/fhir/" + json(created).path("subject").path("reference").asText());
        assertThat(patient.path("address").get(0).path("postalCode").asText()).isEqualTo("S9 9ZZ");
        assertThat(patient.path("name").get(0).path("given").toString()).isEqualTo("[\"Robert\",\"Anselm\"]");
        assertThat(total(gp, "/fhir/Patient?family=movedhouse&address-postalcode=S99ZZ")).isEqualTo(1);
        assertThat(total(gp, "/fhir/Patient?family=movedhouse&address-postalcode=S11AA")).isZero();
        assertThat(total(gp, "/fhir/Patient?given=anselm")).isEqualTo(1);
        assertThat(total(gp, "/fhir/Patient?given=ROB&family=movedhouse")).isEqualTo(1);
    }

    /**
     * Found probing: the same name, birth date and gender with a postcode in another city was linked unasked, so a
     * second GP practice's referral for another woman of that name joined the first one's record and that GP could
     * read her NHS number and postcode. It now waits for a link worker, and the second GP reads only what it sent.
     */
    @Test
    void theSameNameAndBirthDateElsewhereGoesToReviewAndTheOtherGpReadsNothingOfTheFirstPerson() {
        String otherGp = server.clientToken("elsewhere-gp", server.createClient("elsewhere-gp", "sheffield"));
        HttpResponse<String> sheffield = post(token, "/fhir/ServiceRequest", containedReferral("EL-1",
                patient(TestData.validNhsNumber(), "Elsewhere", "Alice", "1970-03-04", "S1 2AB"), "2026-02-01T09:00:00Z"));
        assertThat(sheffield.statusCode()).as(sheffield.body()).isEqualTo(201);
        HttpResponse<String> leeds = post(otherGp, "/fhir/ServiceRequest", containedReferral("EL-2",
                patient(null, "Elsewhere", "Alice", "1970-03-04", "LS6 1AN"), "2026-02-02T09:00:00Z"));
        assertThat(leeds.statusCode()).as(leeds.body()).isEqualTo(201);
        String leedsPatient = json(leeds).path("subject").path("reference").asText();
        assertThat(leedsPatient).isNotEqualTo(json(sheffield).path("subject").path("reference").asText());
        assertThat(json(leeds).path("subject").path("identifier").isMissingNode()).as("no NHS number it did not send").isTrue();
        JsonNode read = get(otherGp, "/fhir/" + leedsPatient);
        assertThat(read.path("address").get(0).path("postalCode").asText()).isEqualTo("LS6 1AN");
        assertThat(read.path("identifier").isMissingNode()).isTrue();

        String worker = basic("linkworker", "linkworker");
        String reviewId = reviewOf(worker, "pending", json(leeds).path("id").asText());
        JsonNode review = json(server.get("/api/linkage-reviews/" + reviewId, "Authorization", worker));
        assertThat(review.path("candidates").get(0).path("detail").asText()).contains("birth date same", "postcode different");
    }

    /**
     * Found probing: a person first known from a self-referral (no NHS number) and then referred by their GP with a
     * verified NHS number got a second record with no review. The GP's referral now waits for a link worker, and the
     * link gives the known record the number, so the GP's later referrals find that one record.
     */
    @Test
    void aGpReferralWithANewNhsNumberForAPersonKnownWithoutOneIsReviewed() {
        String worker = basic("linkworker", "linkworker");
        HttpResponse<String> self = postApi(worker, "/api/referrals", """
                {"area":"sheffield","source":"self","family":"Selfknown","given":"Sally","birthDate":"1980-08-08",
                 "gender":"female","postcode":"S5 5AA","reason":"Lonely since moving"}""");
        assertThat(self.statusCode()).as(self.body()).isEqualTo(201);
        String known = json(self).path("patientId").asText();
        String nhs = TestData.validNhsNumber();
        HttpResponse<String> fromGp = post(token, "/fhir/ServiceRequest", containedReferral("SK-1",
                patient(nhs, "Selfknown", "Sally", "1980-08-08", "S5 5AA"), "2026-02-01T09:00:00Z"));
        assertThat(fromGp.statusCode()).as(fromGp.body()).isEqualTo(201);
        assertThat(json(fromGp).path("subject").path("reference").asText()).isNotEqualTo("Patient/" + known);

        String reviewId = reviewOf(worker, "pending", json(fromGp).path("id").asText());
        JsonNode review = json(server.get("/api/linkage-reviews/" + reviewId, "Authorization", worker));
        assertThat(review.path("candidates").get(0).path("person").path("patientId").asText()).isEqualTo(known);
        HttpResponse<String> linked = postApi(worker, "/api/linkage-reviews/" + reviewId + "/decision",
                "{\"decision\":\"link\",\"patientId\":\"" + known + "\",\"note\":\"The GP's referral of the same person\"}");
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
        // The timeline reads the audit trail under the record that went too (it had lost the receipt).
        assertThat(server.get("/api/referrals/" + json(fromGp).path("id").asText() + "/timeline", "Authorization", worker).body())
                .contains("Referral received", "records merged");
        HttpResponse<String> again = post(token, "/fhir/ServiceRequest", containedReferral("SK-2",
                patient(nhs, "Selfknown", "Sally", "1980-08-08", "S5 5AA"), "2026-02-02T09:00:00Z"));
        assertThat(json(again).path("subject").path("reference").asText()).isEqualTo("Patient/" + known);
    }

    // ------------------------------------------------------------------ linkage review

    @Test
    void aDoubtfulMatchIsReviewedAndTheDecisionLinksTheReferral() {
        HttpResponse<String> known = post(token, "/fhir/ServiceRequest", containedReferral("L-1",
                patient(null, "Linkwell", "Priya", "1971-04-05", "S11 8YA"), "2026-02-01T09:00:00Z"));
        String knownPatient = json(known).path("subject").path("reference").asText();
        // Day and month swapped: perhaps the same person, perhaps not; a person decides.
        HttpResponse<String> doubtful = post(token, "/fhir/ServiceRequest", containedReferral("L-2",
                patient(null, "Linkwell", "Priya", "1971-05-04", "S11 8YA"), "2026-02-02T09:00:00Z"));
        assertThat(doubtful.statusCode()).isEqualTo(201);
        String referralId = json(doubtful).path("id").asText();
        assertThat(json(doubtful).path("subject").path("reference").asText()).isNotEqualTo(knownPatient);

        String worker = basic("linkworker", "linkworker");
        JsonNode queue = json(server.get("/api/linkage-reviews", "Authorization", worker));
        JsonNode item = null;
        for (JsonNode candidate : queue.path("items")) {
            if (candidate.path("referralId").asText().equals(referralId)) {
                item = candidate;
            }
        }
        assertThat(item).as("the doubtful referral is in the queue: " + queue).isNotNull();
        assertThat(item.path("reason").asText()).isEqualTo("demographics");
        String reviewId = item.path("id").asText();

        JsonNode review = json(server.get("/api/linkage-reviews/" + reviewId, "Authorization", worker));
        assertThat(review.path("person").path("birthDate").asText()).isEqualTo("1971-05-04");
        assertThat(review.path("candidates").get(0).path("person").path("patientId").asText())
                .isEqualTo(knownPatient.substring("Patient/".length()));
        assertThat(review.path("candidates").get(0).path("detail").asText()).contains("birth date close");

        HttpResponse<String> wrong = server.send(server.request("/api/linkage-reviews/" + reviewId + "/decision",
                "Authorization", worker, "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"combine\"}")));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(server.get("/api/linkage-reviews", "Authorization", bearer(token)).statusCode()).as("GP systems").isEqualTo(403);
        assertThat(server.get("/api/linkage-reviews/no-such-review", "Authorization", worker).statusCode()).isEqualTo(404);

        HttpResponse<String> linked = server.send(server.request("/api/linkage-reviews/" + reviewId + "/decision",
                "Authorization", worker, "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"link\",\"patientId\":\""
                        + knownPatient.substring("Patient/".length()) + "\",\"note\":\"Date typed the US way\"}")));
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
        assertThat(json(linked).path("status").asText()).isEqualTo("linked");

        JsonNode relinked = get(token, "/fhir/ServiceRequest/" + referralId);
        assertThat(relinked.path("subject").path("reference").asText()).isEqualTo(knownPatient);
        assertThat(relinked.path("meta").path("versionId").asText()).isEqualTo("2");
        HttpResponse<String> again = server.send(server.request("/api/linkage-reviews/" + reviewId + "/decision",
                "Authorization", worker, "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"keep-apart\"}")));
        assertThat(again.statusCode()).isEqualTo(409);
    }
    private HttpResponse<String> postApi(String authorization, String path, String body) {
        return server.send(server.request(path, "Authorization", authorization, "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private String reviewOf(String worker, String status, String referralId) {
        for (JsonNode item : json(server.get("/api/linkage-reviews?status=" + status + "&count=100", "Authorization", worker)).path("items")) {
            if (item.path("referralId").asText().equals(referralId)) {
                return item.path("id").asText();
            }
        }
        throw new AssertionError("No " + status + " review of referral " + referralId);
    }

    /** Issue 5: "merge later with the referrals following the merge", from the queue and by staff. */
    @Test
    void aPersonKeptApartIsMergedLaterAndEveryReferralFollows() {
        String known = json(post(token, "/fhir/ServiceRequest", containedReferral("M-1",
                patient(null, "Mergeley", "Rowan", "1958-06-07", "S10 1AB"), "2026-02-01T09:00:00Z"))).path("subject").path("reference").asText();
        String knownId = known.substring("Patient/".length());
        JsonNode doubtful = json(post(token, "/fhir/ServiceRequest", containedReferral("M-2",
                patient(null, "Mergeley", "Rowan", "1958-07-06", "S10 1AB"), "2026-02-02T09:00:00Z")));
        String keptApart = doubtful.path("subject").path("reference").asText();
        String worker = basic("linkworker", "linkworker");
        String reviewId = reviewOf(worker, "pending", doubtful.path("id").asText());
        assertThat(postApi(worker, "/api/linkage-reviews/" + reviewId + "/decision", "{\"decision\":\"keep-apart\",\"note\":\"Twins?\"}")
                .statusCode()).isEqualTo(200);
        // Sent again with the same details, the referral joins the record kept apart.
        JsonNode again = json(post(token, "/fhir/ServiceRequest", containedReferral("M-3",
                patient(null, "Mergeley", "Rowan", "1958-07-06", "S10 1AB"), "2026-02-03T09:00:00Z")));
        assertThat(again.path("subject").path("reference").asText()).isEqualTo(keptApart);
        assertThat(reviewOf(worker, "kept-apart", doubtful.path("id").asText())).isEqualTo(reviewId);
        assertThat(json(server.get("/api/linkage-reviews/" + reviewId, "Authorization", worker)).path("decisionNote").asText())
                .as("whoever reconsiders it reads why it was kept apart").isEqualTo("Twins?");

        HttpResponse<String> noReason = postApi(worker, "/api/linkage-reviews/" + reviewId + "/decision",
                "{\"decision\":\"merge\",\"patientId\":\"" + knownId + "\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("note is required");
        HttpResponse<String> merged = postApi(worker, "/api/linkage-reviews/" + reviewId + "/decision",
                "{\"decision\":\"merge\",\"patientId\":\"" + knownId + "\",\"note\":\"GP confirmed one person\"}");
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        assertThat(json(merged).path("status").asText()).isEqualTo("linked");

        for (JsonNode referral : List.of(doubtful, again)) {
            JsonNode now = get(token, "/fhir/ServiceRequest/" + referral.path("id").asText());
            assertThat(now.path("subject").path("reference").asText()).as("every referral follows the merge").isEqualTo(known);
            assertThat(now.path("meta").path("versionId").asText()).isEqualTo("2");
        }
        // The record that went answers as FHIR's patient merge leaves its source: inactive, replaced by the stayer.
        JsonNode went = get(token, "/fhir/" + keptApart);
        assertThat(went.path("active").asBoolean(true)).isFalse();
        assertThat(went.path("link").get(0).path("type").asText()).isEqualTo("replaced-by");
        assertThat(went.path("link").get(0).path("other").path("reference").asText()).isEqualTo(known);
        assertThat(went.has("name")).as("no details stay on the record that went").isFalse();
        assertThat(server.get("/fhir/" + keptApart + "/_history/1", "Authorization", bearer(token)).statusCode()).isEqualTo(404);
        String outsider = bearer(server.clientToken("merge-outsider-gp", server.createClient("merge-outsider-gp", "sheffield")));
        assertThat(server.get("/fhir/" + keptApart, "Authorization", outsider).statusCode())
                .as("a sender who sent none of the person's referrals learns nothing of the merge").isEqualTo(404);
        JsonNode history = json(server.get("/api/patients/" + knownId + "/history", "Authorization", worker));
        assertThat(history.path("previous").findValuesAsText("reason"))
                .anySatisfy(reason -> assertThat(reason).startsWith("Merged from record " + keptApart.substring("Patient/".length())));
        assertThat(json(server.get("/fhir/ServiceRequest?patient=" + known + "&_total=accurate", "Authorization", bearer(token)))
                .path("total").asInt()).isEqualTo(3);
    }

    @Test
    void staffMergeTwoEstablishedRecordsAndThePersonsAuditTrailReadsBoth() {
        String admin = basic("admin", "admin");
        String worker = basic("linkworker", "linkworker");
        JsonNode first = json(post(token, "/fhir/ServiceRequest", containedReferral("MS-1",
                patient(null, "Staffmerge", "Ines", "1980-01-02", "S2 3CD"), "2026-02-01T09:00:00Z")));
        JsonNode second = json(post(token, "/fhir/ServiceRequest", containedReferral("MS-2",
                patient(null, "Marriedname", "Ines", "1980-01-02", "S8 9EF"), "2026-02-02T09:00:00Z")));
        String from = second.path("subject").path("reference").asText().substring("Patient/".length());
        String into = first.path("subject").path("reference").asText().substring("Patient/".length());
        assertThat(from).isNotEqualTo(into);
        assertThat(server.get("/api/patients/" + from + "/audit", "Authorization", admin).statusCode()).isEqualTo(200);
        com.fasterxml.jackson.databind.node.ObjectNode answers = WaymarkServer.objectMapper().createObjectNode();
        json(server.get("/api/digital-skills/framework", "Authorization", worker)).path("areas")
                .forEach(area -> area.path("statements").forEach(statement -> answers.put(statement.path("code").asText(), "help")));
        HttpResponse<String> assessed = postApi(worker, "/api/digital-skills/referrals/" + second.path("id").asText() + "/assessments",
                "{\"answers\":" + answers + "}");
        assertThat(assessed.statusCode()).as(assessed.body()).isEqualTo(201);
        String assessment = json(assessed).path("id").asText();
        // Found probing: a field named again after the others answered 500.
        HttpResponse<String> twice = postApi(worker, "/api/patients/" + from + "/merge",
                "{\"into\":\"" + into + "\",\"reason\":\"x\",\"into\":\"" + from + "\"}");
        assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);

        assertThat(postApi(bearer(token), "/api/patients/" + from + "/merge", "{\"into\":\"" + into + "\",\"reason\":\"x\"}")
                .statusCode()).as("GP systems do not merge").isEqualTo(403);
        HttpResponse<String> itself = postApi(worker, "/api/patients/" + from + "/merge", "{\"into\":\"" + from + "\",\"reason\":\"x\"}");
        assertThat(itself.statusCode()).isEqualTo(422);
        assertThat(itself.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(postApi(worker, "/api/patients/" + from + "/merge", "{\"into\":\"no-such-person\",\"reason\":\"x\"}")
                .statusCode()).isEqualTo(404);
        assertThat(postApi(worker, "/api/patients/" + from + "/merge", "{\"into\":\"" + into + "\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> merged = postApi(worker, "/api/patients/" + from + "/merge",
                "{\"into\":\"" + into + "\",\"reason\":\"Changed her name on marrying; the practice confirmed\"}");
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        assertThat(json(merged).path("referralsMoved").get(0).asText()).isEqualTo(second.path("id").asText());
        assertThat(get(token, "/fhir/ServiceRequest/" + second.path("id").asText()).path("subject").path("reference").asText())
                .isEqualTo("Patient/" + into);
        assertThat(postApi(worker, "/api/patients/" + from + "/merge", "{\"into\":\"" + into + "\",\"reason\":\"again\"}")
                .statusCode()).as("the record is gone").isEqualTo(404);

        // Found probing: the assessment, served as FHIR, still named the removed Patient.
        JsonNode response = json(server.get("/fhir/QuestionnaireResponse/" + assessment, "Authorization", worker));
        assertThat(response.path("subject").path("reference").asText()).isEqualTo("Patient/" + into);
        assertThat(response.path("meta").path("versionId").asText()).isEqualTo("2");

        JsonNode trail = json(server.get("/api/patients/" + into + "/audit", "Authorization", admin));
        assertThat(trail.findValuesAsText("resourceId")).as("entries written under the record that went").contains(from)
                .contains(from + " merged into " + into);
    }

    // ------------------------------------------------------------------ profile validation

    private static final String UK_CORE_SERVICE_REQUEST = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest";

    private static List<String> severities(JsonNode outcome) {
        return outcome.path("issue").findValuesAsText("severity");
    }

    @Test
    void validateAnswersTheValidatorsFindingsAsAnOperationOutcome() {
        String good = containedReferral("VAL-1", patient("9990020043", "Valid", "Vera", "1950-02-03", "S1 2AB"),
                "2026-03-15T10:00:00Z");
        HttpResponse<String> valid = post(token, "/fhir/$validate", good);
        assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
        assertThat(json(valid).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(severities(json(valid))).doesNotContain("error", "fatal");

        // Type level, with the faults a strict parser lets through: no status or intent (required), a bad code.
        String bad = "{\"resourceType\":\"ServiceRequest\",\"subject\":{\"reference\":\"Patient/1\"},"
                + "\"priority\":\"whenever\"}";
        HttpResponse<String> invalid = post(token, "/fhir/ServiceRequest/$validate", bad);
        assertThat(invalid.statusCode()).as("findings are the answer, not a failure: " + invalid.body()).isEqualTo(200);
        JsonNode issues = json(invalid).path("issue");
        assertThat(severities(json(invalid))).contains("error");
        assertThat(issues.findValuesAsText("diagnostics")).anySatisfy(d -> assertThat(d).contains("ServiceRequest.status"))
                .anySatisfy(d -> assertThat(d).contains("whenever"));

        // A Parameters body naming a UK Core profile this server does not hold, answered in XML as asked.
        String parameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":" + good
                + "},{\"name\":\"profile\",\"valueUri\":\"" + UK_CORE_SERVICE_REQUEST + "\"}]}";
        HttpResponse<String> xml = post(token, "/fhir/ServiceRequest/$validate?_format=xml", parameters);
        assertThat(xml.statusCode()).as(xml.body()).isEqualTo(200);
        assertThat(xml.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+xml");
        assertThat(xml.body()).startsWith("<OperationOutcome").contains(UK_CORE_SERVICE_REQUEST)
                .contains("not available").doesNotContain("value=\"error\"");

        // Bad requests keep the product's rules: 4xx with an OperationOutcome.
        assertOutcome(post(token, "/fhir/Patient/$validate", good), 400, "invalid", "not a Patient");
        assertOutcome(post(token, "/fhir/$validate", "this is not FHIR"), 400, "invalid", "not a FHIR");
        assertOutcome(post(token, "/fhir/$validate", "{\"resourceType\":\"Parameters\"}"), 400, "invalid", "resource");
        assertOutcome(server.send(server.request("/fhir/$validate").header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(good))), 401, "login", "");

        JsonNode rest = json(server.get("/fhir/metadata")).path("rest").get(0);
        assertThat(rest.path("operation").findValuesAsText("name")).contains("validate");
        assertThat(rest.path("operation").findValuesAsText("definition"))
                .contains("http://hl7.org/fhir/OperationDefinition/Resource-validate");
    }

    @Test
    void aReferralReceivedOverFhirIsValidatedAfterIntakeAndFlaggedNotRefused() {
        // A telecom value without a system breaks invariant cpt-2: intake accepts it, validation flags it.
        String flawed = containedReferral("VAL-2", patient("9990020051", "Flagged", "Fay", "1950-02-03", "S1 2AB")
                .replace("\"gender\":", "\"telecom\":[{\"value\":\"0114 496 0000\"}],\"gender\":"), "2026-03-15T10:00:00Z");
        HttpResponse<String> created = post(token, "/fhir/ServiceRequest", flawed);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created).path("id").asText();
        String worker = basic("linkworker", "linkworker");

        JsonNode validation = org.awaitility.Awaitility.await("the referral's profile validation")
                .atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> json(server.get("/api/referrals/" + id, "Authorization", worker)).path("validation"),
                        v -> !v.path("state").asText().equals("pending"));

        assertThat(validation.path("state").asText()).as(validation.toString()).isEqualTo("invalid");
        assertThat(validation.path("errors").asInt()).isPositive();
        assertThat(validation.path("issues").findValuesAsText("message")).anySatisfy(m -> assertThat(m).contains("cpt-2"));
        assertThat(json(server.get("/fhir/ServiceRequest/" + id, "Authorization", bearer(token))).path("status").asText())
                .as("flagged, not refused").isEqualTo("active");
    }
}
