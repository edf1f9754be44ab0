package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.directory.testing.OrukSchemas;

/** Every view the read API answers validates against the Open Referral UK 3.0 schemas, formats included. */
class OpenReferralViewsTest {
    private static final OrukSchemas SCHEMAS = new OrukSchemas();
    private static Catalog catalog;

    @BeforeAll
    static void directoryWithDemoAndExampleData() throws Exception {
        Directory directory = TestDirectory.withDemoData();
        Directory.ImportReport report = directory.importPath(OrukSchemas.FIXTURES.resolve("open-referral-uk/uk-profile/examples"),
                Optional.empty(), "test");
        assertThat(report.errors()).isEmpty();
        catalog = directory.catalog();
    }

    @Test
    void everyServiceFullAndListedValidates() {
        assertThat(catalog.count(Kind.SERVICE)).isGreaterThan(30);
        for (ObjectNode service : catalog.all(Kind.SERVICE)) {
            ObjectNode full = catalog.serviceFull(service);
            assertThat(SCHEMAS.problems("service", full)).as(full.toString()).isEmpty();
            assertThat(SCHEMAS.problems("service", catalog.serviceSummary(service))).isEmpty();
            assertThat(full.path("service_at_locations").size()).isGreaterThan(0);
            assertThat(full.path("organization").path("name").asText()).isNotBlank();
        }
    }

    @Test
    void serviceAtLocationsOrganizationsAndTaxonomiesValidate() {
        for (ObjectNode sal : catalog.all(Kind.SERVICE_AT_LOCATION)) {
            assertThat(SCHEMAS.problems("service_at_location", catalog.serviceAtLocationFull(sal))).isEmpty();
            assertThat(SCHEMAS.problems("service_at_location", catalog.serviceAtLocation(sal))).isEmpty();
        }
        for (ObjectNode organization : catalog.all(Kind.ORGANIZATION)) {
            assertThat(SCHEMAS.problems("organization", catalog.organizationFull(organization))).isEmpty();
        }
        for (ObjectNode taxonomy : catalog.all(Kind.TAXONOMY)) {
            assertThat(SCHEMAS.problems("taxonomy", catalog.taxonomy(taxonomy, true))).isEmpty();
        }
        for (ObjectNode term : catalog.all(Kind.TAXONOMY_TERM)) {
            assertThat(SCHEMAS.problems("taxonomy_term", catalog.term(term))).isEmpty();
        }
    }

    @Test
    void anOrganisationsAndALocationsAttributesAreAnsweredWithTheirTermsAndValidate() throws Exception {
        // Found probing: they were imported and kept but never answered, though the UK profile lists them on both.
        Directory directory = TestDirectory.create();
        Directory.ImportReport report = directory.importJson(new ObjectMapper().readTree("""
                {"id": "66666666-6666-4666-8666-666666666666", "name": "Attr Org", "description": "d",
                 "attributes": [{"id": "77777777-7777-4777-8777-777777777777", "value": "charity",
                   "taxonomy_term": {"id": "88888888-8888-4888-8888-888888888888", "name": "Charity", "description": "A charity"}}],
                 "services": [{"id": "12121212-1212-4212-8212-121212121212", "name": "Club", "status": "active",
                   "service_at_locations": [{"id": "13131313-1313-4313-8313-131313131313",
                     "location": {"id": "99999999-9999-4999-8999-999999999999", "location_type": "physical", "name": "Hall",
                       "attributes": [{"id": "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "value": "step-free",
                         "taxonomy_term": {"id": "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "name": "Step free", "description": "Step-free"}}]}}]}]}
                """), Optional.of(Kind.ORGANIZATION), "test");
        assertThat(report.errors()).isEmpty();
        Catalog imported = directory.catalog();

        ObjectNode organization = imported.organizationFull(imported.get(Kind.ORGANIZATION, "66666666-6666-4666-8666-666666666666").orElseThrow());
        ObjectNode service = imported.serviceFull(imported.get(Kind.SERVICE, "12121212-1212-4212-8212-121212121212").orElseThrow());

        assertThat(organization.path("attributes").findValuesAsText("name")).containsExactly("Charity");
        assertThat(service.path("organization").path("attributes").findValuesAsText("value")).containsExactly("charity");
        assertThat(service.path("service_at_locations").get(0).path("location").path("attributes").findValuesAsText("name"))
                .containsExactly("Step free");
        assertThat(service.path("attributes")).as("the service's own: none").isEmpty();
        assertThat(SCHEMAS.problems("organization", organization)).isEmpty();
        assertThat(SCHEMAS.problems("service", service)).isEmpty();
    }

    @Test
    void pagesAndApiDetailsValidate() {
        List<ObjectNode> services = List.copyOf(catalog.all(Kind.SERVICE));
        ObjectNode page = OpenReferralResource.wrapper(Directory.page(services, ServiceQuery.all(2, 10)), catalog::serviceSummary);

        assertThat(SCHEMAS.pageProblems("service", page)).isEmpty();
        assertThat(page.path("page_number").asInt()).isEqualTo(2);
        assertThat(page.path("size").asInt()).isEqualTo(10);
        assertThat(page.path("total_items").asInt()).isEqualTo(services.size());
        assertThat(page.path("total_pages").asInt()).isEqualTo((services.size() + 9) / 10);
        assertThat(page.path("first_page").asBoolean()).isFalse();
        assertThat(page.path("empty").asBoolean()).isFalse();
        var details = new ObjectMapper().valueToTree(Map.of("version", OpenReferralResource.VERSION, "profile",
                OpenReferralResource.PROFILE, "openapi_url", OpenReferralResource.OPENAPI));
        assertThat(SCHEMAS.apiDetailsProblems(details)).isEmpty();
    }

    @Test
    void theSchemaCheckCatchesABrokenAnswer() {
        ObjectNode broken = catalog.serviceFull(catalog.all(Kind.SERVICE).iterator().next());
        broken.put("id", "not-a-uuid");
        broken.put("url", "not a uri");
        broken.remove("status");

        assertThat(SCHEMAS.problems("service", broken)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(SCHEMAS.apiDetailsProblems(new ObjectMapper().createObjectNode().put("version", "3.0"))).isNotEmpty();
    }
}
