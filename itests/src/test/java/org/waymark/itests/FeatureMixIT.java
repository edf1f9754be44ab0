package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An area picks its capabilities with {@code WAYMARK_FEATURES}, read on every start: a node started with intake and
 * caseload only serves those and nothing of the directory or the email channel; the same node restarted with another
 * mix serves that one, and with the setting empty it serves everything again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FeatureMixIT {
    private static final String INTAKE_AND_CASELOAD = "waymark-fhir,waymark-console";

    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer().withEnvironment("WAYMARK_FEATURES", INTAKE_AND_CASELOAD);

    private static final String ADMIN = basic("admin", "admin");
    private static final String LINK_WORKER = basic("linkworker", "linkworker");

    @Test
    @Order(1)
    void intakeAndCaseloadOnlyServesThoseAndNothingElse() {
        assertReadyWithNoProblems();
        assertThat(server.get("/fhir/metadata").statusCode()).as("intake: FHIR").isEqualTo(200);
        assertThat(server.get("/console/").statusCode()).as("caseload: the console").isEqualTo(200);
        assertThat(server.get("/api/referrals", "Authorization", LINK_WORKER).statusCode()).as("caseload: the working list")
                .isEqualTo(200);

        HttpResponse<String> directory = server.get("/directory/services");
        assertThat(directory.statusCode()).as("the directory is not installed: %s", directory.body()).isEqualTo(404);
        assertThat(server.get("/api/directory/search?search=walking", "Authorization", LINK_WORKER).statusCode())
                .as("nor its staff search").isEqualTo(404);
        assertThat(installedPlugins()).as("the email channel is not part of this mix")
                .doesNotContain("org.waymark.email").contains("org.waymark.notifications");
    }

    @Test
    @Order(2)
    void aChangedMixTakesEffectAtTheNextStart() {
        server.withEnvironment("WAYMARK_FEATURES", INTAKE_AND_CASELOAD + ",waymark-directory");
        server.restart();

        assertReadyWithNoProblems();
        assertThat(server.get("/directory/services").statusCode()).as("the directory is added").isEqualTo(200);
        assertThat(server.get("/fhir/metadata").statusCode()).as("intake stays").isEqualTo(200);
        assertThat(installedPlugins()).as("email is still not picked").doesNotContain("org.waymark.email");
    }

    @Test
    @Order(3)
    void anEmptySettingIsTheDefaultEverything() {
        server.withEnvironment("WAYMARK_FEATURES", "");
        server.restart();

        assertReadyWithNoProblems();
        assertThat(server.get("/directory/services").statusCode()).isEqualTo(200);
        assertThat(server.get("/console/").statusCode()).isEqualTo(200);
        assertThat(installedPlugins()).as("the email channel is back").contains("org.waymark.email");
    }

    @Test
    @Order(4)
    void aMixThatDropsACapabilityRemovesItAgain() {
        server.withEnvironment("WAYMARK_FEATURES", INTAKE_AND_CASELOAD);
        server.restart();

        assertReadyWithNoProblems();
        assertThat(server.get("/directory/services").statusCode()).as("the directory is gone").isEqualTo(404);
        assertThat(installedPlugins()).doesNotContain("org.waymark.email");
    }

    private static void assertReadyWithNoProblems() {
        HttpResponse<String> health = server.get("/api/health", "Authorization", ADMIN);
        assertThat(health.statusCode()).as("health: %s", health.body()).isEqualTo(200);
        assertThat(json(health).path("problems").size()).as("problems: %s", health.body()).isZero();
    }

    private static List<String> installedPlugins() {
        HttpResponse<String> response = server.get("/api/plugins", "Authorization", ADMIN);
        assertThat(response.statusCode()).as("GET /api/plugins: %s", response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode plugin : json(response)) {
            ids.add(plugin.path("id").asText());
        }
        return ids;
    }
}
