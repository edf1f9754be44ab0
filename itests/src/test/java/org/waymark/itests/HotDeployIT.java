package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A pathfinder plugin dropped into {@code $WAYMARK_DATA/deploy} goes live, and goes away when it is removed. */
class HotDeployIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String PLUGIN_ROUTE = "/api/hello-plugin";
    private static final String ADMIN = WaymarkServer.basic("admin", "admin");
    /** The contract says about 2 s to deploy and 1 s to undeploy; this catches a hang, the timings are printed. */
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    /** What the test plugin's resource answers (itests/test-plugin, HelloResource). */
    private static final String GREETING = "hello from a hot-deployed plugin";

    @BeforeAll
    static void approveTheTestPlugin() {
        // Approval is kept per plugin version, so it can come before the plugin is dropped in, as an area's admin does.
        server.approve(testPlugin());
    }

    @AfterEach
    void undeployWhateverATestLeftBehind() throws IOException {
        if (Files.deleteIfExists(deployed())) {
            awaitPluginRoute(404);
        }
    }

    @Test
    void droppedPluginServesItsPublicResourceAndRemovingItTakesTheResourceAway() {
        assertThat(server.get(PLUGIN_ROUTE).statusCode()).as("before deployment").isEqualTo(404);

        long deployStart = System.nanoTime();
        deploy();
        HttpResponse<String> live = awaitPluginRouteLive();
        long deployMillis = elapsedMillis(deployStart);
        try {
            // The resource is @PermitAll: a plugin's own access annotations must be honoured like the core's.
            assertThat(live.statusCode()).as("GET %s without credentials answered: %s", PLUGIN_ROUTE, live.body())
                    .isEqualTo(200);
            assertThat(json(live).path("message").asText()).isEqualTo(GREETING);
        } finally {
            long undeployStart = System.nanoTime();
            undeploy();
            HttpResponse<String> gone = awaitPluginRoute(404);
            long undeployMillis = elapsedMillis(undeployStart);
            System.out.printf("Hot deploy: %s went live %d ms after the drop; 404 again %d ms after removal%n",
                    PLUGIN_ROUTE, deployMillis, undeployMillis);
            assertThat(gone.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        }
        assertThat(server.get("/api/health").statusCode()).as("the core keeps running").isEqualTo(200);
    }

    @Test
    void aPluginResourceOnACoreRouteIsLeftOutAndTheApiKeepsServing() throws IOException {
        // Jersey refuses a model with two GET /api/health; its reload used to shut the running application down first,
        // so every /api route answered 500 (health too) until a restart, even after the plugin was removed.
        server.expectErrorInLog("Following issues have been detected");
        server.expectErrorInLog("ClashingResource is left out of /api because Jersey refuses it");
        deploy();
        awaitPluginRouteLive();
        Path clash = server.etcDir().resolve("org.waymark.itests.testplugin.ClashingResource.cfg");
        Files.writeString(clash, "enabled = true\n");
        try {
            await().alias("the clashing resource to be reported").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> server.logContains("ClashingResource is left out of /api because Jersey refuses it"));

            HttpResponse<String> health = server.get("/api/health");
            assertThat(health.statusCode()).as("health answered: %s", health.body()).isEqualTo(200);
            assertThat(json(health).path("status").asText()).as("the core's health answers, not the plugin's").isEqualTo("UP");
            HttpResponse<String> hello = server.get(PLUGIN_ROUTE);
            assertThat(hello.statusCode()).as("the plugin's other resource is still served").isEqualTo(200);
        } finally {
            Files.delete(clash);
        }
    }

    @Test
    void anUpgradeDroppedBesideTheLastVersionTakesOverOnceApprovedAndNeverRunsBesideIt(@TempDir Path work) throws IOException {
        // Found probing: a .kar of the next version dropped next to the last one (their names differ) installed beside
        // it; both were used at once (each referral triaged by both), /api/plugins listed one of them, and their
        // routes clashed.
        server.expectErrorInLog("FailsOnActivation|FrameworkEvent ERROR"); // the test plugin's broken validator, listed
        deploy();
        awaitPluginRouteLive();
        String id = json(server.get("/api/plugins", "Authorization", ADMIN)).findValues("id").stream()
                .map(JsonNode::asText).filter(i -> i.contains("test-plugin")).findFirst().orElseThrow();
        Path next = server.deploy(withManifest(testPlugin(), Map.of("Bundle-Version", "9.0.0"), work.resolve("test-plugin-9.0.0.jar")));
        try {
            awaitVersions(id, Map.of("9.0.0", "awaiting-approval"));
            assertThat(server.get(PLUGIN_ROUTE).statusCode()).as("the last version serves until the upgrade is approved")
                    .isEqualTo(200);
            String last = versions(id).keySet().stream().filter(v -> !v.equals("9.0.0")).findFirst().orElseThrow();
            assertThat(versions(id)).containsEntry(last, "active");

            server.approve(next);
            awaitVersions(id, Map.of("9.0.0", "active", last, "superseded"));
            awaitPluginRouteLive();
            assertThat(server.logContains("HelloResource is left out of /api")).as("the versions' routes never clash").isFalse();
        } finally {
            Files.delete(next);
        }
    }

    @Test
    void aPluginWhoseMigrationsFailIsListedAsFailedWithTheReason(@TempDir Path work) throws IOException {
        // Found probing: a plugin whose Waymark-Migrations header named a changelog it did not carry was listed as
        // active; only the log said that its components needing tables would never start.
        server.expectErrorInLog("FailsOnActivation|FrameworkEvent ERROR|Migrations of bundle org.waymark.itests-bad-migrations failed");
        Path broken = withManifest(testPlugin(), Map.of("Bundle-SymbolicName", "org.waymark.itests-bad-migrations",
                "Waymark-Migrations", "db/missing.xml"), work.resolve("bad-migrations.jar"));
        server.approve(broken);
        Path deployedBroken = server.deploy(broken);
        try {
            awaitVersions("org.waymark.itests-bad-migrations", Map.of(
                    WaymarkServer.pluginManifest(broken).getMainAttributes().getValue("Bundle-Version"), "failed"));
            JsonNode listed = json(server.get("/api/plugins", "Authorization", ADMIN)).findParents("id").stream()
                    .filter(p -> p.path("id").asText().equals("org.waymark.itests-bad-migrations")).findFirst().orElseThrow();
            assertThat(listed.path("lastError").asText()).contains("migrations failed").contains("db/missing.xml");
            assertThat(server.get("/api/health").statusCode()).as("the node stays up").isEqualTo(200);
        } finally {
            Files.delete(deployedBroken);
        }
    }

    @Test
    void aKarKarafRefusesIsListedAsFailedWithAReasonToActOnUntilItsFileIsRemoved(@TempDir Path work) throws IOException {
        // Found probing: a .kar whose bundle needs a package nothing exports was never listed; Karaf only logged a
        // resolver stack trace (WARN) and kept the file as installed, so the admin saw nothing at all.
        String id = "org.waymark.itests-unresolvable";
        Path bundle = withManifest(testPlugin(), Map.of("Bundle-SymbolicName", id, "Bundle-Version", "2.0.0",
                "Import-Package", "org.example.missing;version=\"[1,2)\"," + WaymarkServer.pluginManifest(testPlugin())
                        .getMainAttributes().getValue("Import-Package")), work.resolve("unresolvable.jar"));
        Path kar = server.deploy(kar(bundle, "unresolvable", "2.0.0", work.resolve("unresolvable-2.0.0.kar")));
        try {
            awaitVersions(id, Map.of("2.0.0", "failed"));
            JsonNode listed = json(server.get("/api/plugins", "Authorization", ADMIN)).findParents("id").stream()
                    .filter(p -> p.path("id").asText().equals(id)).findFirst().orElseThrow();
            assertThat(listed.path("lastError").asText()).as("a reason a person can act on")
                    .contains("unresolvable-2.0.0.kar", "the package org.example.missing")
                    .doesNotContain("Exception", "filter:=", "org.apache");
            assertThat(listed.path("builtIn").asBoolean()).isFalse();
            // Found reviewing: the refusal was in the log only, while every install is in the audit trail.
            assertThat(server.get("/api/admin/audit?resourceType=Plugin&action=ADMIN", "Authorization", ADMIN).body())
                    .contains("refuse " + id + " 2.0.0 (unresolvable-2.0.0.kar)", "system:deploy");
        } finally {
            Files.delete(kar);
        }
        await().alias(id + " no longer listed once its file is removed").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> versions(id).isEmpty());

        // The same bundle dropped as a plain jar is installed but never resolved: it was not listed either.
        Path jar = server.deploy(bundle);
        try {
            awaitVersions(id, Map.of("2.0.0", "failed"));
            assertThat(json(server.get("/api/plugins", "Authorization", ADMIN)).toString()).contains("the package org.example.missing");
        } finally {
            Files.delete(jar);
        }
        await().alias(id + " jar no longer listed once removed").atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> versions(id).isEmpty());
        assertThat(server.get("/api/health").statusCode()).as("the node stays up").isEqualTo(200);
    }

    /** A .kar as the karaf-maven-plugin writes it: a features file naming the bundle, and the bundle, under repository/. */
    private static Path kar(Path bundle, String artifact, String version, Path kar) throws IOException {
        String folder = "repository/org/example/" + artifact + "/" + version + "/";
        String features = """
                <?xml version="1.0" encoding="UTF-8"?>
                <features name="%1$s-%2$s" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">
                  <feature name="%1$s" version="%2$s"><bundle>mvn:org.example/%1$s/%2$s</bundle></feature>
                </features>
                """.formatted(artifact, version);
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(kar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.putNextEntry(new java.util.zip.ZipEntry(folder + artifact + "-" + version + "-features.xml"));
            zip.write(features.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.putNextEntry(new java.util.zip.ZipEntry(folder + artifact + "-" + version + ".jar"));
            zip.write(Files.readAllBytes(bundle));
        }
        return kar;
    }

    /** Each installed version of a plugin with its state, as /api/plugins lists them. */
    private static Map<String, String> versions(String id) {
        Map<String, String> versions = new TreeMap<>();
        json(server.get("/api/plugins", "Authorization", ADMIN)).forEach(p -> {
            if (p.path("id").asText().equals(id)) {
                versions.put(p.path("version").asText(), p.path("state").asText());
            }
        });
        return versions;
    }

    private static void awaitVersions(String id, Map<String, String> states) {
        await().alias(id + " listed as " + states).atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> versions(id).entrySet().containsAll(states.entrySet()));
    }

    /** The same bundle with these manifest headers changed, as the next build of a plugin (or a mistaken one) would be. */
    private static Path withManifest(Path jar, Map<String, String> headers, Path copy) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            headers.forEach(manifest.getMainAttributes()::putValue);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return copy;
    }

    @Test
    void requestsInFlightWhileAPluginComesAndGoesNeverFail() throws InterruptedException {
        // Adding or removing a resource rebuilds the API's Jersey application; callers must not notice.
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread caller = new Thread(() -> {
                while (running.get()) {
                    // A steady answer (401) from a core resource that lives in the same Jersey application.
                    try {
                        HttpResponse<String> response = server.send(server.request("/api/session").GET().build());
                        statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        if (response.statusCode() >= 500) {
                            failures.add(response.statusCode() + " " + response.body());
                        }
                    } catch (UncheckedIOException e) {
                        failures.add("no answer: " + e.getCause());
                    }
                }
            }, "caller-" + i);
            caller.start();
            callers.add(caller);
        }
        try {
            for (int cycle = 0; cycle < 2; cycle++) {
                deploy();
                awaitPluginRouteLive();
                undeploy();
                awaitPluginRoute(404);
            }
        } finally {
            running.set(false);
            for (Thread caller : callers) {
                caller.join(TimeUnit.SECONDS.toMillis(30));
            }
        }

        Map<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((status, count) -> counts.put(status, count.get()));
        System.out.println("Answers to GET /api/session during two deploy/undeploy cycles: " + counts);
        assertThat(counts).as("requests were made").isNotEmpty();
        assertThat(failures.size()).as("failed requests (answers by status %s; first failures: %s)", counts,
                failures.stream().limit(3).toList()).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private static void deploy() {
        server.deploy(testPlugin());
    }

    private static void undeploy() {
        try {
            Files.delete(deployed());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path deployed() {
        return server.deployDir().resolve(testPlugin().getFileName());
    }

    /**
     * Waits until the plugin's route answers as a live resource: not 404 (not there yet), and not 5xx, which a request
     * caught by the application's reload can get (requestsInFlightWhileAPluginComesAndGoesNeverFail covers that).
     */
    private static HttpResponse<String> awaitPluginRouteLive() {
        return awaitPluginRoute("a live resource (neither 404 nor 5xx)", status -> status != 404 && status < 500);
    }

    private static HttpResponse<String> awaitPluginRoute(int expected) {
        return awaitPluginRoute(Integer.toString(expected), status -> status == expected);
    }

    private static HttpResponse<String> awaitPluginRoute(String wanted, IntPredicate accepted) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        try {
            await().alias("GET " + PLUGIN_ROUTE + " to answer " + wanted)
                    .atMost(DEPLOY_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        last.set(server.send(server.request(PLUGIN_ROUTE).GET().build()));
                        return accepted.test(last.get().statusCode());
                    });
        } catch (ConditionTimeoutException e) {
            HttpResponse<String> response = last.get();
            throw new AssertionError(e.getMessage() + "; last answer: "
                    + (response == null ? "none" : response.statusCode() + " " + response.body()), e);
        }
        return last.get();
    }

    private static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static Path testPlugin() {
        return TestEnvironment.testPlugin();
    }
}
