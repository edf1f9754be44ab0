package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.ws.rs.core.UriInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

/**
 * The Open Referral UK API's own filters and options that {@code GET /directory/} points callers to (its
 * {@code openapi_url}) are applied or refused, never ignored (found probing: {@code organization_id},
 * {@code modified_after}, {@code search} on organizations and taxonomies, {@code full} and {@code format} all answered
 * the whole, unfiltered list).
 */
class OpenReferralFiltersTest {
    private static Directory directory;
    private static OpenReferralResource api;

    @BeforeAll
    static void demoDirectory() throws Exception {
        directory = TestDirectory.withDemoData();
        api = new OpenReferralResource(directory);
    }

    private static UriInfo query(String... params) {
        return TestDirectory.query(params);
    }

    private static JsonNode services(String... params) {
        return api.servicesPage(OpenReferralResource.params(query(params), OpenReferralResource.SERVICE_PARAMS));
    }

    private static List<String> field(JsonNode page, String field) {
        List<String> values = new ArrayList<>();
        page.path("contents").forEach(item -> values.add(item.path(field).asText()));
        return values;
    }

    @Test
    void organizationIdListsOnlyThatOrganizationsServicesAndLocations() {
        ObjectNode organization = directory.catalog().all(Kind.ORGANIZATION).iterator().next();
        String id = Catalog.id(organization);
        int theirs = directory.catalog().children(Kind.SERVICE, "organization_id", id).size();

        JsonNode page = services("organization_id", id, "per_page", "1000");
        JsonNode sals = api.serviceAtLocations(query("organization_id", id, "per_page", "1000"));

        assertThat(theirs).isPositive().isLessThan(directory.catalog().count(Kind.SERVICE));
        assertThat(page.path("total_items").asInt()).isEqualTo(theirs);
        assertThat(field(page, "organization_id")).containsOnly(id);
        assertThat(field(sals, "service_id")).isNotEmpty().allMatch(s -> directory.catalog().get(Kind.SERVICE, s).orElseThrow()
                .path("organization_id").asText().equals(id));
        assertThat(services("organization_id", "00000000-0000-4000-8000-000000000000").path("total_items").asInt()).isZero();
    }

    @Test
    void modifiedAfterListsServicesModifiedOnOrAfterIt() {
        // The demo services were all last modified at 2026-11-01T09:00:00Z.
        int all = directory.catalog().count(Kind.SERVICE);

        assertThat(services("modified_after", "2026-11-01T09:00:00Z").path("total_items").asInt()).isEqualTo(all);
        assertThat(services("modified_after", "2026-11-01").path("total_items").asInt()).isEqualTo(all);
        assertThat(services("modified_after", "2026-11-01T10:00:00+01:00").path("total_items").asInt()).isEqualTo(all);
        assertThat(services("modified_after", "2026-11-01T10:00:00 01:00").path("total_items").asInt()).as("a + sent unencoded")
                .isEqualTo(all);
        assertThat(services("modified_after", "2026-11-01T09:00:01").path("total_items").asInt()).isZero();
        assertThat(api.serviceAtLocations(query("modified_after", "2030-01-01")).path("total_items").asInt()).isZero();
        assertThatThrownBy(() -> services("modified_after", "yesterday")).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("modified_after");
    }

