package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.json;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A pathfinder plugin dropped into {@code $WAYMARK_DATA/deploy} goes live, and goes away when it is removed. */
class HotDeployIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static final String PLUGIN_ROUTE = "/api/hello-plugin";
    /** The contract says about 2 s to deploy and 1 s to undeploy; this catches a hang, the timings are printed. */
    private static final Duration DEPLOY_TIMEOUT = Duration.ofSeconds(30);
    private static final String GREETING = "hello from a hot-deployed plugin";

    @Test
    void droppedPluginJarServesItsResourceAndRemovingItTakesTheResourceAway() throws IOException {
        Path plugin = testPlugin();
        assertThat(server.get(PLUGIN_ROUTE).statusCode()).as("before deployment").isEqualTo(404);

        Path deployed = server.deployDir().resolve(plugin.getFileName());
        // Copied beside deploy/ and moved in, so fileinstall never sees a half-written jar.
        Path staging = server.dataDir().resolve(plugin.getFileName() + ".part");
        Files.copy(plugin, staging, StandardCopyOption.REPLACE_EXISTING);
        long deployStart = System.nanoTime();
        Files.move(staging, deployed, StandardCopyOption.ATOMIC_MOVE);

        HttpResponse<String> live = awaitStatus(200);
        long deployMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deployStart);
        assertThat(json(live).path("message").asText()).isEqualTo(GREETING);

        long undeployStart = System.nanoTime();
        Files.delete(deployed);
        HttpResponse<String> gone = awaitStatus(404);
        long undeployMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - undeployStart);
        assertThat(gone.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));

        System.out.printf("Hot deploy: plugin route answered 200 after %d ms; 404 again %d ms after removal%n",
                deployMillis, undeployMillis);
        assertThat(server.get("/api/health").statusCode()).as("the core keeps running").isEqualTo(200);
    }

    private static HttpResponse<String> awaitStatus(int status) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        await("GET " + PLUGIN_ROUTE + " to answer " + status)
                .atMost(DEPLOY_TIMEOUT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    last.set(server.get(PLUGIN_ROUTE));
                    return last.get().statusCode() == status;
                });
        return last.get();
    }

    private static Path testPlugin() {
        String property = System.getProperty("waymark.testPlugin");
        assertThat(property).as("system property waymark.testPlugin (set by the itests pom)").isNotBlank();
        Path jar = Path.of(property);
        assertThat(jar).as("the test plugin jar; build itests/test-plugin first").isRegularFile();
        return jar;
    }
}
