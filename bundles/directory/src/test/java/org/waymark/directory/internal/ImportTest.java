package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.waymark.directory.testing.OrukSchemas;
import org.junit.jupiter.api.io.TempDir;
import org.waymark.api.error.WaymarkException;

class ImportTest {
    private static final Path UK = OrukSchemas.FIXTURES.resolve("open-referral-uk/uk-profile");
    private static final Path HSDS = OrukSchemas.FIXTURES.resolve("hsds-3.0");
    private static final String EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b";

    @Test
    void everyOpenReferralUkJsonExampleImportsWithoutErrors() throws Exception {
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(UK.resolve("examples"), Optional.empty(), "test");

        assertThat(report.errors()).isEmpty();
        assertThat(report.applied()).isTrue();
        Catalog catalog = directory.catalog();
        ServiceViewsAssert.hasService(catalog, EXAMPLE_SERVICE, "Community Counselling");
        assertThat(catalog.children(Kind.SERVICE_AT_LOCATION, "service_id", EXAMPLE_SERVICE)).isNotEmpty();
        assertThat(catalog.termsOf(EXAMPLE_SERVICE)).isNotEmpty();
    }

    @Test
    void everyHsdsJsonExampleImportsWithoutErrorsAndSaysWhatItDidNotKeep() throws Exception {
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(HSDS.resolve("examples"), Optional.empty(), "test");

        assertThat(report.errors()).isEmpty();
        assertThat(report.applied()).isTrue();
        assertThat(report.notes()).anyMatch(n -> n.contains("metadata"));
        assertThat(directory.catalog().count(Kind.LOCATION)).isGreaterThan(0);
        assertThat(directory.catalog().count(Kind.TAXONOMY)).isGreaterThan(0);
    }

    @Test
    void csvPackagesWithMissingFilesPluralNamesAndCrLfImportAndReportWhatWasSkipped() throws Exception {
        for (Path descriptor : new Path[] {UK.resolve("datapackage.json"), HSDS.resolve("datapackage.json")}) {
            Directory directory = TestDirectory.create();

            Directory.ImportReport report = directory.importPath(descriptor, Optional.empty(), "test");

            assertThat(report.errors()).as(descriptor.toString()).isEmpty();
            assertThat(report.applied()).isTrue();
            assertThat(report.notes()).as("missing optional resources are reported").anyMatch(n -> n.contains("skipped: no file"));
            Catalog catalog = directory.catalog();
            ServiceViewsAssert.hasService(catalog, EXAMPLE_SERVICE, "Community Counselling");
            // schedules.csv for the descriptor's schedule.csv, organizations.csv for organization: plural names found.
            assertThat(catalog.schedulesOf(EXAMPLE_SERVICE)).isNotEmpty();
            assertThat(catalog.count(Kind.ORGANIZATION)).isEqualTo(1);
            assertThat(catalog.count(Kind.SERVICE_AT_LOCATION)).isEqualTo(1);
            // Numbers typed by the descriptor, text kept whole despite the CR CR LF line ends.
            assertThat(catalog.get(Kind.SERVICE, EXAMPLE_SERVICE).orElseThrow().get("minimum_age").isNumber()).isTrue();
            assertThat(catalog.get(Kind.SERVICE, EXAMPLE_SERVICE).orElseThrow().get("last_modified").asText()).doesNotContain("\r");
        }
    }

    @Test
    void reimportingUpsertsByIdAndCreatesNothingTwice() throws Exception {
        Directory directory = TestDirectory.create();
        directory.importPath(UK.resolve("examples"), Optional.empty(), "test");
        int services = directory.catalog().count(Kind.SERVICE);
        int locations = directory.catalog().count(Kind.LOCATION);

        Directory.ImportReport again = directory.importPath(UK.resolve("datapackage.json"), Optional.empty(), "test");

        assertThat(again.applied()).isTrue();
        assertThat(directory.catalog().count(Kind.SERVICE)).isEqualTo(services);
        assertThat(directory.catalog().count(Kind.LOCATION)).isEqualTo(locations);
    }

    @Test
    void oneBadRecordRefusesTheWholeImportAndSaysWhichRowAndWhy(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("datapackage.json"), """
                {"resources": [
                  {"name": "organization", "path": "organizations.csv", "schema": {"fields": [{"name": "id"}, {"name": "name"}, {"name": "description"}]}},
                  {"name": "service", "path": "services.csv", "schema": {"fields": [{"name": "id"}, {"name": "organization_id"},
                    {"name": "name"}, {"name": "status"}, {"name": "minimum_age", "type": "number"}]}}
                ]}""");
        Files.writeString(folder.resolve("organizations.csv"),
                "id,name,description\r\n11111111-1111-4111-8111-111111111111,Org,An organisation\r\n", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("services.csv"), """
                id,organization_id,name,status,minimum_age
                22222222-2222-4222-8222-222222222222,11111111-1111-4111-8111-111111111111,Good,active,18

                33333333-3333-4333-8333-333333333333,11111111-1111-4111-8111-111111111111,Bad status,full,18
                44444444-4444-4444-8444-444444444444,11111111-1111-4111-8111-111111111111,Bad age,active,adults
                not-a-uuid,11111111-1111-4111-8111-111111111111,Bad id,active,
                """, StandardCharsets.UTF_8);
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(folder.resolve("datapackage.json"), Optional.empty(), "test");

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).hasSize(3);
        assertThat(report.errors().get(0)).contains("services.csv line 4").contains("status 'full'");
        assertThat(report.errors().get(1)).contains("services.csv line 5").contains("minimum_age 'adults' is not a number");
        assertThat(report.errors().get(2)).contains("services.csv line 6").contains("not a UUID");
        assertThat(directory.catalog().count(Kind.ORGANIZATION)).as("nothing applied").isZero();
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
    }

    @Test
    void jsonWithoutATellingFileNameIsRecognisedByItsFields() throws Exception {
        Directory directory = TestDirectory.create();
        var json = new ObjectMapper().readTree(Files.readString(UK.resolve("examples/service_full.json")));

        Directory.ImportReport report = directory.importJson(json, Optional.empty(), "test");

        assertThat(report.applied()).isTrue();
        assertThat(report.counts()).containsKeys("service", "organization", "location", "service_at_location", "schedule");
    }

    @Test
    void aMissingPathIsTheCallersMistake() throws Exception {
        Directory directory = TestDirectory.create();

        assertThatThrownBy(() -> directory.importPath(Path.of("/no/such/file.json"), Optional.empty(), "test"))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("No such file");
    }

    @Test
    void demoDataHasThirtyServicesAcrossBothAreas() throws Exception {
        Directory directory = TestDirectory.withDemoData();

        Catalog catalog = directory.catalog();
        assertThat(catalog.count(Kind.SERVICE)).isGreaterThanOrEqualTo(30);
        long sheffield = catalog.all(Kind.ADDRESS).stream().filter(a -> a.path("city").asText().equals("Sheffield")).count();
        long islington = catalog.all(Kind.ADDRESS).stream().filter(a -> a.path("postal_code").asText().matches("(N|EC1).*")).count();
        assertThat(sheffield).isGreaterThan(5);
        assertThat(islington).isGreaterThan(5);
        for (var service : catalog.all(Kind.SERVICE)) {
            String id = Catalog.id(service);
            assertThat(catalog.locationsOf(id)).as(service.path("name").asText()).isNotEmpty();
            assertThat(catalog.schedulesOf(id)).isNotEmpty();
            assertThat(catalog.termsOf(id)).isNotEmpty();
        }
    }
}
