package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.JavascriptExecutor;
import org.waymark.directory.testing.GeneratedPackage;
import org.waymark.directory.testing.OrukSchemas;

/**
 * The community services directory over HTTP: the public Open Referral UK 3.0 API (answers checked against the UK
 * schemas in the fixtures), imports by admins as tracked runs with progress (JSON, zipped CSV data package, ./waymark
 * directory-import, the console's upload), search for link workers, signposting and onward referral with the
 * provider's one-time link, and admins' editing of a service with its history, over HTTP and in the console (headless
 * Chromium). The admin's console sign-ins come last: once the demo admin has a second factor, HTTP Basic as admin needs
 * its code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectoryIT {
    /** In a data folder too deep for a Unix socket's address: the operator commands below must still reach it. */
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer().withDeepDataDirectory();

    private static final OrukSchemas SCHEMAS = new OrukSchemas();
    private static final Path UK = OrukSchemas.FIXTURES.resolve("open-referral-uk/uk-profile");
    private static final Path HSDS = OrukSchemas.FIXTURES.resolve("hsds-3.0");
    private static final String EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b";
    private static final String ADMIN = basic("admin", "admin");
    private static final String LINK_WORKER = basic("linkworker", "linkworker");

    /**
     * On a loaded machine /api/health has been seen UP a moment before the directory's resources were served (the
     * platform's readiness does not yet cover a component that SCR has not registered): wait for the demo directory,
     * with a deadline, rather than fail on that race.
     */
    @BeforeAll
    static void demoDirectoryServed() {
        await("demo directory served").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> services = server.get("/directory/services?per_page=1");
            return services.statusCode() == 200 && json(services).path("total_items").asInt() >= 30;
        });
    }

    @Test
    @Order(1)
    void apiDetailsAreOpenToEveryoneAndValidate() {
        HttpResponse<String> response = server.get("/directory/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(SCHEMAS.apiDetailsProblems(json(response))).isEmpty();
        assertThat(json(response).path("version").asText()).isEqualTo("HSDS-UK-3.0");
    }

    @Test
    @Order(2)
    void demoServicesAreListedInTheUkPageWrapperAndEachValidatesFullyNested() {
        JsonNode page = json(server.get("/directory/services?per_page=100"));

        assertThat(SCHEMAS.pageProblems("service", page)).isEmpty();
        assertThat(page.path("total_items").asInt()).isGreaterThanOrEqualTo(30);
        assertThat(page.path("first_page").asBoolean()).isTrue();
        assertThat(page.path("last_page").asBoolean()).isTrue();
        for (JsonNode listed : page.path("contents")) {
            HttpResponse<String> full = server.get("/directory/services/" + listed.path("id").asText());
            assertThat(full.statusCode()).isEqualTo(200);
            assertThat(SCHEMAS.problems("service", json(full))).as(full.body()).isEmpty();
            assertThat(json(full).path("service_at_locations").get(0).path("location").path("addresses").size()).isEqualTo(1);
            assertThat(json(full).path("schedules").size()).isGreaterThan(0);
        }
        JsonNode second = json(server.get("/directory/services?per_page=10&page=2"));
        assertThat(second.path("size").asInt()).isEqualTo(10);
        assertThat(second.path("first_page").asBoolean()).isFalse();
        assertThat(second.path("total_pages").asInt()).isEqualTo((page.path("total_items").asInt() + 9) / 10);
    }

    @Test
    @Order(3)
    void serviceAtLocationsNearAPostcodeComeNearestFirstWithinTheProximity() {
        JsonNode page = json(server.get("/directory/service_at_locations?postcode=" + encode("N7 6PA") + "&proximity=2000"));

        assertThat(SCHEMAS.pageProblems("service_at_location", page)).isEmpty();
        assertThat(page.path("total_items").asInt()).isGreaterThan(3);
        assertThat(page.path("contents").get(0).path("location").path("addresses").get(0).path("postal_code").asText())
                .startsWith("N7");
        for (JsonNode sal : page.path("contents")) {
            assertThat(sal.path("location").path("addresses").get(0).path("city").asText()).isEqualTo("London");
        }
        String id = page.path("contents").get(0).path("id").asText();
        HttpResponse<String> one = server.get("/directory/service_at_locations/" + id);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(SCHEMAS.problems("service_at_location", json(one))).isEmpty();
    }

    @Test
    @Order(4)
    void taxonomiesTermsAndOrganizationsValidateAndFilterServices() {
        JsonNode taxonomies = json(server.get("/directory/taxonomies"));
        assertThat(SCHEMAS.pageProblems("taxonomy", taxonomies)).isEmpty();
        String taxonomyId = taxonomies.path("contents").get(0).path("id").asText();
        assertThat(SCHEMAS.problems("taxonomy", json(server.get("/directory/taxonomies/" + taxonomyId)))).isEmpty();

        JsonNode terms = json(server.get("/directory/taxonomy_terms?per_page=100"));
        assertThat(SCHEMAS.pageProblems("taxonomy_term", terms)).isEmpty();
        String carers = null;
        for (JsonNode term : terms.path("contents")) {
            if (term.path("name").asText().equals("Carers support")) {
                carers = term.path("id").asText();
            }
        }
        assertThat(carers).isNotNull();
        // top_only is read, not ignored: the demo terms are all at the top of their taxonomy.
        assertThat(json(server.get("/directory/taxonomy_terms?per_page=100&top_only=true")).path("total_items").asInt())
                .isEqualTo(terms.path("total_items").asInt());
        assertThat(server.get("/directory/taxonomy_terms?top_only=maybe").statusCode()).isEqualTo(400);
        assertThat(SCHEMAS.problems("taxonomy_term", json(server.get("/directory/taxonomy_terms/" + carers)))).isEmpty();
        JsonNode carersServices = json(server.get("/directory/services?taxonomy_term_id=" + carers));
        assertThat(carersServices.path("total_items").asInt()).isEqualTo(2);

        JsonNode organizations = json(server.get("/directory/organizations"));
        assertThat(SCHEMAS.pageProblems("organization", organizations)).isEmpty();
        JsonNode organization = json(server.get("/directory/organizations/" + organizations.path("contents").get(0).path("id").asText()));
        assertThat(SCHEMAS.problems("organization", organization)).isEmpty();
        assertThat(organization.path("services").size()).isGreaterThan(0);

        // The profile API's own filters (found probing: organization_id, modified_after and search on the other lists
        // were ignored, answering the whole directory as if filtered).
        String organizationId = organization.path("id").asText();
        JsonNode theirs = json(server.get("/directory/services?per_page=1000&organization_id=" + organizationId));
        assertThat(SCHEMAS.pageProblems("service", theirs)).isEmpty();
        assertThat(theirs.path("total_items").asInt()).isEqualTo(organization.path("services").size());
        theirs.path("contents").forEach(s -> assertThat(s.path("organization_id").asText()).isEqualTo(organizationId));
        assertThat(json(server.get("/directory/services?modified_after=2999-01-01T00:00:00Z")).path("total_items").asInt()).isZero();
        assertThat(json(server.get("/directory/service_at_locations?modified_after=2999-01-01")).path("total_items").asInt()).isZero();
        JsonNode named = json(server.get("/directory/organizations?search=" + encode(organization.path("name").asText())));
        assertThat(named.path("total_items").asInt()).isPositive().isLessThan(organizations.path("total_items").asInt());
        assertThat(named.path("contents").findValuesAsText("id")).contains(organizationId);
        assertThat(json(server.get("/directory/taxonomies?search=" + encode("no such taxonomy"))).path("total_items").asInt()).isZero();
        JsonNode full = json(server.get("/directory/services?full=true&per_page=5"));
        assertThat(SCHEMAS.pageProblems("service", full)).isEmpty();
        assertThat(full.path("contents").get(0).path("service_at_locations").size()).isGreaterThan(0);
    }

    @Test
    @Order(5)
    void unknownIdsAre404AndMeaninglessFiltersAre400AsProblemJson() {
        for (String path : List.of("/directory/services/00000000-0000-4000-8000-000000000000",
                "/directory/service_at_locations/nope", "/directory/taxonomies/nope", "/directory/taxonomy_terms/nope",
                "/directory/organizations/nope")) {
            HttpResponse<String> response = server.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
        for (String query : List.of("page=0", "per_page=abc", "minimum_age=old", "day=funday", "start_time=25:99",
                "end_time=noon", "postcode=nonsense", "proximity=500", "postcode=N7&proximity=far", "modified_after=yesterday",
                "format=ndjson", "minimal=true", "full=maybe")) {
            HttpResponse<String> response = server.get("/directory/services?" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(json(response).path("detail").asText()).isNotBlank();
        }
        // Found probing: a repeated parameter took its first value, an unknown one was ignored and page=१ read as 1.
        for (List<String> refused : List.of(List.of("/directory/services?page=2&page=3", "page is given more than once"),
                List.of("/directory/services?page=" + encode("\u0967"), "page must be a whole number"),
                List.of("/directory/service_at_locations?per_page=" + encode("\u0665"), "per_page must be a whole number"),
                List.of("/directory/services?taxonomy_terms_id=x", "Unknown query parameter 'taxonomy_terms_id'"),
                List.of("/directory/taxonomies?parent_id=x", "Unknown query parameter 'parent_id'"),
                List.of("/directory/services/" + EXAMPLE_SERVICE + "?full=true", "Unknown query parameter 'full'"))) {
            HttpResponse<String> response = server.get(refused.get(0));
            assertThat(response.statusCode()).as(refused.get(0)).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(json(response).path("detail").asText()).as(refused.get(0)).contains(refused.get(1));
        }
        assertThat(server.get("/directory/taxonomy_terms?top_only=true&page=1&per_page=5&search=a&format=json").statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(6)
    void readsAreOpenToOtherWebSitesAndPreflightIsAnswered() {
        HttpResponse<String> read = server.get("/directory/services?search=walk", "Origin", "https://example.org");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");

        HttpResponse<String> preflight = server.send(server.request("/directory/services", "Origin", "https://example.org",
                "Access-Control-Request-Method", "GET").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("GET");
    }

    @Test
    @Order(6)
    void publicAnswersCarryAStrongEtagAndAShortCacheLifeAndIfNoneMatchIsAnswered304() {
        // Found probing: the open directory was sent with no-store and no validator, so every poll fetched it all.
        for (String path : List.of("/directory/", "/directory/services?search=walk", "/directory/taxonomies")) {
            HttpResponse<String> first = server.get(path);
            String tag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(tag).as(path).matches("\"[0-9a-f]{32}\"");
            assertThat(first.headers().firstValue("Cache-Control")).as(path).hasValue("public, max-age=60");
            assertThat(server.get(path).headers().firstValue("ETag")).as("the same answer, the same tag").hasValue(tag);

            HttpResponse<String> again = server.get(path, "If-None-Match", tag);

            assertThat(again.statusCode()).as(path).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.headers().firstValue("ETag")).hasValue(tag);
            assertThat(server.get(path, "If-None-Match", "\"00\"").statusCode()).isEqualTo(200);
        }
        assertThat(server.get("/directory/services/nope").headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(server.get("/api/directory/search?search=walk", "Authorization", LINK_WORKER).headers()
                .firstValue("Cache-Control")).as("staff answers stay uncached").hasValue("no-store");
    }

    @Test
    @Order(7)
    void linkWorkersSearchForPeopleWithDistanceAndTheSearchNeedsAnAccount() {
        assertThat(server.get("/api/directory/search?search=walk").statusCode()).isEqualTo(401);

        JsonNode found = json(server.get("/api/directory/search?search=walk&postcode=" + encode("S10 1AA"), "Authorization", LINK_WORKER));

        assertThat(found.path("results").get(0).path("name").asText()).isEqualTo("Crookes Health Walk");
        assertThat(found.path("results").get(0).path("distance_km").asDouble()).isLessThan(2);
        JsonNode saturday = json(server.get("/api/directory/search?day=SA&age=30&postcode=N4", "Authorization", LINK_WORKER));
        assertThat(saturday.path("results").get(0).path("name").asText()).isEqualTo("Finsbury Park Run and Walk");
    }

    @Test
    @Order(7)
    void aPluralInEsOrAVerbWithADoubledConsonantFindsWhatItsOtherFormFinds() {
        // Found probing: "lunches", "running" and "jogging" found nothing, though "lunch", "run" and "jog" are listed.
        for (List<String> forms : List.of(List.of("lunch", "lunches"), List.of("run", "running"), List.of("jog", "jogging"))) {
            List<String> found = new ArrayList<>();
            json(server.get("/directory/services?search=" + forms.get(1))).path("contents").forEach(s -> found.add(s.path("name").asText()));
            List<String> base = new ArrayList<>();
            json(server.get("/directory/services?search=" + forms.get(0))).path("contents").forEach(s -> base.add(s.path("name").asText()));

            assertThat(base).as(forms.get(0)).isNotEmpty();
            assertThat(found).as(forms.get(1)).isEqualTo(base);
        }
        // Found probing: "café" found nothing although "cafe" found the service; accents and full-width letters fold.
        JsonNode cafe = json(server.get("/directory/services?search=cafe")).path("contents");
        assertThat(cafe).isNotEmpty();
        for (String typed : List.of("caf\u00e9", "CAF\u00c9", "\uff43\uff41\uff46\uff45")) {
            assertThat(json(server.get("/directory/services?search=" + encode(typed))).path("contents")).as(typed).isEqualTo(cafe);
        }
    }

    @Test
    @Order(7)
    void aWholeWordOutranksARareWordThatOnlyStartsWithTheQuery() {
        // Found probing: "walking" put "Walkley Lunch Club" first, as "walkley" is rarer than "walk".
        List<String> wholeWord = List.of("Crookes Health Walk", "Finsbury Park Run and Walk", "Gentle Walks in Endcliffe Park",
                "Highbury Fields Health Walk", "Photography Walks");
        for (String search : List.of("walking", "walk")) {
            List<String> listed = new ArrayList<>();
            json(server.get("/directory/services?search=" + search)).path("contents").forEach(s -> listed.add(s.path("name").asText()));
            JsonNode results = json(server.get("/api/directory/search?search=" + search, "Authorization", LINK_WORKER)).path("results");
            List<String> found = new ArrayList<>();
            results.forEach(r -> found.add(r.path("name").asText()));

            assertThat(listed).as(search).startsWith(wholeWord.toArray(String[]::new)).contains("Walkley Lunch Club");
            assertThat(found).as(search).isEqualTo(listed);
            assertThat(results.get(wholeWord.size() - 1).path("score").asDouble()).as(search)
                    .isGreaterThan(results.get(found.indexOf("Walkley Lunch Club")).path("score").asDouble());
        }
    }

    @Test
    @Order(8)
    void adminsImportOpenReferralJsonAndOthersCannot() throws IOException {
        String body = Files.readString(UK.resolve("examples/service_full.json"));
        assertThat(server.postJson("/api/directory/imports", body).statusCode()).isEqualTo(401);
        assertThat(server.postJson("/api/directory/imports", body, "Authorization", LINK_WORKER).statusCode()).isEqualTo(403);
        HttpResponse<String> oneArea = server.postJson("/api/directory/imports", body, "Authorization",
                server.areaAdmin("islington"));
        assertThat(oneArea.statusCode()).as("an import replaces what every area refers people to: " + oneArea.body()).isEqualTo(403);

        HttpResponse<String> started = server.postJson("/api/directory/imports", body, "Authorization", ADMIN);
        JsonNode imported = runEnded(started);

        assertThat(imported.path("state").asText()).as(imported.toString()).isEqualTo("applied");
        assertThat(imported.path("counts").path("service").asInt()).isEqualTo(1);
        assertThat(imported.path("actor").asText()).isEqualTo("admin");
        HttpResponse<String> service = server.get("/directory/services/" + EXAMPLE_SERVICE);
        assertThat(service.statusCode()).isEqualTo(200);
        assertThat(SCHEMAS.problems("service", json(service))).isEmpty();
        assertThat(json(server.get("/directory/services?search=counselling")).path("contents").get(0).path("id").asText())
                .isEqualTo(EXAMPLE_SERVICE);

        // Found probing: a service changed by an import that does not say when (most CSVs) lost its last_modified,
        // so modified_after, which apps copying the directory poll, no longer listed it.
        String since = java.time.Instant.now().minusSeconds(1).toString();
        com.fasterxml.jackson.databind.node.ObjectNode changed = (com.fasterxml.jackson.databind.node.ObjectNode) json(service);
        changed.remove("last_modified");
        changed.put("fees", "Free for the first six sessions");
        JsonNode reimported = runEnded(server.postJson("/api/directory/imports", changed.toString(), "Authorization", ADMIN));
        assertThat(reimported.path("state").asText()).as(reimported.toString()).isEqualTo("applied");
        assertThat(json(server.get("/directory/services/" + EXAMPLE_SERVICE)).path("last_modified").asText()).isGreaterThan(since);
        assertThat(json(server.get("/directory/services?modified_after=" + encode(since))).path("contents")
                .findValuesAsText("id")).contains(EXAMPLE_SERVICE);

        // Found probing: an organisation's attributes were imported and kept but never answered.
        String organization = "{\"id\": \"66666666-6666-4666-8666-666666666666\", \"name\": \"Attribute Trust\","
                + " \"description\": \"A trust\", \"attributes\": [{\"id\": \"77777777-7777-4777-8777-777777777777\","
                + " \"value\": \"charity\", \"taxonomy_term\": {\"id\": \"88888888-8888-4888-8888-888888888888\","
                + " \"name\": \"Registered charity\", \"description\": \"A registered charity\"}}]}";
        JsonNode withAttributes = runEnded(server.postJson("/api/directory/imports?kind=organization", organization,
                "Authorization", ADMIN));
        assertThat(withAttributes.path("state").asText()).as(withAttributes.toString()).isEqualTo("applied");
        JsonNode served = json(server.get("/directory/organizations/66666666-6666-4666-8666-666666666666"));
        assertThat(served.path("attributes").findValuesAsText("name")).containsExactly("Registered charity");
        assertThat(SCHEMAS.problems("organization", served)).isEmpty();
    }

    @Test
    @Order(9)
    void anImportWithABadRecordAppliesNothingAndListsTheProblems() {
        int before = json(server.get("/directory/organizations")).path("total_items").asInt();
        String body = """
                [{"id": "5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a01", "name": "New org", "description": "Fine",
                  "services": [{"id": "5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a02", "name": "Full group", "status": "full"}]}]""";

        JsonNode refused = runEnded(server.postJson("/api/directory/imports?kind=organization", body, "Authorization", ADMIN));

        assertThat(refused.path("state").asText()).isEqualTo("failed");
        assertThat(refused.path("detail").asText()).startsWith("Nothing was imported");
        assertThat(refused.path("errors").get(0).asText()).contains("services[0]").contains("status 'full'");
        assertThat(json(server.get("/directory/organizations")).path("total_items").asInt()).isEqualTo(before);
        assertThat(server.get("/directory/services/5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a02").statusCode()).isEqualTo(404);

        // Found probing: a service_at_location naming a location that exists nowhere was applied and served without one.
        String dangling = """
                {"id": "5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a03", "name": "Somewhere group", "status": "active",
                 "service_at_locations": [{"id": "5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a04",
                   "location_id": "5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a05"}]}""";
        JsonNode nowhere = runEnded(server.postJson("/api/directory/imports?kind=service", dangling, "Authorization", ADMIN));
        assertThat(nowhere.path("state").asText()).isEqualTo("failed");
        assertThat(nowhere.path("errors").get(0).asText()).contains("service_at_locations[0]")
                .contains("location_id 5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a05 is no location");
        assertThat(server.get("/directory/services/5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a03").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(10)
    void aZippedHsdsCsvDataPackageImportsDespiteItsQuirks() throws IOException {
        JsonNode imported = runEnded(postZip(zipped(HSDS)));

        assertThat(imported.path("state").asText()).as(imported.toString()).isEqualTo("applied");
        assertThat(imported.path("counts").path("service").asInt()).isEqualTo(1);
        assertThat(imported.path("skipped").toString()).contains("no file");
        JsonNode service = json(server.get("/directory/services/" + EXAMPLE_SERVICE));
        assertThat(SCHEMAS.problems("service", service)).isEmpty();
        // The service's history, which link workers read, names the upload, not the server's temporary folder.
        JsonNode history = json(server.get("/api/directory/services/" + EXAMPLE_SERVICE + "/history", "Authorization", ADMIN));
        assertThat(history.path("items").toString()).contains("Imported from the zip").doesNotContain("waymark-import")
                .doesNotContain(server.dataDir().toString());
    }

    @Test
    @Order(10)
    void aDescriptorPointingOutsideItsPackageReadsNothingOfTheServer() throws IOException {
        for (String path : List.of("/etc/passwd", "../../../../etc/passwd")) {
            byte[] zip = zip(List.of("datapackage.json"), List.of("""
                    {"resources": [{"name": "service", "path": "%s", "schema": {"fields": [{"name": "id", "type": "string"}]}}]}"""
                    .formatted(path)));

            JsonNode refused = runEnded(postZip(zip));

            assertThat(refused.path("state").asText()).as(refused.toString()).isEqualTo("failed");
            assertThat(refused.path("errors").get(0).asText()).as(path).contains("is not a file in the package");
            assertThat(refused.toString()).doesNotContain("root:").doesNotContain("columns not in the descriptor");
        }
    }

    @Test
    @Order(10)
    void aZipWithDuplicateOrConflictingEntriesIsA400() throws IOException {
        String descriptor = "{\"resources\": []}";
        List<byte[]> zips = List.of(
                zip(List.of("a/", "a"), List.of("", "x")),
                zip(List.of("a", "a/b"), List.of("x", "y")),
                zip(List.of("."), List.of("x")),
                // The same name twice, which ZipOutputStream will not write: a second zip's entry spliced in by hand.
                duplicated("datapackage.json", descriptor));
        for (byte[] zip : zips) {
            HttpResponse<String> refused = postZip(zip);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(json(refused).path("detail").asText()).isEqualTo("The zip has duplicate or conflicting entries");
        }
        assertThat(runEnded(postZip(zipped(HSDS))).path("state").asText()).as("the import slot is free again").isEqualTo("applied");
    }

    @Test
    @Order(10)
    void aZipBombIsRefusedWith413BeforeItFillsTheDiskAndLeavesNothingBehind() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(9);
            zip.putNextEntry(new ZipEntry("datapackage.json"));
            zip.write("{\"resources\": [{\"name\": \"service\", \"path\": \"zeros.csv\"}]}".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("zeros.csv"));
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 400; i++) {
                zip.write(zeros);
            }
        }
        assertThat(bytes.size()).as("zipped").isLessThan(1024 * 1024);

        HttpResponse<String> refused = postZip(bytes.toByteArray());

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(refused).path("detail").asText()).contains("compressed more than 100 to 1");
        // Earlier imports' folders are deleted just after their runs end: wait for those, with a deadline.
        Path tmp = server.dataDir().resolve("karaf/tmp");
        await("no upload folder left in " + tmp).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Stream<Path> left = Files.exists(tmp) ? Files.list(tmp) : Stream.empty()) {
                return left.noneMatch(p -> p.getFileName().toString().startsWith("waymark-import"));
            }
        });
    }

    @Test
    @Order(10)
    void jsonImportsAreReadStrictlyInTheirCharsetAndRefuseNumbersNoFieldCanHold() {
        String service = """
                {"id": "5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a11", "name": "Caf\u00e9 club", "status": "active", "minimum_age": %s}""";
        HttpResponse<String> twice = server.postJson("/api/directory/imports?kind=service",
                "{\"id\": \"a\", \"id\": \"b\"}", "Authorization", ADMIN);
        HttpResponse<String> trailing = server.postJson("/api/directory/imports?kind=service", "{\"a\": 1} {}", "Authorization", ADMIN);
        JsonNode infinite = runEnded(server.postJson("/api/directory/imports?kind=service", service.formatted("-1e999999"),
                "Authorization", ADMIN));
        JsonNode tooOld = runEnded(server.postJson("/api/directory/imports?kind=service", service.formatted("999"),
                "Authorization", ADMIN));
        JsonNode latin1 = runEnded(server.send(server.request("/api/directory/imports?kind=service", "Authorization", ADMIN,
                "Content-Type", "application/json; charset=ISO-8859-1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(service.formatted("18").getBytes(StandardCharsets.ISO_8859_1)))));

        assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
        assertThat(json(twice).path("detail").asText()).contains("the field 'id' is named twice");
        assertThat(trailing.statusCode()).as(trailing.body()).isEqualTo(400);
        assertThat(infinite.path("state").asText()).isEqualTo("failed");
        assertThat(infinite.path("errors").get(0).asText()).contains("minimum_age is not a finite number");
        assertThat(tooOld.path("errors").get(0).asText()).contains("minimum_age 999 is not between 0 and 150");
        assertThat(latin1.path("state").asText()).as(latin1.toString()).isEqualTo("applied");
        assertThat(json(server.get("/directory/services/5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a11")).path("name").asText())
                .isEqualTo("Caf\u00e9 club");

        // One service listed twice with another name: which to keep is the admin's call, not the last one's.
        JsonNode listedTwice = runEnded(server.postJson("/api/directory/imports?kind=service", "["
                + service.formatted("18").replace("Caf\u00e9 club", "Renamed club") + "," + service.formatted("18") + "]",
                "Authorization", ADMIN));
        assertThat(listedTwice.path("state").asText()).isEqualTo("failed");
        assertThat(listedTwice.path("errors").get(0).asText()).contains("body[1]").contains("is also at body[0] with another name");
        assertThat(json(server.get("/directory/services/5f1c6a52-4b0e-4a55-9c1e-0a8d2f0c9a11")).path("name").asText())
                .isEqualTo("Caf\u00e9 club");
    }

    @Test
    @Order(10)
    void anEmptyZipOrABrokenDescriptorIsExplainedWithoutServerPathsOrLibraryNames() throws IOException {
        HttpResponse<String> empty = postZip(zip(List.of(), List.of()));
        JsonNode nothing = runEnded(postZip(zip(List.of("readme.txt"), List.of("hello"))));
        JsonNode broken = runEnded(postZip(zip(List.of("datapackage.json"), List.of("{\"resources\": [\n {\"name\": }"))));

        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
        assertThat(nothing.path("detail").asText()).isEqualTo("The zip holds neither a datapackage.json nor .json files");
        assertThat(broken.path("detail").asText()).startsWith("datapackage.json is not valid JSON (line 2, column ");
        for (JsonNode run : List.of(nothing, broken)) {
            assertThat(run.toString()).doesNotContain(server.dataDir().toString()).doesNotContain("karaf/tmp")
                    .doesNotContain("jackson").doesNotContain("StreamReadFeature");
        }

        // Found probing: a CSV saved from a spreadsheet as plain "CSV" (Windows-1252) failed with "Cannot read the zip".
        ByteArrayOutputStream spreadsheet = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(spreadsheet)) {
            zip.putNextEntry(new ZipEntry("datapackage.json"));
            zip.write(Files.readAllBytes(UK.resolve("datapackage.json")));
            zip.putNextEntry(new ZipEntry("organizations.csv"));
            zip.write("id,name,description\n55555555-5555-4555-8555-555555555555,Caf\u00e9 Org,Tea\n"
                    .getBytes(java.nio.charset.Charset.forName("windows-1252")));
        }
        JsonNode notUtf8 = runEnded(postZip(spreadsheet.toByteArray()));
        assertThat(notUtf8.path("state").asText()).isEqualTo("failed");
        assertThat(notUtf8.path("errors").toString()).contains("organizations.csv line 2: not UTF-8 text");
        assertThat(notUtf8.toString()).doesNotContain("Cannot read").doesNotContain("Malformed");
    }

    @Test
    @Order(11)
    void theOperatorCommandImportsTheUkCsvPackageFromAPath() {
        String output = server.admin("directory-import", UK.resolve("datapackage.json").toString());

        assertThat(output).contains("applied").contains("Imported").contains("service=1").contains("skipped:");
        String runId = output.substring("Import run ".length(), output.indexOf(':'));
        JsonNode run = json(server.get("/api/directory/imports/" + runId, "Authorization", ADMIN));
        assertThat(run.path("state").asText()).as("the command's import is a run too").isEqualTo("applied");
        assertThat(run.path("actor").asText()).isEqualTo("system:operator");
        assertThat(server.get("/directory/services/" + EXAMPLE_SERVICE).statusCode()).isEqualTo(200);

        // A sync is a run too: an admin sees why today's copy from a remote API failed, not only the server's log.
        String remote = server.baseUrl() + "/directory/no-such-api";
        assertThatThrownBy(() -> server.admin("directory-sync", remote)).hasMessageContaining("no /services");
        JsonNode sync = json(server.get("/api/directory/imports?limit=1", "Authorization", ADMIN)).get(0);
        assertThat(sync.path("source").asText()).isEqualTo("sync from " + remote);
        assertThat(sync.path("state").asText()).isEqualTo("failed");
        assertThat(sync.path("actor").asText()).isEqualTo("system:operator");
        assertThat(sync.path("detail").asText()).contains("no /services");
    }

    /** A remote Open Referral UK service as another directory serves it, with an email for onward referrals. */
    private static String remoteService(int n) {
        return "{\"id\": \"" + remoteId(n) + "\", \"name\": \"Remote group " + n + "\", \"status\": \"active\","
                + " \"email\": \"group" + n + "@example.org\", \"phones\": [{\"id\": \"5a000000-0000-4000-8000-00000000f00" + n
                + "\", \"number\": \"0114 000 000" + n + "\"}]}";
    }

    private static String remoteId(int n) {
        return "5a000000-0000-4000-8000-00000000000" + n;
    }

    @Test
    @Order(11)
    void aSyncTakesAwayWhatTheRemoteWithdrewKeepsOnwardReferralsWorkingAndNeverEmptiesTheDirectoryUnasked() throws Exception {
        java.util.Map<String, String> listed = new java.util.concurrent.ConcurrentSkipListMap<>();
        for (int n = 1; n <= 4; n++) {
            listed.put(remoteId(n), remoteService(n));
        }
        com.sun.net.httpserver.HttpServer remote = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        remote.createContext("/oruk/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring("/oruk".length());
            String body = path.equals("/services") ? "{\"total_items\": " + listed.size() + ", \"total_pages\": 1,"
                    + " \"page_number\": 1, \"last_page\": true, \"contents\": [" + String.join(", ", listed.values()) + "]}"
                    : path.startsWith("/services/") ? listed.get(path.substring("/services/".length())) : null;
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        remote.start();
        try {
            String url = "http://127.0.0.1:" + remote.getAddress().getPort() + "/oruk";
            assertThat(server.admin("directory-sync", url)).contains("applied");
            // A link worker refers someone onward to a remote group (not the referral the next test starts from).
            List<String> open = new ArrayList<>();
            for (JsonNode item : json(server.get("/api/referrals", "Authorization", LINK_WORKER)).path("items")) {
                if (List.of("requested", "accepted", "in-progress", "on-hold").contains(item.path("status").asText())) {
                    open.add(item.path("id").asText());
                }
            }
            assertThat(open).hasSizeGreaterThan(1);
            String base = "/api/directory/referrals/" + open.get(open.size() - 1);
            HttpResponse<String> onward = server.postJson(base + "/onward-referrals", "{\"serviceId\": \"" + remoteId(4)
                    + "\", \"consent\": true}", "Authorization", LINK_WORKER);
            assertThat(onward.statusCode()).as(onward.body()).isEqualTo(201);

            // Found probing: a service the remote withdrew stayed listed here for ever.
            listed.remove(remoteId(4));
            String output = server.admin("directory-sync", url);

            assertThat(output).contains("removed: service " + remoteId(4) + " \"Remote group 4\": no longer listed by the remote,"
                    + " marked inactive");
            assertThat(json(server.get("/directory/services/" + remoteId(4))).path("status").asText()).isEqualTo("inactive");
            JsonNode run = json(server.get("/api/directory/imports?limit=1", "Authorization", ADMIN)).get(0);
            JsonNode full = json(server.get("/api/directory/imports/" + run.path("id").asText(), "Authorization", ADMIN));
            assertThat(full.path("removed").toString()).contains(remoteId(4));
            assertThat(json(server.get(base + "/onward-referrals", "Authorization", LINK_WORKER)).findValuesAsText("serviceName"))
                    .as("the onward referral keeps the service's name").contains("Remote group 4");
            HttpResponse<String> again = server.postJson(base + "/onward-referrals", "{\"serviceId\": \"" + remoteId(4)
                    + "\", \"consent\": true}", "Authorization", LINK_WORKER);
            assertThat(again.statusCode()).as("an inactive service takes no one").isEqualTo(409);

            // A broken remote answering one group of three: nothing taken away without the operator's word.
            listed.remove(remoteId(2));
            listed.remove(remoteId(3));
            assertThatThrownBy(() -> server.admin("directory-sync", url)).hasMessageContaining("--allow-removals");
            assertThat(json(server.get("/directory/services/" + remoteId(2))).path("status").asText()).isEqualTo("active");

            assertThat(server.admin("directory-sync", url, "--allow-removals")).contains("applied");
            assertThat(json(server.get("/directory/services/" + remoteId(2))).path("status").asText()).isEqualTo("inactive");
            assertThat(json(server.get("/directory/services/" + remoteId(1))).path("status").asText()).isEqualTo("active");
            assertThat(server.get("/directory/services/" + EXAMPLE_SERVICE).statusCode()).as("imported by an admin: kept")
                    .isEqualTo(200);
        } finally {
            remote.stop(0);
        }
    }

    @Test
    @Order(12)
    void aLinkWorkerSignpostsAndRefersOnwardAndTheProviderAnswersThroughTheOneTimeLink() {
        // An open referral: a closed one (the demo has some) is neither signposted nor referred onward (below).
        JsonNode referral = null;
        JsonNode closed = null;
        for (JsonNode item : json(server.get("/api/referrals", "Authorization", LINK_WORKER)).path("items")) {
            boolean open = List.of("requested", "accepted", "in-progress", "on-hold").contains(item.path("status").asText());
            if (open && referral == null) {
                referral = item;
            } else if (!open && closed == null) {
                closed = item;
            }
        }
        assertThat(referral).as("an open demo referral").isNotNull();
        assertThat(closed).as("a closed demo referral").isNotNull();
        String referralId = referral.path("id").asText();
        String serviceId = json(server.get("/directory/services?search=" + encode("crookes walk"))).path("contents").get(0).path("id").asText();
        String base = "/api/directory/referrals/" + referralId;

        HttpResponse<String> signpost = server.postJson(base + "/signposts", "{\"serviceId\": \"" + serviceId + "\", \"note\": \"Gave the leaflet\"}",
                "Authorization", LINK_WORKER);
        assertThat(signpost.statusCode()).as(signpost.body()).isEqualTo(201);
        assertThat(json(server.get(base + "/signposts", "Authorization", LINK_WORKER)).get(0).path("serviceName").asText())
                .isEqualTo("Crookes Health Walk");
        // Found probing: a note over 1,000 characters was kept and sent cut short, without a word.
        String tooLong = "word ".repeat(250);
        for (String path : List.of("/signposts", "/onward-referrals")) {
            HttpResponse<String> refused = server.postJson(base + path, "{\"serviceId\": \"" + serviceId + "\", \"consent\": true,"
                    + " \"note\": \"" + tooLong + "\"}", "Authorization", LINK_WORKER);
            assertThat(refused.statusCode()).as(path + ": " + refused.body()).isEqualTo(400);
            assertThat(json(refused).path("detail").asText()).contains("note");
        }
        assertThat(json(server.get(base + "/signposts", "Authorization", LINK_WORKER))).hasSize(1);
        assertThat(json(server.get(base + "/onward-referrals", "Authorization", LINK_WORKER))).isEmpty();
        // Found probing: a service marked defunct (closed for good) took an onward referral and was sent the note.
        String shed = json(server.get("/directory/services?search=" + encode("parson cross shed"))).path("contents").get(0)
                .path("id").asText();
        assertThat(put("/api/directory/services/" + shed, "{\"status\": \"defunct\"}", ADMIN, null).statusCode()).isEqualTo(200);
        HttpResponse<String> toClosed = server.postJson(base + "/onward-referrals", "{\"serviceId\": \"" + shed
                + "\", \"consent\": true}", "Authorization", LINK_WORKER);
        assertThat(toClosed.statusCode()).as(toClosed.body()).isEqualTo(409);
        assertThat(json(toClosed).path("detail").asText()).contains("defunct");
        assertThat(put("/api/directory/services/" + shed, "{\"status\": \"active\"}", ADMIN, null).statusCode()).isEqualTo(200);
        assertThat(json(server.get(base + "/onward-referrals", "Authorization", LINK_WORKER))).isEmpty();

        HttpResponse<String> withoutConsent = server.postJson(base + "/onward-referrals", "{\"serviceId\": \"" + serviceId + "\"}",
                "Authorization", LINK_WORKER);
        assertThat(withoutConsent.statusCode()).isEqualTo(422);
        HttpResponse<String> referred = server.postJson(base + "/onward-referrals",
                "{\"serviceId\": \"" + serviceId + "\", \"consent\": true, \"note\": \"Wants to start gently\"}", "Authorization", LINK_WORKER);
        assertThat(referred.statusCode()).as(referred.body()).isEqualTo(201);
        JsonNode onward = json(referred);
        assertThat(onward.path("task").path("status").asText()).isEqualTo("requested");
        assertThat(onward.path("task").path("partOf").asText()).startsWith("Task/").hasSizeGreaterThan(6);
        String link = java.net.URI.create(onward.path("answerLink").asText()).getPath();

        HttpResponse<String> page = server.get(link);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Crookes Health Walk").contains("Wants to start gently").doesNotContain(referral.path("patientName").asText("@@"));
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'");
        // Found probing: a longer reason was kept as its first 500 characters, without a word.
        HttpResponse<String> tooLongReason = server.postJson(link, "{\"outcome\": \"declined\", \"reason\": \"" + "full ".repeat(101) + "\"}");
        assertThat(tooLongReason.statusCode()).as(tooLongReason.body()).isEqualTo(400);
        assertThat(json(tooLongReason).path("detail").asText()).contains("reason must be at most 500 characters");
        HttpResponse<String> accepted = server.send(server.request(link, "Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("outcome=accepted")));
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(json(server.get(base + "/onward-referrals", "Authorization", LINK_WORKER)).get(0).path("task").path("status").asText())
                .isEqualTo("accepted");
        HttpResponse<String> attended = server.postJson(link, "{\"outcome\": \"attended\"}");
        assertThat(attended.statusCode()).as(attended.body()).isEqualTo(200);
        assertThat(json(attended).path("task").path("status").asText()).isEqualTo("completed");
        assertThat(server.postJson(link, "{\"outcome\": \"did-not-attend\"}").statusCode()).as("final answer given").isEqualTo(409);
        // The link works until a final answer: after it, the page shows nothing of the referral, the note included.
        HttpResponse<String> answered = server.get(link);
        assertThat(answered.statusCode()).isEqualTo(410);
        assertThat(answered.body()).contains("final answer").doesNotContain("Wants to start gently").doesNotContain("<form");
        assertThat(server.get(link.substring(0, link.length() - 4) + "AAAA").statusCode()).isEqualTo(404);

        String second = json(server.postJson(base + "/onward-referrals", "{\"serviceId\": \"" + serviceId + "\", \"consent\": true}",
                "Authorization", LINK_WORKER)).path("id").asText();
        assertThat(server.postJson("/api/directory/onward-referrals/" + second + "/answer", "{\"outcome\": \"declined\"}",
                "Authorization", LINK_WORKER).statusCode()).as("declining needs a reason").isEqualTo(400);
        JsonNode declined = json(server.postJson("/api/directory/onward-referrals/" + second + "/answer",
                "{\"outcome\": \"declined\", \"reason\": \"Group is full\"}", "Authorization", LINK_WORKER));
        assertThat(declined.path("task").path("status").asText()).isEqualTo("rejected");
        assertThat(declined.path("statusReason").asText()).isEqualTo("Group is full");
        assertThat(server.get(base + "/onward-referrals").statusCode()).isEqualTo(401);
        // Found probing: the first onward referral froze the service's email of that day in its contact details, so
        // after an admin corrected the email the next referral, with its note about the person, went to the old one.
        String contact = "/api/contacts/organisation/directory-service:" + serviceId;
        String copied = json(server.get(contact, "Authorization", ADMIN)).path("addresses").path("email").asText();
        assertThat(copied).isNotBlank();
        assertThat(put("/api/directory/services/" + serviceId, "{\"email\": \"walks-intake@example.org\"}", ADMIN, null)
                .statusCode()).isEqualTo(200);
        assertThat(server.postJson(base + "/onward-referrals", "{\"serviceId\": \"" + serviceId + "\", \"consent\": true}",
                "Authorization", LINK_WORKER).statusCode()).isEqualTo(201);
        assertThat(json(server.get(contact, "Authorization", ADMIN)).path("addresses").path("email").asText())
                .isEqualTo("walks-intake@example.org");
        // Found probing: referring the person again while the service had not answered sent it a second message.
        HttpResponse<String> again = server.postJson(base + "/onward-referrals", "{\"serviceId\": \"" + serviceId
                + "\", \"consent\": true}", "Authorization", LINK_WORKER);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
        assertThat(json(again).path("detail").asText()).contains("already referred");
        // Found probing: the provider's answers through the link left no audit entry, and the one staff recorded named
        // no person, so neither was in the person's trail.
        HttpResponse<String> trail = server.get("/api/admin/audit?resourceType=OnwardReferral&action=UPDATE&patientId="
                + referral.path("patientId").asText(), "Authorization", ADMIN);
        assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
        List<String> actors = new java.util.ArrayList<>();
        json(trail).path("items").forEach(entry -> actors.add(entry.path("actor").asText()));
        assertThat(actors).contains("system:provider-link", "linkworker");

        // A closed referral shares its person's data with no one new: nothing is referred onward or signposted from it.
        String closedBase = "/api/directory/referrals/" + closed.path("id").asText();
        for (HttpResponse<String> refused : List.of(
                server.postJson(closedBase + "/onward-referrals", "{\"serviceId\": \"" + serviceId + "\", \"consent\": true}",
                        "Authorization", LINK_WORKER),
                // Before asking for consent: recording it would change nothing.
                server.postJson(closedBase + "/onward-referrals", "{\"serviceId\": \"" + serviceId + "\"}", "Authorization", LINK_WORKER),
                server.postJson(closedBase + "/signposts", "{\"serviceId\": \"" + serviceId + "\"}", "Authorization", LINK_WORKER))) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(json(refused).path("detail").asText()).contains("A " + closed.path("status").asText() + " referral is closed");
        }
        assertThat(json(server.get(closedBase + "/onward-referrals", "Authorization", LINK_WORKER))).isEmpty();
    }

    @Test
    @Order(13)
    void listingsShowTheirFreshnessAndTheProviderConfirmsThroughTheCheckLink() {
        JsonNode walk = json(server.get("/api/directory/search?search=" + encode("crookes walk"), "Authorization", LINK_WORKER))
                .path("results").get(0);
        String id = walk.path("id").asText();
        assertThat(walk.path("freshness").path("stale").asBoolean()).isFalse();
        assertThat(walk.path("freshness").path("capacity").asText()).isEqualTo("open");

        // Found probing: a longer note was kept as its first 1,000 characters, without a word.
        HttpResponse<String> tooLongNote = server.postJson("/api/directory/services/" + id + "/reports",
                "{\"kind\": \"changed\", \"note\": \"" + "word ".repeat(250) + "\"}", "Authorization", LINK_WORKER);
        assertThat(tooLongNote.statusCode()).as(tooLongNote.body()).isEqualTo(400);
        assertThat(json(tooLongNote).path("detail").asText()).contains("note must be at most 1000 characters");
        JsonNode reported = json(server.postJson("/api/directory/services/" + id + "/reports",
                "{\"kind\": \"changed\", \"note\": \"Now meets on Fridays\"}", "Authorization", LINK_WORKER));
        assertThat(reported.path("stale").asBoolean()).as("reported listings are flagged").isTrue();
        assertThat(json(server.get("/api/directory/search?search=" + encode("crookes walk"), "Authorization", LINK_WORKER))
                .path("results").get(0).path("freshness").path("report").asText()).isEqualTo("changed");

        String output = server.admin("directory-check", id);
        String link = java.net.URI.create(output.replaceAll("(?s).*link: (\\S+).*", "$1")).getPath();
        HttpResponse<String> page = server.get(link);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Crookes Health Walk").contains("Crookes Library");
        HttpResponse<String> answered = server.send(server.request(link, "Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("answer=still-right&capacity=full")));
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        assertThat(answered.body()).contains("the listing is confirmed as it is");

        JsonNode fresh = json(server.get("/api/directory/services/" + id + "/freshness", "Authorization", LINK_WORKER));
        assertThat(fresh.path("stale").asBoolean()).isFalse();
        assertThat(fresh.path("report").isMissingNode() || fresh.path("report").isNull()).isTrue();
        assertThat(fresh.path("lastConfirmed").asText()).isNotBlank();
        assertThat(fresh.path("capacity").asText()).isEqualTo("full");
        assertThat(server.get(link).statusCode()).as("the link works once").isEqualTo(404);
        // Found probing: the Open Referral API said nothing of capacity, so apps reading it sent people to full services.
        JsonNode listing = json(server.get("/directory/services/" + id));
        assertThat(listing.path("attributes").findValuesAsText("value")).contains("full");
        assertThat(SCHEMAS.problems("service", listing)).isEmpty();
        // And the term it names is one of the API's, as every other reference is (it was a 404).
        String fullTerm = null;
        for (JsonNode attribute : listing.path("attributes")) {
            if (attribute.path("link_type").asText().equals("capacity")) {
                fullTerm = attribute.path("taxonomy_term_id").asText();
            }
        }
        HttpResponse<String> term = server.get("/directory/taxonomy_terms/" + fullTerm);
        assertThat(term.statusCode()).as(term.body()).isEqualTo(200);
        assertThat(SCHEMAS.problems("taxonomy_term", json(term))).isEmpty();
        assertThat(server.get("/directory/taxonomies/" + json(term).path("taxonomy_id").asText()).statusCode()).isEqualTo(200);
        assertThat(json(server.get("/directory/services?taxonomy_term_id=" + fullTerm)).path("contents").get(0).path("id").asText())
                .isEqualTo(id);
        // Another Waymark syncing this one (here, this listing imported back) does not take the attribute for data: it
        // was shown twice, and "full" after the service reopened (below).
        JsonNode synced = runEnded(server.postJson("/api/directory/imports?kind=service", listing.toString(), "Authorization", ADMIN));
        assertThat(synced.path("state").asText()).as(synced.toString()).isEqualTo("applied");
        assertThat(synced.path("skipped").toString()).contains("capacity attributes");
        assertThat(json(server.get("/directory/services/" + id)).path("attributes").findValuesAsText("link_type")).containsOnlyOnce("capacity");

        assertThat(server.send(server.request("/api/directory/services/" + id + "/capacity", "Authorization", LINK_WORKER,
                "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"capacity\": \"open\"}"))).statusCode())
                .isEqualTo(403);
        HttpResponse<String> reopened = server.send(server.request("/api/directory/services/" + id + "/capacity", "Authorization", ADMIN,
                "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"capacity\": \"open\"}")));
        assertThat(json(reopened).path("capacity").asText()).isEqualTo("open");
        assertThat(json(server.get("/directory/services/" + id)).path("attributes").findValuesAsText("link_type"))
                .doesNotContain("capacity");
    }

    @Test
    @Order(14)
    void anAdminEditsAServiceWithIfMatchAndTheChangeShowsEverywhereWithWhoChangedWhat() {
        String id = serviceNamed("Get Online at Firth Park");
        String path = "/api/directory/services/" + id;
        assertThat(server.get(path).statusCode()).isEqualTo(401);
        assertThat(server.get(path, "Authorization", LINK_WORKER).statusCode()).as("only admins open the edit form").isEqualTo(403);
        HttpResponse<String> opened = server.get(path, "Authorization", ADMIN);
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(200);
        String etag = opened.headers().firstValue("ETag").orElseThrow();
        JsonNode form = json(opened);
        assertThat(form.path("name").asText()).isEqualTo("Get Online at Firth Park");
        String phone = form.path("phones").get(0).path("id").asText();
        String schedule = form.path("schedules").get(0).path("id").asText();
        String edit = "{\"name\": \"Get Online at Firth Park Library\", \"description\": \"Beginners' computer course with"
                + " hedgehog-friendly tutors\", \"email\": \"getonline@sheff-vcs.example.org\", \"fees\": \"Free for everyone\","
                + " \"eligibility_description\": \"Adults new to computers\", \"maximum_age\": 99,"
                + " \"application_process\": \"Just turn up\", \"phones\": [{\"id\": \"" + phone + "\", \"number\": \"0114 496 0777\"}],"
                + " \"schedules\": [{\"id\": \"" + schedule + "\", \"description\": \"Wednesdays, 10:00 to 12:00 (not in August)\"}]}";

        assertThat(put(path, edit, LINK_WORKER, etag).statusCode()).as("link workers cannot edit").isEqualTo(403);
        // Found probing: the service's email is where onward referrals (a note about the person) go, and an admin of
        // one area could set it for every area's referrals.
        HttpResponse<String> oneArea = put(path, edit, server.areaAdmin("islington"), etag);
        assertThat(oneArea.statusCode()).as(oneArea.body()).isEqualTo(403);
        assertThat(oneArea.body()).contains("only an admin of every area");
        assertThat(put(path, edit, null, etag).statusCode()).isEqualTo(401);
        HttpResponse<String> invalid = put(path, "{\"name\": \" \", \"email\": \"nope\", \"status\": \"full\", \"minimum_age\": 200}", ADMIN, etag);
        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);
        assertThat(invalid.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(invalid).path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("name", "email", "status", "minimum_age");
        assertThat(put(path, "[1, 2]", ADMIN, etag).statusCode()).as("not an object").isEqualTo(400);
        assertThat(put(path, "{\"name\": ", ADMIN, etag).statusCode()).as("not JSON").isEqualTo(400);

        HttpResponse<String> saved = put(path, edit, ADMIN, etag);

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        String newTag = saved.headers().firstValue("ETag").orElseThrow();
        assertThat(newTag).isNotEqualTo(etag);
        assertThat(put(path, "{\"fees\": \"£5\"}", ADMIN, etag).statusCode()).as("a stale If-Match").isEqualTo(412);
        assertThat(json(server.get(path, "Authorization", ADMIN)).path("fees").asText()).isEqualTo("Free for everyone");
        assertThat(server.get(path, "Authorization", ADMIN).headers().firstValue("ETag")).contains(newTag);

        // At once in the Open Referral API (still valid against the UK schemas) and in search, for everyone.
        JsonNode oruk = json(server.get("/directory/services/" + id));
        assertThat(SCHEMAS.problems("service", oruk)).isEmpty();
        assertThat(oruk.path("name").asText()).isEqualTo("Get Online at Firth Park Library");
        assertThat(oruk.path("email").asText()).isEqualTo("getonline@sheff-vcs.example.org");
        assertThat(oruk.path("maximum_age").asInt()).isEqualTo(99);
        assertThat(oruk.path("contacts").get(0).path("phones").get(0).path("number").asText()).isEqualTo("0114 496 0777");
        assertThat(oruk.path("schedules").get(0).path("description").asText()).isEqualTo("Wednesdays, 10:00 to 12:00 (not in August)");
        assertThat(json(server.get("/directory/services?search=hedgehog")).path("contents").get(0).path("id").asText()).isEqualTo(id);
        JsonNode found = json(server.get("/api/directory/search?search=hedgehog", "Authorization", LINK_WORKER)).path("results").get(0);
        assertThat(found.path("name").asText()).isEqualTo("Get Online at Firth Park Library");
        assertThat(found.path("freshness").path("lastConfirmed").asText()).as("an edit confirms the details").isNotBlank();

        // Who changed what, newest first; link workers may read it too.
        assertThat(server.get(path + "/history").statusCode()).isEqualTo(401);
        JsonNode history = json(server.get(path + "/history", "Authorization", LINK_WORKER));
        assertThat(history.path("total").asInt()).isEqualTo(2);
        JsonNode newest = history.path("items").get(0);
        assertThat(newest.path("by").asText()).isEqualTo("admin");
        assertThat(newest.path("source").asText()).isEqualTo("edit");
        assertThat(newest.path("changes").toString()).contains("{\"field\":\"name\",\"old\":\"Get Online at Firth Park\","
                + "\"new\":\"Get Online at Firth Park Library\"}").contains("\"field\":\"phone\"").contains("0114 496 0777");
        assertThat(history.path("items").get(1).path("source").asText()).as("listed by the demo import").isEqualTo("import");
        assertThat(json(server.get(path + "/history?per_page=1&page=2", "Authorization", ADMIN)).path("items").get(0)
                .path("source").asText()).isEqualTo("import");
        assertThat(server.get(path + "/history?per_page=0", "Authorization", ADMIN).statusCode()).isEqualTo(400);
        assertThat(server.get("/api/admin/audit?resourceType=DirectoryService", "Authorization", ADMIN).body())
                .as("the edit is audited").contains(id).contains("UPDATE");
        assertThat(server.get("/api/directory/services/no-such-service/history", "Authorization", ADMIN).statusCode()).isEqualTo(404);
        assertThat(put("/api/directory/services/no-such-service", "{}", ADMIN, null).statusCode()).isEqualTo(404);

        // Found probing: the console's form sends every field, the email unchanged included, so an admin of one area
        // could save no correction at all. Only a change of the email is kept for admins of every area.
        HttpResponse<String> form2 = server.get(path, "Authorization", ADMIN);
        String sameEmail = "{\"email\": \"getonline@sheff-vcs.example.org\", \"fees\": \"Free, tea 50p\"}";
        HttpResponse<String> areaSave = put(path, sameEmail, server.areaAdmin("islington"),
                form2.headers().firstValue("ETag").orElseThrow());
        assertThat(areaSave.statusCode()).as(areaSave.body()).isEqualTo(200);
        assertThat(json(areaSave).path("fees").asText()).isEqualTo("Free, tea 50p");
        HttpResponse<String> areaEmail = put(path, "{\"email\": \"elsewhere@example.org\"}", server.areaAdmin("islington"), null);
        assertThat(areaEmail.statusCode()).as(areaEmail.body()).isEqualTo(403);
        assertThat(json(server.get("/directory/services/" + id)).path("email").asText()).isEqualTo("getonline@sheff-vcs.example.org");
    }

    /**
     * Last: signing the admin in to the console enrols their second factor, after which HTTP Basic as admin no longer
     * works on this server.
     */
    @Test
    @Order(99)
    void anAdminEditsAServiceInTheConsoleSeesTheChangeAndItsHistoryAndIsToldOfAConflict() throws Exception {
        String id = serviceNamed("Sharrow Digital Drop-in");
        server.admin("create-user", "editor2", "--role", "admin", "--area", "sheffield", "--password", "editor2-password-1");
        startBrowser();
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        ConsoleChecks.signIn(browser, wait, server.baseUrl(), "admin", "admin");
        browser.findElement(By.id("menu-directory")).click();
        WebElement search = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-search")));
        search.sendKeys("sharrow", Keys.ENTER);
        wait.until(d -> d.findElement(By.id("directory-results")).getText().contains("Sharrow Digital Drop-in"));
        browser.findElement(By.xpath("//ol[@id='directory-results']//button[text()='Sharrow Digital Drop-in']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-edit")));
        wait.until(d -> d.findElement(By.id("directory-changes")).getText().contains("import"));

        // The form, by keyboard: a bad email is named, linked and marked on its field.
        browser.findElement(By.id("directory-edit")).sendKeys(Keys.ENTER);
        WebElement email = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-email")));
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("edit-title");
        email.clear();
        email.sendKeys("not an email");
        WebElement fees = browser.findElement(By.id("edit-fees"));
        fees.clear();
        fees.sendKeys("Free, donations welcome", Keys.ENTER);
        WebElement errors = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-errors")));
        assertThat(errors.getText()).contains("Email must be an email address");
        assertThat(email.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(email.getAttribute("aria-describedby")).contains("edit-email-error");
        assertThat(browser.findElement(By.id("edit-email-error")).getText()).contains("must be an email address");
        ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "service edit form with an error");
        errors.findElement(By.tagName("a")).sendKeys(Keys.ENTER);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("edit-email");
        email.clear();
        email.sendKeys("drop-in@sheff-vcs.example.org", Keys.ENTER);

        WebElement announcement = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-announcement")));
        wait.until(d -> announcement.getText().contains("Saved"));
        wait.until(d -> d.findElement(By.id("directory-detail")).getText().contains("drop-in@sheff-vcs.example.org"));
        wait.until(d -> d.findElement(By.id("directory-changes")).getText().contains("Fees: Free → Free, donations welcome"));
        assertThat(browser.findElement(By.id("directory-changes")).getText()).contains("admin (edited)")
                .contains("Email: groups@sheff-vcs.example.org → drop-in@sheff-vcs.example.org");
        assertThat(json(server.get("/directory/services/" + id)).path("fees").asText()).isEqualTo("Free, donations welcome");
        ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "service page with its changes");

        // Someone else saves while the form is open: the console says so and saves nothing over their change.
        browser.findElement(By.id("directory-edit")).click();
        WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-name")));
        String editor2 = basic("editor2", "editor2-password-1");
        String tag = server.get("/api/directory/services/" + id, "Authorization", editor2).headers().firstValue("ETag").orElseThrow();
        assertThat(put("/api/directory/services/" + id, "{\"fees\": \"£1\"}", editor2, tag).statusCode()).isEqualTo(200);
        name.clear();
        name.sendKeys("Sharrow Drop-in", Keys.ENTER);
        WebElement conflict = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-conflict")));
        assertThat(conflict.getText()).contains("Someone else changed these details");
        assertThat(json(server.get("/directory/services/" + id)).path("name").asText()).isEqualTo("Sharrow Digital Drop-in");
        browser.findElement(By.id("edit-reload")).click();
        // The reload draws the form again, so the field is looked up afresh on every poll (pageWait looks again).
        wait.until(d -> "£1".equals(d.findElement(By.id("edit-fees")).getAttribute("value")));
    }

    /**
     * Found probing: the console's results did not say a service was defunct or inactive, and its page offered to
     * signpost or refer to it, which the server refuses (409) only once the worker has written the note.
     */
    @Test
    @Order(13)
    void aDefunctServiceIsTaggedInTheConsolesResultsAndOffersNoReferral() throws Exception {
        String shed = serviceNamed("Parson Cross Men's Shed");
        String referralId = null;
        for (JsonNode item : json(server.get("/api/referrals?status=requested", "Authorization", LINK_WORKER)).path("items")) {
            referralId = item.path("id").asText();
        }
        assertThat(referralId).as("an open demo referral").isNotNull();
        assertThat(put("/api/directory/services/" + shed, "{\"status\": \"defunct\"}", ADMIN, null).statusCode()).isEqualTo(200);
        try {
            startBrowser();
            browser.manage().deleteAllCookies();
            browser.get(server.baseUrl() + "/console/#/referrals/" + referralId);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
            ConsoleChecks.signIn(browser, wait, server.baseUrl(), "linkworker", "linkworker");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("referral-find-service"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-search"))).sendKeys("parson cross shed", Keys.ENTER);
            WebElement result = wait.until(d -> d.findElements(By.cssSelector("#directory-results li")).stream()
                    .filter(li -> li.getText().contains("Parson Cross Men's Shed")).findFirst().orElse(null));
            assertThat(result.findElement(By.className("directory-status")).getText()).isEqualTo("closed for good");

            result.findElement(By.tagName("button")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-takes-no-one")));
            assertThat(browser.findElements(By.id("directory-consent"))).isEmpty();
            browser.findElement(By.id("sign-out")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        } finally {
            assertThat(put("/api/directory/services/" + shed, "{\"status\": \"active\"}", ADMIN, null).statusCode()).isEqualTo(200);
        }
    }

    /**
     * Found probing: after an onward referral the console said "its answer will show on the referral", yet the referral
     * page showed neither the onward referral nor any answer, the way back to it was the caseload, and an answer given
     * by phone could be recorded over /api only.
     */
    @Test
    @Order(13)
    void anOnwardReferralMadeInTheConsoleShowsOnTheReferralWithTheAnswerRecordedThere() throws Exception {
        String referralId = null;
        for (JsonNode item : json(server.get("/api/referrals?status=requested", "Authorization", LINK_WORKER)).path("items")) {
            referralId = item.path("id").asText();
        }
        assertThat(referralId).as("an open demo referral").isNotNull();
        String base = "/api/directory/referrals/" + referralId;
        int before = json(server.get(base + "/onward-referrals", "Authorization", LINK_WORKER)).size();
        startBrowser();
        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/#/referrals/" + referralId);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        ConsoleChecks.signIn(browser, wait, server.baseUrl(), "linkworker", "linkworker");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("onward-panel")));
        assertThat(browser.getTitle()).isEqualTo("Referral - Waymark console");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("referral-find-service"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-search"))).sendKeys("crookes walk", Keys.ENTER);
        WebElement result = wait.until(d -> d.findElements(By.cssSelector("#directory-results li button")).stream()
                .filter(b -> b.getText().equals("Crookes Health Walk")).findFirst().orElse(null));
        assertThat(browser.getTitle()).isEqualTo("Community directory - Waymark console");
        result.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-note"))).sendKeys("Prefers mornings");
        browser.findElement(By.id("directory-consent")).click();
        browser.findElement(By.xpath("//div[@id='directory-detail']//button[text()='Refer them']")).click();
        wait.until(d -> d.findElement(By.id("directory-detail")).getText().contains("Referred. The service has been sent a link"));

        browser.findElement(By.id("directory-back")).click();
        WebElement onward = wait.until(d -> d.findElements(By.cssSelector("#onward-list li")).stream()
                .filter(li -> li.getText().contains("Referred to Crookes Health Walk: referred, waiting for their answer")
                        && li.getText().contains("Note sent: Prefers mornings")).findFirst().orElse(null));
        assertThat(browser.findElement(By.id("onward-none")).isDisplayed()).isFalse();
        // The service rings to say no: a decline needs its reason, as over /api and through the link.
        new org.openqa.selenium.support.ui.Select(onward.findElement(By.tagName("select"))).selectByValue("declined");
        onward.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("message")).isDisplayed());
        assertThat(browser.findElement(By.id("message")).getText()).contains("Give the reason the service declined");
        onward.findElement(By.cssSelector("input")).sendKeys("Full until spring");
        onward.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> d.findElement(By.id("onward-list")).getText().contains("Referred to Crookes Health Walk: the service declined"));
        assertThat(browser.findElement(By.id("onward-list")).getText()).contains("Their reason: Full until spring");
        JsonNode stored = json(server.get(base + "/onward-referrals", "Authorization", LINK_WORKER));
        assertThat(stored).hasSize(before + 1);
        assertThat(stored.get(stored.size() - 1).path("status").asText()).isEqualTo("declined");
        ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "referral page with an onward referral");
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    /** A link worker sees the changes but no edit button. */
    @Test
    @Order(15)
    void aLinkWorkerSeesTheChangesButCannotEditInTheConsole() throws Exception {
        startBrowser();
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        ConsoleChecks.signIn(browser, wait, server.baseUrl(), "linkworker", "linkworker");
        browser.findElement(By.id("menu-directory")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-search"))).sendKeys("hedgehog", Keys.ENTER);
        wait.until(d -> d.findElement(By.id("directory-results")).getText().contains("Get Online at Firth Park Library"));
        browser.findElement(By.xpath("//ol[@id='directory-results']//button[text()='Get Online at Firth Park Library']")).click();
        wait.until(d -> d.findElement(By.id("directory-changes")).getText().contains("admin (edited)"));
        assertThat(browser.findElements(By.id("directory-edit"))).isEmpty();
        ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "service page for a link worker");
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    private static WebDriver browser;
    private static WebDriverWait wait;

    private static void startBrowser() {
        if (browser != null) {
            return;
        }
        browser = ConsoleChecks.chromium(false);
        wait = ConsoleChecks.pageWait(browser, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    private static String serviceNamed(String name) {
        // Searched for by name: after the long import of generated services the demo ones are not all on page 1.
        JsonNode found = json(server.get("/directory/services?per_page=100&search="
                + URLEncoder.encode(name, StandardCharsets.UTF_8))).path("contents");
        for (JsonNode service : found) {
            if (service.path("name").asText().equals(name)) {
                return service.path("id").asText();
            }
        }
        throw new AssertionError("No demo service named " + name);
    }

    private static HttpResponse<String> put(String path, String body, String authorization, String ifMatch) {
        HttpRequest.Builder request = server.request(path, "Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return server.send(request.PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    @Order(20)
    void aLongImportIsARunWhoseProgressGrowsByTableAndASecondImportMeanwhileIsRefused() throws IOException {
        byte[] big = generated("long-import", 2500, 0);

        HttpResponse<String> started = postZip(big);
        HttpResponse<String> second = server.postJson("/api/directory/imports", Files.readString(UK.resolve("examples/service_full.json")),
                "Authorization", ADMIN);
        List<JsonNode> seen = new ArrayList<>();
        JsonNode ended = follow(started, seen);

        assertThat(json(started).path("state").asText()).isIn("queued", "running");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(second.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(second).path("run").asText()).isEqualTo("/api/directory/imports/" + json(started).path("id").asText());
        assertThat(ended.path("state").asText()).as(ended.toString()).isEqualTo("applied");
        assertThat(ended.path("records").asInt()).isEqualTo(GeneratedPackage.records(2500));
        assertThat(ended.path("counts").path("service").asInt()).isEqualTo(2500);
        assertThat(ended.path("skipped").toString()).contains("funding");
        assertThat(ended.path("startedAt").asText()).isNotBlank();
        assertThat(ended.path("finishedAt").asText()).isNotBlank();
        // Seen while it ran: a phase with its total known, records done by table, never going back within a phase.
        List<JsonNode> counted = seen.stream().filter(r -> r.path("state").asText().equals("running")
                && r.path("progress").path("total").asInt() > 0).toList();
        assertThat(counted).as("running states with a total, of " + seen.size() + " polls").isNotEmpty();
        assertThat(counted).allSatisfy(r -> assertThat(r.path("progress").path("kinds").path("service").path("total").asInt()).isEqualTo(2500));
        for (int i = 1; i < counted.size(); i++) {
            JsonNode before = counted.get(i - 1).path("progress");
            JsonNode after = counted.get(i).path("progress");
            if (before.path("phase").equals(after.path("phase"))) {
                assertThat(after.path("done").asInt()).isGreaterThanOrEqualTo(before.path("done").asInt());
            }
        }
        assertThat(server.get("/directory/services/" + GeneratedPackage.serviceId("long-import", 2500)).statusCode()).isEqualTo(200);
        JsonNode recent = json(server.get("/api/directory/imports", "Authorization", ADMIN));
        assertThat(recent.get(0).path("id").asText()).isEqualTo(ended.path("id").asText());
        assertThat(recent.get(0).has("errors")).as("the list leaves the long lists out").isFalse();
        assertThat(server.get("/api/directory/imports", "Authorization", LINK_WORKER).statusCode()).isEqualTo(403);
        assertThat(server.get("/api/directory/imports/no-such-run", "Authorization", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(21)
    void aLongImportWithOneBadRowEndsFailedWithTheRowListedAndWritesNothing() throws IOException {
        int before = json(server.get("/directory/services?per_page=1")).path("total_items").asInt();

        JsonNode ended = runEnded(postZip(generated("bad-row", 2000, 1777)));

        assertThat(ended.path("state").asText()).as(ended.toString()).isEqualTo("failed");
        assertThat(ended.path("errorCount").asInt()).isEqualTo(1);
        assertThat(ended.path("errors").get(0).asText()).contains("service.csv line 1778").contains("status 'sometimes'");
        assertThat(ended.path("counts").isEmpty()).isTrue();
        assertThat(json(server.get("/directory/services?per_page=1")).path("total_items").asInt()).isEqualTo(before);
        assertThat(server.get("/directory/services/" + GeneratedPackage.serviceId("bad-row", 1)).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(22)
    void inTheConsoleAnAdminUploadsAndFollowsTheProgressBarToTheSummary() throws Exception {
        Path zip = Files.createTempFile("waymark-console-import", ".zip");
        Files.write(zip, generated("console-import", 2500, 0));
        WebDriver browser = browser();
        try {
            WebDriverWait wait = ConsoleChecks.pageWait(browser, Duration.ofSeconds(240));
            browser.get(server.baseUrl() + "/console/");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
            ConsoleChecks.signIn(browser, wait, server.baseUrl(), "admin", "admin");
            browser.findElement(By.id("menu-admin")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("directory-import-title")));
            // Every text the progress label and the announcements show, however briefly, is kept to check afterwards.
            ((JavascriptExecutor) browser).executeScript("window.seenLabels = []; window.seenStatus = [];"
                    + "new MutationObserver(() => window.seenLabels.push(document.getElementById('import-progress-label').textContent))"
                    + ".observe(document.getElementById('import-progress-label'), {childList: true, characterData: true, subtree: true});"
                    + "new MutationObserver(() => window.seenStatus.push(document.getElementById('import-status').textContent))"
                    + ".observe(document.getElementById('import-status'), {childList: true, characterData: true, subtree: true});");
            browser.findElement(By.id("import-file")).sendKeys(zip.toString());
            browser.findElement(By.cssSelector("#import-form button[type=submit]")).click();

            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("import-summary-title")));
            String imported = "Imported " + String.format(java.util.Locale.UK, "%,d", GeneratedPackage.records(2500)) + " records";
            assertThat(browser.findElement(By.id("import-summary-title")).getText()).isEqualTo(imported);
            assertThat(browser.findElement(By.id("import-counts")).getText()).contains("service: 2,500", "service at location: 2,500");
            assertThat(browser.findElement(By.id("import-skipped")).getText()).contains("funding");
            @SuppressWarnings("unchecked")
            List<String> labels = (List<String>) ((JavascriptExecutor) browser).executeScript("return window.seenLabels;");
            @SuppressWarnings("unchecked")
            List<String> said = (List<String>) ((JavascriptExecutor) browser).executeScript("return window.seenStatus;");
            // The run's own phases from the server, as the bar's label; how many polls land in which phase depends on
            // the database's speed (on PostgreSQL this import can be written between two polls), so any phase will do.
            // The HTTP test (aLongImportIsARun...) is the one that proves the counts grow.
            assertThat(labels).as("the progress label while it ran").anyMatch(l -> l.matches(
                    "(Waiting to start|Reading the file|Checking the records|Saving the records|Updating the search index)"
                            + "(…|: [0-9,]+ (of [0-9,]+ records|records so far))"));
            // Announced: each phase as it begins and each quarter of it, once; never the counts of every poll.
            assertThat(said).as("announcements").doesNotHaveDuplicates().isNotEmpty();
            assertThat(said.subList(0, said.size() - 1)).allMatch(t -> t.matches("[A-Z][a-z ]+(\\.|: (0|25|50|75|100)% done)"), "a phase or a quarter");
            assertThat(said.get(said.size() - 1)).startsWith(imported);
            assertThat(browser.findElement(By.id("import-progress")).getAttribute("aria-labelledby")).isEqualTo("import-progress-label");
            ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "admin page after a directory import");
        } finally {
            browser.quit();
            Files.deleteIfExists(zip);
        }
    }

    /** Headless Chromium (Debian's chromium and chromium-driver, as the other browser tests). */
    private static WebDriver browser() {
        return ConsoleChecks.chromium(false);
    }

    private static HttpResponse<String> postZip(byte[] zip) {
        return server.send(server.request("/api/directory/imports", "Authorization", ADMIN, "Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zip)));
    }

    /** Follows an import run that was started (202 and its address) until it has ended; answers the ended run. */
    private static JsonNode runEnded(HttpResponse<String> started) {
        return follow(started, new ArrayList<>());
    }

    /** As {@link #runEnded}, keeping every state of the run seen on the way in {@code seen}. */
    private static JsonNode follow(HttpResponse<String> started, List<JsonNode> seen) {
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertThat(location).endsWith("/api/directory/imports/" + json(started).path("id").asText());
        String path = java.net.URI.create(location).getPath();
        seen.add(json(started));
        await("import run " + path + " ended").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> run = server.get(path, "Authorization", ADMIN);
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            seen.add(json(run));
            return List.of("applied", "failed").contains(json(run).path("state").asText());
        });
        return seen.get(seen.size() - 1);
    }

    /** A generated CSV data package of {@code services} services, zipped with its descriptor in a top folder. */
    private static byte[] generated(String seed, int services, int badServiceRow) throws IOException {
        Path folder = Files.createTempDirectory("waymark-generated");
        try {
            GeneratedPackage.write(folder, seed, services, badServiceRow);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.list(folder)) {
                for (Path file : files.sorted().toList()) {
                    zip.putNextEntry(new ZipEntry(seed + "/" + file.getFileName()));
                    zip.write(Files.readAllBytes(file));
                }
            }
            return bytes.toByteArray();
        } finally {
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A zip of the given entries (a name ending in / is a folder). */
    private static byte[] zip(List<String> names, List<String> contents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < names.size(); i++) {
                zip.putNextEntry(new ZipEntry(names.get(i)));
                zip.write(contents.get(i).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /**
     * A zip holding {@code name} twice. ZipOutputStream refuses to write that, so the local entry of a one-entry zip
     * (all a streaming reader looks at) is put twice ahead of that zip.
     */
    private static byte[] duplicated(String name, String content) throws IOException {
        byte[] single = zip(List.of(name), List.of(content));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int centralDirectory = indexOf(single, new byte[] {0x50, 0x4b, 0x01, 0x02});
        bytes.write(single, 0, centralDirectory);
        bytes.write(single);
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    /** The descriptor at the top and the CSVs in csv/, as a data package is usually zipped. */
    private static byte[] zipped(Path root) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> csvs = Files.list(root.resolve("examples/csv"))) {
            zip.putNextEntry(new ZipEntry("package/datapackage.json"));
            zip.write(Files.readAllBytes(root.resolve("datapackage.json")));
            List<Path> files = new ArrayList<>(csvs.toList());
            for (Path csv : files) {
                zip.putNextEntry(new ZipEntry("package/csv/" + csv.getFileName()));
                zip.write(Files.readAllBytes(csv));
            }
        }
        return bytes.toByteArray();
    }

    /**
     * The GP system follows the onward referral where it follows the referral: a sub-Task of the referral's Task,
     * answered by the provider through the one-time link, listed in the referral Task's outputs and found by part-of.
     */
    @Test
    @Order(14)
    void theGpSeesTheProvidersAnswerAsASubTaskOfTheReferralsTaskAndNoOtherClientDoes() {
        String gp = "Bearer " + server.demoClientToken();
        HttpResponse<String> sent = server.send(server.request("/fhir/ServiceRequest", "Authorization", gp,
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                FhirReferralIT.serviceRequest("ONWARD-1", TestData.validNhsNumber(), "Onward"))));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        String referralId = json(sent).path("id").asText();
        JsonNode referralTask = json(server.get("/fhir/Task?focus=ServiceRequest/" + referralId, "Authorization", gp))
                .path("entry").get(0).path("resource");
        String taskId = referralTask.path("id").asText();
        HttpResponse<String> before = server.get("/fhir/Task/" + taskId, "Authorization", gp);
        String serviceId = json(server.get("/directory/services?search=" + encode("crookes walk"))).path("contents").get(0).path("id").asText();

        HttpResponse<String> referred = server.postJson("/api/directory/referrals/" + referralId + "/onward-referrals",
                "{\"serviceId\": \"" + serviceId + "\", \"consent\": true}", "Authorization", LINK_WORKER);
        assertThat(referred.statusCode()).as(referred.body()).isEqualTo(201);
        String subTaskId = json(referred).path("id").asText();
        String link = java.net.URI.create(json(referred).path("answerLink").asText()).getPath();
        JsonNode requested = json(server.get("/fhir/Task/" + subTaskId, "Authorization", gp));
        assertThat(requested.path("status").asText()).isEqualTo("requested");
        HttpResponse<String> declined = server.send(server.request(link, "Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("outcome=declined&reason=" + encode("Group is full until March"))));
        assertThat(declined.statusCode()).as(declined.body()).isEqualTo(200);

        HttpResponse<String> read = server.get("/fhir/Task/" + subTaskId, "Authorization", gp);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type").orElse("")).startsWith("application/fhir+json");
        JsonNode subTask = json(read);
        assertThat(subTask.path("resourceType").asText()).isEqualTo("Task");
        assertThat(subTask.path("partOf").get(0).path("reference").asText()).isEqualTo("Task/" + taskId);
        assertThat(subTask.path("basedOn").get(0).path("reference").asText()).isEqualTo("ServiceRequest/" + referralId);
        assertThat(subTask.path("focus").path("reference").asText()).isEqualTo("ServiceRequest/" + referralId);
        assertThat(subTask.path("for").path("reference").asText()).isEqualTo(referralTask.path("for").path("reference").asText());
        assertThat(subTask.path("intent").asText()).isEqualTo("order");
        assertThat(subTask.path("status").asText()).isEqualTo("rejected");
        assertThat(subTask.path("statusReason").path("text").asText()).isEqualTo("Group is full until March");
        assertThat(subTask.path("businessStatus").path("coding").get(0).path("code").asText()).isEqualTo("declined");
        assertThat(subTask.path("owner").path("display").asText()).contains("Peak Edge Walkers").contains("Crookes Health Walk");
        assertThat(subTask.path("meta").path("versionId").asText()).isEqualTo("2");
        assertThat(read.headers().firstValue("ETag").orElse("")).isEqualTo("W/\"2\"");

        HttpResponse<String> after = server.get("/fhir/Task/" + taskId, "Authorization", gp);
        JsonNode outputs = json(after).path("output");
        JsonNode onwardOutput = null;
        for (JsonNode output : outputs) {
            if (output.path("type").path("text").asText().equals("Onward referral")) {
                onwardOutput = output;
            }
        }
        assertThat(onwardOutput).as(after.body()).isNotNull();
        assertThat(onwardOutput.path("valueReference").path("reference").asText()).isEqualTo("Task/" + subTaskId);
        assertThat(onwardOutput.path("valueReference").path("display").asText()).isEqualTo("Crookes Health Walk: declined");
        assertThat(after.headers().firstValue("ETag")).as("the answer changed the referral's Task")
                .isNotEqualTo(before.headers().firstValue("ETag"));

        JsonNode found = json(server.get("/fhir/Task?part-of=Task/" + taskId, "Authorization", gp));
        assertThat(found.path("type").asText()).isEqualTo("searchset");
        assertThat(found.path("total").asInt()).isEqualTo(1);
        assertThat(found.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(subTaskId);
        assertThat(json(server.get("/fhir/Task?part-of=Task/" + taskId + "&status=accepted", "Authorization", gp))
                .path("total").asInt()).isZero();
        assertThat(server.get("/fhir/Task?part-of=Task/" + taskId + "&colour=blue", "Authorization", gp).statusCode())
                .as("unknown parameters are still refused").isEqualTo(400);
        // A sub-Task by its own id, with the ServiceRequest it is about beside it.
        JsonNode byId = json(server.get("/fhir/Task?_id=" + subTaskId + "&_include=Task:focus", "Authorization", gp));
        assertThat(byId.path("total").asInt()).isEqualTo(1);
        assertThat(byId.path("entry").get(0).path("resource").path("id").asText()).isEqualTo(subTaskId);
        assertThat(byId.path("entry").get(1).path("search").path("mode").asText()).isEqualTo("include");
        assertThat(byId.path("entry").get(1).path("resource").path("resourceType").asText()).isEqualTo("ServiceRequest");
        assertThat(json(server.get("/fhir/Task?_id=" + subTaskId + "&part-of=Task/" + subTaskId, "Authorization", gp))
                .path("total").asInt()).as("part of its parent only").isZero();
        assertThat(json(server.get("/fhir/Task?_id=" + subTaskId + "&status=accepted", "Authorization", gp))
                .path("total").asInt()).isZero();
        List<String> taskParameters = new ArrayList<>();
        for (JsonNode resource : json(server.get("/fhir/metadata")).path("rest").get(0).path("resource")) {
            if (resource.path("type").asText().equals("Task")) {
                taskParameters.addAll(resource.path("searchParam").findValuesAsText("name"));
            }
        }
        assertThat(taskParameters).contains("part-of", "focus", "status");

        String otherGp = "Bearer " + server.clientToken("onward-other-gp", server.createClient("onward-other-gp", "sheffield"));
        HttpResponse<String> hidden = server.get("/fhir/Task/" + subTaskId, "Authorization", otherGp);
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(json(hidden).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(json(server.get("/fhir/Task?part-of=Task/" + taskId, "Authorization", otherGp)).path("total").asInt()).isZero();
        assertThat(json(server.get("/fhir/Task?_id=" + subTaskId, "Authorization", otherGp)).path("total").asInt()).isZero();
        assertThat(server.get("/fhir/Task/" + subTaskId).statusCode()).isEqualTo(401);
        assertThat(server.get("/fhir/Task/" + subTaskId, "Authorization", LINK_WORKER).statusCode())
                .as("staff of the referral's area").isEqualTo(200);
    }
}
