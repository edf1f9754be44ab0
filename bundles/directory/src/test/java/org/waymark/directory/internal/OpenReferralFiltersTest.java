package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.ws.rs.core.MultivaluedHashMap;
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
        MultivaluedHashMap<String, String> map = new MultivaluedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.add(params[i], params[i + 1]);
        }
        return (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(), new Class<?>[]{UriInfo.class}, (proxy, method, args) -> {
            if (method.getName().equals("getQueryParameters")) {
                return map;
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }

    private static JsonNode services(String... params) {
        return api.servicesPage(OpenReferralResource.params(query(params)));
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
}
