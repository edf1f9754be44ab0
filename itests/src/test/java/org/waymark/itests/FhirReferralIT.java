package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A GP system's view of Waymark, over HTTP against the built distribution: get a token, send a referral, read it
 * back, follow its Task, and be refused clearly when something is wrong.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FhirReferralIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static String token;

    @BeforeAll
    static void token() {
        token = server.demoClientToken();
    }

    @Test
    void anOnlineBackupRestoresEveryReferral() throws Exception {
        long stored = total();
        assertThat(stored).isPositive();
        if (PostgresServer.selected()) {
            // PostgreSQL is backed up with pg_dump; the command says so rather than pretending.
            assertThatThrownBy(() -> server.admin("backup", server.dataDir().resolve("backups").toString()))
                    .hasMessageContaining("pg_dump");
            return;
        }
        String answer = server.admin("backup", server.dataDir().resolve("backups").toString());
        Path backup = Path.of(answer.substring(answer.indexOf('/')).strip());
        WaymarkServer restored = new WaymarkServer().withRestoredDatabase(backup.resolve("db"));
        restored.start("FhirReferralIT-restored");
        try {
            String restoredToken = restored.demoClientToken();
            HttpResponse<String> search = restored.get("/fhir/ServiceRequest?_count=0", "Authorization", bearer(restoredToken));
            assertThat(json(search).path("total").asLong()).as("referrals in the restored copy").isEqualTo(stored);
        } finally {
            restored.shutdown();
        }
    }

    private static long total() {
        return json(getAs("/fhir/ServiceRequest?_count=0")).path("total").asLong();
    }

    static String serviceRequest(String identifier, String nhsNumber, String family) {
        return """
                {"resourceType":"ServiceRequest","status":"active","intent":"order","priority":"routine",
                 "identifier":[{"system":"https://gp.example/referrals","value":"%s"}],
                 "contained":[{"resourceType":"Patient","id":"p1",
                   "identifier":[{"system":"%s","value":"%s"}],
                   "name":[{"family":"%s","given":["Jo"]}],"birthDate":"1950-02-03","gender":"female",
                   "address":[{"postalCode":"S1 2AB"}]}],
                 "subject":{"reference":"#p1"},"reasonCode":[{"text":"Lonely since moving"}],
                 "authoredOn":"2026-11-20T10:00:00Z","requester":{"display":"Dr Who"}}
                """.formatted(identifier, NHS, nhsNumber, family);
    }

    private static HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder request = server.request(path, headers).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length == 0 || !String.join(",", headers).contains("Authorization")) {
            request.header("Authorization", bearer(token));
        }
        return server.send(request);
    }

    private static HttpResponse<String> getAs(String path, String... headers) {
        return server.get(path, concat(headers, "Authorization", bearer(token)));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    @Order(1)
    void referralIsStoredAndFollowedThroughItsTask() {
        HttpResponse<String> created = post("/fhir/ServiceRequest", "application/fhir+json; fhirVersion=4.0",
                serviceRequest("IT-1", "9990012229", "Jacobs"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(server.baseUrl() + "/fhir/ServiceRequest/").endsWith("/_history/1");
        JsonNode body = json(created);
        String id = body.path("id").asText();
        // The Location names the version, as FHIR says, and reads (vread); only the current version is kept.
        HttpResponse<String> version = getAs(URI.create(location).getPath());
        assertThat(version.statusCode()).as(version.body()).isEqualTo(200);
        assertThat(json(version).path("id").asText()).isEqualTo(id);
        assertThat(version.headers().firstValue("ETag")).hasValue("W/\"1\"");
        assertOutcome(getAs("/fhir/ServiceRequest/" + id + "/_history/2"), 404, "not-found");
        assertThat(body.path("subject").path("reference").asText()).startsWith("Patient/");
        assertThat(body.path("subject").path("identifier").path("value").asText()).isEqualTo("9990012229");

        JsonNode read = json(getAs("/fhir/ServiceRequest/" + id));
        assertThat(read.path("identifier").get(0).path("value").asText()).isEqualTo("IT-1");

        JsonNode byNhs = json(getAs("/fhir/ServiceRequest?patient:identifier=" + NHS + "%7C9990012229"));
        assertThat(byNhs.path("type").asText()).isEqualTo("searchset");
        assertThat(byNhs.path("total").asInt()).isEqualTo(1);
        assertThat(byNhs.path("entry").get(0).path("fullUrl").asText()).isEqualTo(server.baseUrl() + "/fhir/ServiceRequest/" + id);

        JsonNode tasks = json(getAs("/fhir/Task?focus=ServiceRequest/" + id));
        assertThat(tasks.path("total").asInt()).isEqualTo(1);
        JsonNode task = tasks.path("entry").get(0).path("resource");
        assertThat(task.path("status").asText()).isEqualTo("requested");
        assertThat(task.path("intent").asText()).isEqualTo("order");
        assertThat(json(getAs("/fhir/Task/" + task.path("id").asText())).path("focus").path("reference").asText())
                .isEqualTo("ServiceRequest/" + id);
        assertThat(getAs("/fhir/Task/" + task.path("id").asText() + "/_history/" + task.path("meta").path("versionId").asText())
                .statusCode()).isEqualTo(200);

        String patient = body.path("subject").path("reference").asText();
        JsonNode patientResource = json(getAs("/fhir/" + patient));
        assertThat(patientResource.path("name").get(0).path("family").asText()).isEqualTo("Jacobs");
        assertThat(json(getAs("/fhir/" + patient + "/_history/" + patientResource.path("meta").path("versionId").asText()))
                .path("name").get(0).path("family").asText()).isEqualTo("Jacobs");
        assertOutcome(getAs("/fhir/" + patient + "/_history/99"), 404, "not-found");
        String otherClient = server.clientToken("vread-gp", server.createClient("vread-gp", "sheffield"));
        assertOutcome(server.get("/fhir/" + patient + "/_history/1", "Authorization", bearer(otherClient)), 404, "not-found");
        assertThat(json(getAs("/fhir/Patient?identifier=" + NHS + "%7C9990012229")).path("total").asInt()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void retryWithTheSameIdentifierReturnsTheSameReferral() {
        HttpResponse<String> first = post("/fhir/ServiceRequest", "application/fhir+json", serviceRequest("IT-2", "9990012598", "Retry"));
        HttpResponse<String> again = post("/fhir/ServiceRequest", "application/fhir+json", serviceRequest("IT-2", "9990012598", "Retry"));
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("id").asText()).isEqualTo(json(first).path("id").asText());
        assertThat(json(getAs("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-2")).path("total").asInt()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void conditionalCreateByIdentifierAndPreferMinimal() {
        String body = serviceRequest("IT-COND", TestData.validNhsNumber(), "Conditional");
        String condition = "identifier=https://gp.example/referrals%7CIT-COND";
        HttpResponse<String> first = post("/fhir/ServiceRequest", "application/fhir+json", body, "If-None-Exist", condition,
                "Prefer", "return=minimal");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.body()).isEmpty();
        String location = first.headers().firstValue("Location").orElseThrow();
        assertThat(location).contains("/fhir/ServiceRequest/").endsWith("/_history/1");
        assertThat(first.headers().firstValue("ETag")).hasValue("W/\"1\"");

        HttpResponse<String> matched = post("/fhir/ServiceRequest", "application/fhir+json", body, "If-None-Exist", condition);
        assertThat(matched.statusCode()).as("one match: the existing referral").isEqualTo(200);
        assertThat(json(matched).path("id").asText()).isEqualTo(location.split("/")[location.split("/").length - 3]);
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json", body, "If-None-Exist",
                "identifier=https://gp.example/referrals%7COTHER"), 400, "invalid");
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json", body, "If-None-Exist", "status=active"), 400, "invalid");
        assertThat(json(getAs("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-COND")).path("total").asInt()).isEqualTo(1);

        // Comma is FHIR's OR in a token search.
        int active = json(getAs("/fhir/ServiceRequest?status=active&_count=0")).path("total").asInt();
        int revoked = json(getAs("/fhir/ServiceRequest?status=revoked&_count=0")).path("total").asInt();
        HttpResponse<String> either = getAs("/fhir/ServiceRequest?status=active,revoked&_count=0");
        assertThat(either.statusCode()).as(either.body()).isEqualTo(200);
        assertThat(json(either).path("total").asInt()).isPositive().isEqualTo(active + revoked);
        assertOutcome(getAs("/fhir/ServiceRequest?status=active,nonsense"), 400, "invalid");
        assertOutcome(getAs("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-COND,https://gp.example/referrals%7CIT-2"),
                400, "invalid");
    }

    @Test
    @Order(2)
    void copiesOfOneReferralSentAtOnceStoreItOnce() throws Exception {
        String body = serviceRequest("IT-2-AT-ONCE", TestData.validNhsNumber(), "AtOnce");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> copies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                copies.add(pool.submit(() -> post("/fhir/ServiceRequest", "application/fhir+json", body)));
            }
            Set<String> ids = new HashSet<>();
            int created = 0;
            for (Future<HttpResponse<String>> copy : copies) {
                HttpResponse<String> answer = copy.get(60, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isIn(200, 201);
                created += answer.statusCode() == 201 ? 1 : 0;
                ids.add(json(answer).path("id").asText());
            }
            assertThat(created).isEqualTo(1);
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(json(getAs("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-2-AT-ONCE")).path("total").asInt())
                .isEqualTo(1);
    }

    @Test
    @Order(3)
    void xmlInAndOut() {
        String xml = """
                <ServiceRequest xmlns="http://hl7.org/fhir">
                  <identifier><system value="https://gp.example/referrals"/><value value="IT-XML"/></identifier>
                  <status value="active"/><intent value="order"/>
                  <subject><identifier><system value="%s"/><value value="9990010749"/></identifier></subject>
                </ServiceRequest>""".formatted(NHS);
        HttpResponse<String> created = post("/fhir/ServiceRequest", "application/fhir+xml;version=1.1.0", xml,
                "Accept", "application/fhir+xml");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/fhir+xml");
        assertThat(created.body()).contains("<ServiceRequest xmlns=\"http://hl7.org/fhir\">").contains("9990010749");
        assertThat(getAs("/fhir/metadata?_format=xml").body()).startsWith("<CapabilityStatement");
        assertThat(getAs("/fhir/metadata?_format=application/fhir%2Bxml").body()).startsWith("<CapabilityStatement");
        // A format Waymark cannot give is refused (406, in JSON), not answered in another format the caller did not ask for.
        HttpResponse<String> turtle = getAs("/fhir/Task?_format=ttl");
        assertOutcome(turtle, 406, "not-supported");
        assertThat(json(turtle).path("issue").get(0).path("diagnostics").asText()).contains("_format 'ttl'");
    }

    @Test
    @Order(3)
    void aBodyIsReadInItsDeclaredCharsetAndOtherwiseMustBeUtf8() {
        byte[] latin1 = serviceRequest("IT-LATIN1", TestData.validNhsNumber(), "Bront\u00eb").getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> undeclared = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));
        assertOutcome(undeclared, 400, "invalid");
        assertThat(json(undeclared).path("issue").get(0).path("diagnostics").asText()).isEqualTo("The body is not valid UTF-8");
        assertThat(json(getAs("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-LATIN1")).path("total").asInt()).isZero();

        HttpResponse<String> declared = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token),
                "Content-Type", "application/fhir+json;charset=ISO-8859-1").POST(HttpRequest.BodyPublishers.ofByteArray(latin1)));
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(201);
        String patient = json(declared).path("subject").path("reference").asText();
        assertThat(json(getAs("/fhir/" + patient)).path("name").get(0).path("family").asText()).isEqualTo("Bront\u00eb");

        // Windows senders put a byte order mark before JSON too; it was refused as not starting with '{'.
        byte[] withBom = ("\uFEFF" + serviceRequest("IT-BOM", TestData.validNhsNumber(), "Bom")).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> bom = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofByteArray(withBom)));
        assertThat(bom.statusCode()).as(bom.body()).isEqualTo(201);

        // Found probing: a property named twice in JSON was read as its last value (XML refuses the repetition).
        HttpResponse<String> twice = post("/fhir/ServiceRequest", "application/fhir+json",
                serviceRequest("IT-TWICE", TestData.validNhsNumber(), "Twice").replace("\"intent\":\"order\"",
                        "\"intent\":\"order\",\"intent\":\"plan\""));
        assertOutcome(twice, 400, "invalid");
        assertThat(json(twice).path("issue").get(0).path("diagnostics").asText()).contains("the property 'intent' appears twice");
        assertThat(json(getAs("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-TWICE")).path("total").asInt()).isZero();

        // Found probing: a gzipped body was refused as "not valid UTF-8" (nothing inflates it); it is a 415 that says so.
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(serviceRequest("IT-GZIP", TestData.validNhsNumber(), "Gzip").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpResponse<String> compressed = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token),
                "Content-Type", "application/fhir+json", "Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())));
        assertOutcome(compressed, 415, "not-supported");
        assertThat(json(compressed).path("issue").get(0).path("diagnostics").asText()).contains("send the body uncompressed");
    }

    /** A note over 4,000 characters was cut without a word to the sender. */
    @Test
    @Order(3)
    void textLongerThanIsKeptIsShortenedWithAWarning() {
        String longNote = "Lives alone. ".repeat(400).strip();
        String body = serviceRequest("IT-LONG", TestData.validNhsNumber(), "Long")
                .replace("\"requester\"", "\"note\":[{\"text\":\"" + longNote + "\"}],\"requester\"");
        HttpResponse<String> created = post("/fhir/ServiceRequest", "application/fhir+json", body, "Prefer", "return=OperationOutcome",
                "Authorization", bearer(token));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).path("issue").toString()).contains("\"severity\":\"warning\"")
                .contains("The note is 5,199 characters long; staff see its first 4,000");
    }

    @Test
    @Order(4)
    void unverifiedNhsNumberIsAcceptedWithAWarning() {
        HttpResponse<String> created = post("/fhir/ServiceRequest", "application/fhir+json",
                serviceRequest("IT-4", "9990010006", "Unverified"), "Prefer", "return=OperationOutcome",
                "Authorization", bearer(token));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode outcome = json(created);
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(created.body()).contains("\"severity\":\"warning\"").contains("check digit");
        // Found probing: this answer's Location had no version and it had no ETag, unlike return=minimal's.
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
                .contains("/fhir/ServiceRequest/").endsWith("/_history/1"));
        assertThat(created.headers().firstValue("ETag")).hasValue("W/\"1\"");
        // Found probing: the referral's subject showed this number bare, while its Patient marked it unverified.
        String location = created.headers().firstValue("Location").orElseThrow();
        JsonNode subject = json(getAs(location.substring(location.indexOf("/fhir/")))).path("subject").path("identifier");
        assertThat(subject.path("value").asText()).isEqualTo("9990010006");
        assertThat(subject.path("extension").toString())
                .contains("nhs-number-check-digit-valid").contains("\"valueBoolean\":false");
    }

    @Test
    @Order(5)
    void badInputIsAClearOperationOutcomeAndStoresNothing() {
        int before = json(getAs("/fhir/ServiceRequest?_count=0")).path("total").asInt();
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json", "{\"resourceType\":\"ServiceRequest\","), 400, "invalid");
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json", serviceRequest("IT-5", "12345", "Short")), 400, "invalid");
        assertOutcome(post("/fhir/ServiceRequest", "text/plain", "hello"), 415, "not-supported");
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json", "{\"resourceType\":\"Patient\"}"), 400, "invalid");
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json",
                "{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/nobody\"}}"),
                422, "business-rule");
        String huge = "{\"resourceType\":\"ServiceRequest\",\"note\":[{\"text\":\"" + "x".repeat(6 * 1024 * 1024) + "\"}]}";
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json", huge), 413, "too-costly");
        assertOutcome(getAs("/fhir/ServiceRequest?colour=blue"), 400, "invalid");
        assertOutcome(getAs("/fhir/ServiceRequest/no-such-id"), 404, "not-found");
        assertOutcome(getAs("/fhir/ServiceRequest/no-such-id/_history/1"), 404, "not-found");
        // An identifier without a system would be dropped, and a retry would create a second referral.
        HttpResponse<String> noSystem = post("/fhir/ServiceRequest", "application/fhir+json", serviceRequest("NOSYS-1", "9990012229", "NoSystem")
                .replace("\"system\":\"https://gp.example/referrals\",", ""));
        assertOutcome(noSystem, 422, "business-rule");
        assertThat(noSystem.body()).contains("needs both a system and a value");
        String deep = "{\"resourceType\":\"ServiceRequest\",\"note\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        HttpResponse<String> nested = post("/fhir/ServiceRequest", "application/fhir+json", deep);
        assertOutcome(nested, 400, "invalid");
        assertThat(json(nested).path("issue").get(0).path("diagnostics").asText())
                .isEqualTo("The body is nested too deeply (more than 1000 levels)");
        // A 14-byte number HAPI echoes as 100,000 digits once held a request thread for minutes.
        long started = System.nanoTime();
        assertOutcome(post("/fhir/ServiceRequest", "application/fhir+json", "{\"resourceType\":\"ServiceRequest\",\"status\":1e99999}"),
                400, "invalid");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(10));
        // Methods a route does not offer: 405 with the ones it does (RFC 9110), on /fhir and on /api.
        HttpResponse<String> put = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token),
                "Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertOutcome(put, 405, "not-supported");
        assertThat(put.headers().firstValue("Allow").orElse("")).contains("GET").contains("POST");
        HttpResponse<String> apiPut = server.send(server.request("/api/health").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(apiPut.statusCode()).isEqualTo(405);
        assertThat(apiPut.headers().firstValue("Allow").orElse("")).contains("GET");
        // CONNECT never reaches the FHIR servlet (Jetty routes it to the root context): not "starting", not retried.
        String connect = rawRequest("CONNECT /fhir/ServiceRequest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(connect).startsWith("HTTP/1.1 501").contains("\"code\":\"not-supported\"").doesNotContain("Retry-After")
                .doesNotContainPattern(JavaInternals.PATTERN);
        assertThat(json(getAs("/fhir/ServiceRequest?_count=0")).path("total").asInt()).isEqualTo(before);
    }

    /**
     * A request the HTTP client cannot send (it refuses CONNECT), written to a socket; the answer up to the end of its
     * body (Content-Length), since after a CONNECT the server keeps the connection open whatever the request said.
     */
    private static String rawRequest(String request) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            int end = -1;
            int length = 0;
            while (end < 0 || answer.length() < end + 4 + length) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                answer.append((char) b);
                if (end < 0 && answer.toString().endsWith("\r\n\r\n")) {
                    end = answer.length() - 4;
                    Matcher contentLength = Pattern.compile("(?i)\r\ncontent-length:\\s*(\\d+)").matcher(answer);
                    length = contentLength.find() ? Integer.parseInt(contentLength.group(1)) : 0;
                }
            }
            return answer.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertOutcome(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode outcome = json(response);
        assertThat(outcome.path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.path("issue").get(0).path("code").asText()).isEqualTo(code);
        assertThat(response.body()).doesNotContainPattern(JavaInternals.PATTERN);
    }

    @Test
    @Order(6)
    void aClientSeesOnlyWhatItSent() throws Exception {
        String secret = server.createClient("other-gp", "sheffield");
        String otherToken = server.clientToken("other-gp", secret);
        String id = json(getAs("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-1")).path("entry").get(0)
                .path("resource").path("id").asText();
        assertThat(server.get("/fhir/ServiceRequest/" + id, "Authorization", bearer(otherToken)).statusCode()).isEqualTo(404);
        assertThat(json(server.get("/fhir/ServiceRequest?identifier=https://gp.example/referrals%7CIT-1", "Authorization",
                bearer(otherToken))).path("total").asInt()).isZero();
        assertThat(json(server.get("/fhir/Patient?identifier=" + NHS + "%7C9990012229", "Authorization", bearer(otherToken)))
                .path("total").asInt()).isZero();
    }

    @Test
    @Order(7)
    void everyRouteButThePublicOnesRefusesAnonymousAndForgedCallers() {
        JsonNode routes = json(server.get("/api/admin/routes", "Authorization", basic("admin", "admin")));
        assertThat(routes.size()).isGreaterThan(10);
        String forged = bearer(UUID.randomUUID().toString().replace("-", "") + "forged");
        List<String> open = new ArrayList<>();
        for (JsonNode route : routes) {
            String path = route.path("path").asText().replaceAll("\\{[^}]+}", "some-id");
            String method = route.path("method").asText();
            for (String[] credentials : List.of(new String[0], new String[] {"Authorization", forged})) {
                HttpRequest.Builder request = server.request(path, credentials)
                        .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{}"))
                        .header("Content-Type", "application/json");
                int status = server.send(request).statusCode();
                if (route.path("open").asBoolean()) {
                    assertThat(status).as(method + " " + path + " is public").isNotEqualTo(401).isLessThan(500);
                } else {
                    assertThat(status).as(method + " " + path + " with " + (credentials.length == 0 ? "no" : "forged")
                            + " credentials").isEqualTo(401);
                }
            }
            if (route.path("open").asBoolean()) {
                open.add(method + " " + route.path("path").asText());
            }
        }
        // The public routes of the contract, and no others: the directory's Open Referral API is public and read-only.
        assertThat(open).filteredOn(route -> route.contains(" /directory")).isNotEmpty().allMatch(route -> route.startsWith("GET "));
        // One-time link pages are public too: their token is the credential.
        assertThat(open).filteredOn(route -> !route.startsWith("GET /directory")).containsExactlyInAnyOrder("GET /api/health",
                "POST /api/session", "GET /fhir/metadata", "POST /oauth2/token", "GET /api/onward-answers/{token}",
                "POST /api/onward-answers/{token}", "POST /api/onward-answers/{token}", "GET /api/directory-checks/{token}",
                "POST /api/directory-checks/{token}", "POST /api/directory-checks/{token}",
                "GET /fhir/Questionnaire", "GET /fhir/Questionnaire/{id}",
                "GET /api/digital-skills-links/{token}", "POST /api/digital-skills-links/{token}");
    }

    @Test
    @Order(8)
    void acknowledgedReferralSurvivesKillMinus9() {
        HttpResponse<String> created = post("/fhir/ServiceRequest", "application/fhir+json", serviceRequest("IT-KILL", "9990011117", "Durable"));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created).path("id").asText();
        server.kill();
        server.restart();
        token = server.demoClientToken();
        HttpResponse<String> read = getAs("/fhir/ServiceRequest/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read).path("identifier").get(0).path("value").asText()).isEqualTo("IT-KILL");
        assertThat(URI.create(created.headers().firstValue("Location").orElseThrow()).getPath()).contains(id);
    }

    @Test
    @Order(9)
    void linkWorkersDecisionReachesTheGpsTask() {
        HttpResponse<String> created = post("/fhir/ServiceRequest", "application/fhir+json",
                serviceRequest("IT-ACCEPT", "9990010374", "Accepted"));
        String id = json(created).path("id").asText();
        String worker = basic("linkworker", "linkworker");
        // The GP system polls its Task with the version it holds: nothing is sent again until the Task changes.
        String taskPath = "/fhir/Task/" + json(getAs("/fhir/Task?focus=ServiceRequest/" + id)).path("entry").get(0)
                .path("resource").path("id").asText();
        String heldTag = getAs(taskPath).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> unchanged = getAs(taskPath, "If-None-Match", heldTag);
        assertThat(unchanged.statusCode()).as(unchanged.body()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(unchanged.headers().firstValue("ETag")).hasValue(heldTag);

        HttpResponse<String> item = server.get("/api/referrals/" + id, "Authorization", worker);
        assertThat(item.statusCode()).isEqualTo(200);
        String etag = item.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> accepted = server.send(server.request("/api/referrals/" + id + "/status", "Authorization", worker,
                "If-Match", etag, "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"accepted\"}")));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(json(accepted).path("assignee").asText()).isEqualTo("linkworker");

        HttpResponse<String> stale = server.send(server.request("/api/referrals/" + id + "/status", "Authorization", worker,
                "If-Match", etag, "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"on-hold\",\"reason\":\"In hospital\"}")));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");

        JsonNode task = json(getAs("/fhir/Task?focus=ServiceRequest/" + id)).path("entry").get(0).path("resource");
        assertThat(task.path("status").asText()).isEqualTo("accepted");
        assertThat(task.path("meta").path("versionId").asText()).isEqualTo("2");
        HttpResponse<String> changed = getAs(taskPath, "If-None-Match", heldTag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(json(changed).path("status").asText()).isEqualTo("accepted");

        HttpResponse<String> byGp = server.send(server.request("/api/referrals/" + id + "/status", "Authorization", bearer(token),
                "Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"completed\"}")));
        assertThat(byGp.statusCode()).as("a GP system may not work referrals").isEqualTo(403);
    }
}