    @Test
    void topOnlyListsTheTermsWithoutAParent() throws Exception {
        Directory tree = TestDirectory.create();
        String taxonomy = "7a1b2c3d-0000-4000-8000-000000000001";
        String root = "7a1b2c3d-0000-4000-8000-000000000002";
        String child = "7a1b2c3d-0000-4000-8000-000000000003";
        Directory.ImportReport report = tree.importJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                [{"id": "%s", "name": "Activities", "description": "Things to do", "taxonomy_id": "%s"},
                 {"id": "%s", "name": "Walking groups", "description": "Walks", "taxonomy_id": "%s", "parent_id": "%s"}]
                """.formatted(root, taxonomy, child, taxonomy, root)), java.util.Optional.of(Kind.TAXONOMY_TERM), "test");
        assertThat(report.applied()).as(report.text()).isTrue();
        OpenReferralResource treeApi = new OpenReferralResource(tree);

        assertThat(field(treeApi.taxonomyTerms(query("top_only", "true")), "id")).containsExactly(root);
        assertThat(field(treeApi.taxonomyTerms(query("top_only", "false")), "id")).containsExactlyInAnyOrder(root, child);
        assertThat(field(treeApi.taxonomyTerms(query("parent_id", root)), "id")).containsExactly(child);
        assertThatThrownBy(() -> treeApi.taxonomyTerms(query("top_only", "yes"))).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("top_only");
    }

    @Test
    void searchFiltersOrganizationsAndTaxonomiesByName() {
        JsonNode organizations = api.organizations(query("search", "islington"));
        JsonNode none = api.taxonomies(query("search", "no such taxonomy"));

        assertThat(organizations.path("total_items").asInt()).isPositive()
                .isLessThan(directory.catalog().count(Kind.ORGANIZATION));
        assertThat(field(organizations, "name")).allMatch(n -> n.toLowerCase().contains("islington"));
        assertThat(none.path("total_items").asInt()).isZero();
    }

    @Test
    void fullNestsEachItemAndAnotherFormatOrMinimalIsRefused() {
        JsonNode full = services("full", "true", "per_page", "3");
        JsonNode summary = services("per_page", "3");

        assertThat(full.path("contents").get(0).has("service_at_locations")).isTrue();
        assertThat(summary.path("contents").get(0).has("service_at_locations")).isFalse();
        assertThat(api.organizations(query("full", "true")).path("contents").get(0).has("services")).isTrue();
        assertThat(services("format", "json").path("total_items").asInt()).isEqualTo(directory.catalog().count(Kind.SERVICE));
        for (String[] refused : List.of(new String[]{"format", "ndjson"}, new String[]{"minimal", "true"},
                new String[]{"full", "yes"})) {
            assertThatThrownBy(() -> services(refused)).as(String.join("=", refused)).isInstanceOf(WaymarkException.class);
        }
        assertThat(Set.of(services("minimal", "false").path("total_items").asInt())).containsExactly(directory.catalog().count(Kind.SERVICE));
    }

    @Test
    void aRepeatedAnUnknownOrANonAsciiNumberParameterIsRefusedNamingIt() {
        assertThatThrownBy(() -> services("page", "2", "page", "3")).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("page is given more than once");
        assertThatThrownBy(() -> services("taxonomy_terms_id", "x", "colour", "red")).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("Unknown query parameters 'colour', 'taxonomy_terms_id'");
        assertThatThrownBy(() -> services("page", "\u0967")).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("page must be a whole number");
        assertThatThrownBy(() -> services("per_page", "\u0661\u0660")).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("per_page must be a whole number");
        assertThatThrownBy(() -> services("age", "\u0663\u0660")).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("age must be a number");
        assertThatThrownBy(() -> services("proximity", "1000d", "postcode", "S1 2AA")).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("proximity must be a number");
        assertThatThrownBy(() -> api.taxonomyTerms(query("top_only", "true", "top_only", "true")))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("top_only is given more than once");
        assertThatThrownBy(() -> api.organizations(query("taxonomy_id", "x"))).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("Unknown query parameter 'taxonomy_id'");
        String id = Catalog.id(directory.catalog().all(Kind.SERVICE).iterator().next());
        assertThatThrownBy(() -> api.service(id, query("full", "true"))).isInstanceOf(WaymarkException.class)
                .hasMessageContaining("this takes none");
    }

    @Test
    void everyParameterTheOpenReferralUkApiDefinesIsStillTaken() {
        String organization = Catalog.id(directory.catalog().all(Kind.ORGANIZATION).iterator().next());
        assertThat(services("search", "walk", "page", "1", "per_page", "5", "format", "json", "minimal", "false", "full", "true",
                "taxonomy_term_id", "x", "taxonomy_id", "y", "organization_id", organization, "modified_after", "2020-01-01",
                "minimum_age", "0", "maximum_age", "150", "start_time", "00:00", "end_time", "23:59", "day", "MO",
                "postcode", "S1 2AA", "proximity", "1000.5", "age", "+30", "cost", "free").path("page_number").asInt()).isEqualTo(1);
        assertThat(api.organizations(query("search", "a", "page", "1", "per_page", "5", "format", "json", "full", "false",
                "full_service", "true", "minimal", "false")).path("page_number").asInt()).isEqualTo(1);
        assertThat(api.taxonomies(query("search", "a", "page", "1", "per_page", "5", "format", "json", "full", "true"))
                .path("page_number").asInt()).isEqualTo(1);
        assertThat(api.taxonomyTerms(query("search", "a", "page", "1", "per_page", "5", "format", "json", "taxonomy_id", "x",
                "parent_id", "y", "top_only", "false")).path("page_number").asInt()).isEqualTo(1);
        assertThat(api.organization(organization, query("full_service", "true")).path("id").asText()).isEqualTo(organization);
    }
}
