package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The platform as a client sees it over HTTP: readiness, sign-in, tokens, error answers, limits, durability. */
class PlatformIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String SESSION_COOKIE = "WAYMARK_SESSION";
    /** A 5 MiB limit; one byte over must be refused. */
    private static final int OVER_LIMIT = 5 * 1024 * 1024 + 1;

    // ------------------------------------------------------------------ readiness

    /**
     * The data source configuration must be in the distribution before the first start: written at start by the
     * features service, it could be left empty by fileinstall (a node that never found its database, seen in CI).
     */
    @Test
    void theDistributionShipsItsDataSourceConfiguration() throws java.io.IOException {
        java.nio.file.Path config = java.nio.file.Path.of(TestEnvironment.requiredProperty("waymark.assembly"))
                .resolve("etc/org.ops4j.datasource-waymark.cfg");

        assertThat(config).exists();
        assertThat(java.nio.file.Files.readAllLines(config))
                .contains("osgi.jdbc.driver.name = derby", "dataSourceName = waymark");
    }

    /** See bin/setenv: G1's adaptive start of marking kept marking an old generation that lives as long as the node. */
    @Test
    void theNodeRunsLateMarkingG1UnlessTheOperatorChoseACollector() throws Exception {
        String lateMarkingG1 = "-XX:+UseG1GC -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=80";
        assertThat(server.process().info().arguments()).hasValueSatisfying(arguments ->
                assertThat(arguments).containsSubsequence(lateMarkingG1.split(" ")).doesNotContain("-XX:+UseParallelGC"));

        assertThat(javaOptionsFromSetenv("-Dwaymark.x=1")).isEqualTo(lateMarkingG1 + " -Dwaymark.x=1");
        assertThat(javaOptionsFromSetenv("-Dwaymark.x=1 -XX:+UseParallelGC")).isEqualTo("-Dwaymark.x=1 -XX:+UseParallelGC");
        // An option that merely ends in GC, beside one that starts with -XX:+Use, is not a choice of collector.
        assertThat(javaOptionsFromSetenv("-XX:+UseCompressedOops -Dx=GC")).startsWith(lateMarkingG1 + " ");
    }

    /** EXTRA_JAVA_OPTS after the distribution's bin/setenv has run on the given value, as bin/karaf sources it. */
    private static String javaOptionsFromSetenv(String extraJavaOptions) throws Exception {
        java.nio.file.Path setenv = java.nio.file.Path.of(TestEnvironment.requiredProperty("waymark.assembly")).resolve("bin/setenv");
        ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", ". \"$0\" && printf %s \"$EXTRA_JAVA_OPTS\"", setenv.toString());
        shell.environment().keySet().removeIf(name -> name.startsWith("JAVA_") || name.startsWith("WAYMARK_"));
        shell.environment().put("EXTRA_JAVA_OPTS", extraJavaOptions);
        Process sh = shell.redirectErrorStream(true).start();
        String output = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).as(output).isZero();
        return output;
    }

    @Test
    void healthIsUpForAnonymousCallersWithoutDetails() {
        HttpResponse<String> response = server.get("/api/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        JsonNode body = json(response);
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.has("problems")).as("component details for an anonymous caller: %s", body).isFalse();
    }

    @Test
    void healthDetailsAreShownOnlyToAdmins() {
        JsonNode admin = json(server.get("/api/health", "Authorization", basic("admin", "admin")));
        JsonNode linkWorker = json(server.get("/api/health", "Authorization", basic("linkworker", "linkworker")));

        assertThat(admin.path("status").asText()).isEqualTo("UP");
        assertThat(admin.path("problems").isObject()).as("admin sees details: %s", admin).isTrue();
        assertThat(linkWorker.path("status").asText()).isEqualTo("UP");
        assertThat(linkWorker.has("problems")).as("link worker sees no details: %s", linkWorker).isFalse();
    }

    // ------------------------------------------------------------------ OAuth2 token endpoint (RFC 6749)

    /**
     * Karaf starts the bundles of a feature in an order of its own, and sometimes starts the platform before a library
     * it needs. Each decides once, from the state it first sees, how to find its parts: a
     * servlet initialised before they started failed for good and the node never came UP ("InjectionManagerFactory not
     * found", BarsMessageIT in CI; "no default generator registered" and Liquibase's "No executor found", found by
     * starting each third-party bundle last). Here the three are made to start last; the platform waits for them and
     * the node serves.
     */
    @Test
    void theNodeServesWhenKarafStartsJerseyHk2AndLiquibaseAfterThePlatform() throws java.io.IOException {
        WaymarkServer lateStart = new WaymarkServer().withFeaturesEdited(features -> features
                .replace("<bundle>mvn:org.glassfish.jersey.core/jersey-common/",
                        "<bundle start-level=\"95\">mvn:org.glassfish.jersey.core/jersey-common/")
                .replace("<bundle>mvn:org.glassfish.hk2/osgi-resource-locator/",
                        "<bundle start-level=\"95\">mvn:org.glassfish.hk2/osgi-resource-locator/")
                .replace("<bundle>mvn:org.liquibase/liquibase-core/", "<bundle start-level=\"95\">mvn:org.liquibase/liquibase-core/"));
        try {
            lateStart.start("PlatformIT-libraries-last");
            // The bundles start last, but the host activates when its services are there (the data source comes from
            // configuration, later or sooner): a boot where they still came first is repeated.
            for (int boot = 1; boot < 3 && !waitedForLiquibase(lateStart); boot++) {
                lateStart.restart();
            }
            assertThat(waitedForLiquibase(lateStart))
                    .as("in three boots, the platform started before Liquibase at least once").isTrue();
            HttpResponse<String> health = lateStart.get("/api/health");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            String token = lateStart.demoClientToken();
            assertThat(lateStart.get("/fhir/ServiceRequest?_count=1", "Authorization", bearer(token)).statusCode())
                    .isEqualTo(200);
        } finally {
            lateStart.shutdown();
        }
    }

    /**
     * Liquibase is what the platform meets first (every component waits for its schema, and so for Liquibase): once
     * it has waited for Liquibase, Jersey and HK2's locator, started in the same late level, are there before the JAX-RS
     * host activates, so their own wait shows only in the boots where they alone are late (BundlesStartedTest).
     */
    private static boolean waitedForLiquibase(WaymarkServer node) {
        return node.logContains("Waiting for org.liquibase.core to start");
    }

    @Test
    void tokenEndpointIssuesAWorkingBearerTokenForFormCredentials() {
        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_id", WaymarkServer.DEMO_CLIENT, "client_secret", WaymarkServer.DEMO_CLIENT_SECRET));

        String token = assertIsTokenAnswer(response);
        HttpResponse<String> session = server.get("/api/session", "Authorization", bearer(token));
        assertThat(session.statusCode()).as(session.body()).isEqualTo(200);
        assertThat(json(session).path("username").asText()).isEqualTo(WaymarkServer.DEMO_CLIENT);
    }

    @Test
    void tokenEndpointAcceptsClientCredentialsInBasicAuthentication() {
        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", basic(WaymarkServer.DEMO_CLIENT, WaymarkServer.DEMO_CLIENT_SECRET));

        String token = assertIsTokenAnswer(response);
        assertThat(server.get("/api/session", "Authorization", bearer(token)).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenEndpointRefusesAWrongSecretWithInvalidClient() {
        HttpResponse<String> basic = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", basic(WaymarkServer.DEMO_CLIENT, "not-the-secret"));
        HttpResponse<String> form = server.postForm("/oauth2/token", Map.of("grant_type", "client_credentials",
                "client_id", WaymarkServer.DEMO_CLIENT, "client_secret", "not-the-secret"));

        for (HttpResponse<String> response : List.of(basic, form)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            // RFC 6749 §5.2 errors, not problem+json: OAuth2 client libraries parse this shape.
            assertThat(contentType(response)).startsWith("application/json");
            assertThat(json(response).path("error").asText()).isEqualTo("invalid_client");
            assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        }
        // §5.2: a client that tried the Authorization header gets a challenge back.
        assertThat(basic.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("Basic"));
    }

    @Test
    void tokenEndpointRefusesOtherGrantTypesWithUnsupportedGrantType() {
        HttpResponse<String> response = server.postForm("/oauth2/token", Map.of("grant_type", "password",
                "username", "admin", "password", "admin"),
                "Authorization", basic(WaymarkServer.DEMO_CLIENT, WaymarkServer.DEMO_CLIENT_SECRET));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).path("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void forgedBearerTokenIsRefused() {
        HttpResponse<String> response = server.get("/api/session", "Authorization", bearer("forged-" + "x".repeat(40)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
        assertThat(json(response).path("status").asInt()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ console sessions

    @Test
    void signInSetsAnHttpOnlySessionCookieAndSignOutEndsTheSessionOnTheServer() {
        HttpResponse<String> signIn = signIn("linkworker", "linkworker");
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(SESSION_COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict");
        JsonNode info = json(signIn);
        assertThat(info.path("username").asText()).isEqualTo("linkworker");
        String csrf = info.path("csrfToken").asText();
        assertThat(csrf).isNotBlank();
        String cookie = cookieOf(signIn);

        HttpResponse<String> current = server.get("/api/session", "Cookie", cookie);
        assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
        assertThat(json(current).path("username").asText()).isEqualTo("linkworker");

        HttpResponse<String> signOut = server.send(server.request("/api/session", "Cookie", cookie, "X-CSRF-Token", csrf).DELETE());
        assertThat(signOut.statusCode()).as(signOut.body()).isEqualTo(204);
        assertThat(signOut.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).contains("Max-Age=0"));

        // A client that ignores the expired cookie still cannot use it: the session is gone from the database.
        assertThat(server.get("/api/session", "Cookie", cookie).statusCode()).isEqualTo(401);
    }

    @Test
    void signInWithAWrongPasswordAnswers401ProblemJson() {
        HttpResponse<String> response = signIn("linkworker", "wrong-password");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
        JsonNode problem = json(response);
        assertThat(problem.path("status").asInt()).isEqualTo(401);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void anonymousRequestToAProtectedRouteAnswers401WithAChallenge() {
        HttpResponse<String> response = server.get("/api/session");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).isNotBlank());
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
    }

    @Test
    void cookieSessionChangeWithoutTheCsrfTokenIsForbidden() {
        HttpResponse<String> signIn = signIn("linkworker", "linkworker");
        String cookie = cookieOf(signIn);

        // DELETE /api/session is the state-changing route that exists with the platform alone.
        HttpResponse<String> withoutToken = server.send(server.request("/api/session", "Cookie", cookie).DELETE());
        HttpResponse<String> withWrongToken = server.send(
                server.request("/api/session", "Cookie", cookie, "X-CSRF-Token", "not-the-token").DELETE());

        assertThat(withoutToken.statusCode()).as(withoutToken.body()).isEqualTo(403);
        assertThat(contentType(withoutToken)).startsWith(PROBLEM_JSON);
        assertThat(withWrongToken.statusCode()).as(withWrongToken.body()).isEqualTo(403);
        assertThat(server.get("/api/session", "Cookie", cookie).statusCode())
                .as("the refused requests must not have signed the user out").isEqualTo(200);
    }

    // ------------------------------------------------------------------ error answers and headers

    @Test
    void noAnswerRevealsAServerVersionOrJavaInternals() {
        Map<String, HttpResponse<String>> answers = Map.of(
                "health", server.get("/api/health"),
                "unknown page", server.get("/no-such-page"),
                "unknown API path", server.get("/api/no-such-resource"),
                "malformed JSON", server.postJson("/api/session", "{\"username\": "),
                "wrong content type", server.send(server.request("/api/session", "Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("username=admin"))),
                "wrong method", server.send(server.request("/oauth2/token").GET()),
                "forged token", server.get("/api/session", "Authorization", bearer("forged")),
                // Refused by Jetty itself, before any servlet runs.
                "URI too long", server.get("/api/" + "a".repeat(20_000)));

        SoftAssertions softly = new SoftAssertions();
        answers.forEach((what, response) -> {
            softly.assertThat(response.headers().firstValue("Server")).as("%s: Server header", what).isEmpty();
            softly.assertThat(response.headers().firstValue("X-Powered-By")).as("%s: X-Powered-By header", what).isEmpty();
            softly.assertThat(response.body()).as("%s: Java class names or a stack trace in the body", what)
                    .doesNotContainPattern(JavaInternals.PATTERN);
        });
        softly.assertThat(answers.get("unknown page").statusCode()).isEqualTo(404);
        softly.assertThat(contentType(answers.get("unknown page"))).as("non-API paths answer HTML").startsWith("text/html");
        softly.assertThat(answers.get("unknown API path").statusCode()).isEqualTo(404);
        softly.assertThat(contentType(answers.get("unknown API path"))).startsWith(PROBLEM_JSON);
        softly.assertThat(answers.get("malformed JSON").statusCode()).isEqualTo(400);
        softly.assertThat(contentType(answers.get("malformed JSON"))).startsWith(PROBLEM_JSON);
        softly.assertThat(answers.get("wrong content type").statusCode()).isEqualTo(415);
        softly.assertThat(contentType(answers.get("wrong content type"))).startsWith(PROBLEM_JSON);
        softly.assertThat(answers.get("wrong method").statusCode()).isEqualTo(405);
        softly.assertThat(answers.get("URI too long").statusCode()).isEqualTo(414);
        softly.assertAll();
    }

    @Test
    void requestAndCorrelationIdsAreMirroredOnSuccessAndOnError() {
        String[] ids = {"X-Request-Id", "req-5f1c2a", "X-Correlation-Id", "corr:4711/a"};

        HttpResponse<String> ok = server.get("/api/health", ids);
        HttpResponse<String> refused = server.get("/api/session", ids);

        assertThat(refused.statusCode()).isEqualTo(401);
        for (HttpResponse<String> response : List.of(ok, refused)) {
            assertThat(response.headers().firstValue("X-Request-Id")).hasValue("req-5f1c2a");
            assertThat(response.headers().firstValue("X-Correlation-Id")).hasValue("corr:4711/a");
        }
    }

    @Test
    void bodyLargerThanFiveMebibytesWithAContentLengthIsRefusedWith413() {
        HttpResponse<String> response = server.send(server.request("/api/session", "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(oversizedJson())));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
    }

    @Test
    void streamedBodyLargerThanFiveMebibytesIsRefusedWith413() {
        // No Content-Length (chunked transfer): the limit can only be found while reading, inside JSON parsing.
        byte[] body = oversizedJson();
        HttpResponse<String> response = server.send(server.request("/api/session", "Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
    }

    // ------------------------------------------------------------------ durability

    @Test
    void sessionsAndTokensSurviveAKillAndRestart() {
        // A link worker: an admin's console sign-in needs the authenticator step (SecurityIT), not what this is about.
        HttpResponse<String> signIn = signIn("linkworker", "linkworker");
        String cookie = cookieOf(signIn);
        String csrf = json(signIn).path("csrfToken").asText();
        String token = server.demoClientToken();

        server.kill();
        server.restart();

        HttpResponse<String> session = server.get("/api/session", "Cookie", cookie);
        assertThat(session.statusCode()).as("session after restart: %s", session.body()).isEqualTo(200);
        assertThat(json(session).path("username").asText()).isEqualTo("linkworker");
        assertThat(json(session).path("csrfToken").asText()).as("the CSRF token is kept with the session").isEqualTo(csrf);
        HttpResponse<String> client = server.get("/api/session", "Authorization", bearer(token));
        assertThat(client.statusCode()).as("token after restart: %s", client.body()).isEqualTo(200);
        assertThat(json(client).path("username").asText()).isEqualTo(WaymarkServer.DEMO_CLIENT);
    }

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> signIn(String username, String password) {
        return server.postJson("/api/session", WaymarkServer.objectMapper().createObjectNode()
                .put("username", username).put("password", password).toString());
    }

    /** The session cookie as a client sends it back ({@code WAYMARK_SESSION=...}). */
    private static String cookieOf(HttpResponse<String> signIn) {
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
        return signIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(SESSION_COOKIE + "="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No session cookie in " + signIn.headers().map()));
    }

    private static String assertIsTokenAnswer(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        JsonNode body = json(response);
        assertThat(body.path("access_token").asText()).isNotBlank();
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").isIntegralNumber()).as("expires_in is a number: %s", body).isTrue();
        assertThat(body.path("expires_in").asLong()).isPositive();
        return body.path("access_token").asText();
    }

    /** A well-formed sign-in whose user name alone is over the limit, so only the size can be wrong with it. */
    private static byte[] oversizedJson() {
        char[] name = new char[OVER_LIMIT];
        Arrays.fill(name, 'a');
        return ("{\"username\":\"" + new String(name) + "\",\"password\":\"x\"}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }
}
