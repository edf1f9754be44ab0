package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
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
        writeOneOrganisationPackage(folder);
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
    void oneIdGivenTwiceWithOtherValuesIsAProblemNamingBothPlacesAndNothingIsApplied(@TempDir Path folder) throws Exception {
        // Found probing: two rows of services.csv with one id were applied as the last of them, the first dropped
        // without a word; a JSON list naming one service twice the same.
        writeOneOrganisationPackage(folder);
        Files.writeString(folder.resolve("services.csv"), """
                id,organization_id,name,status,minimum_age
                22222222-2222-4222-8222-222222222222,11111111-1111-4111-8111-111111111111,Lunch club,active,18
                33333333-3333-4333-8333-333333333333,11111111-1111-4111-8111-111111111111,Walk,active,16
                22222222-2222-4222-8222-222222222222,11111111-1111-4111-8111-111111111111,Lunch club (new),active,18.0
                """, StandardCharsets.UTF_8);
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(folder.resolve("datapackage.json"), Optional.empty(), "test");

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).containsExactly("services.csv line 4 (service): id 22222222-2222-4222-8222-222222222222"
                + " is also at services.csv line 2 with another name; give each record once");
        assertThat(directory.catalog().count(Kind.SERVICE)).as("nothing applied").isZero();

        // The same record met twice with the same values (an organisation nested in each of its services) is one.
        var json = new ObjectMapper();
        String organization = "{\"id\": \"11111111-1111-4111-8111-111111111111\", \"name\": \"Org\", \"description\": \"An org\"}";
        Directory.ImportReport nested = directory.importJson(json.readTree("["
                + "{\"id\": \"22222222-2222-4222-8222-222222222222\", \"name\": \"A\", \"status\": \"active\", \"organization\": " + organization + "},"
                + "{\"id\": \"33333333-3333-4333-8333-333333333333\", \"name\": \"B\", \"status\": \"active\", \"organization\": " + organization + "}]"),
                Optional.of(Kind.SERVICE), "test");
        assertThat(nested.errors()).isEmpty();
        assertThat(directory.catalog().count(Kind.ORGANIZATION)).isEqualTo(1);
        Directory.ImportReport twice = directory.importJson(json.readTree("["
                + "{\"id\": \"44444444-4444-4444-8444-444444444444\", \"name\": \"C\", \"status\": \"active\"},"
                + "{\"id\": \"44444444-4444-4444-8444-444444444444\", \"name\": \"C\", \"status\": \"defunct\"}]"),
                Optional.of(Kind.SERVICE), "test");
        assertThat(twice.applied()).isFalse();
        assertThat(twice.errors()).singleElement().asString().contains("body[1]").contains("is also at body[0] with another status");
        assertThat(directory.catalog().get(Kind.SERVICE, "44444444-4444-4444-8444-444444444444")).isEmpty();
    }

    @Test
    void aCsvThatIsNotUtf8IsARowProblemNamingItsFileAndLineAndTheOtherFilesAreStillChecked(@TempDir Path folder) throws Exception {
        // Found probing: a services.csv saved from a spreadsheet as plain "CSV" (Windows-1252: "£" is one byte) failed
        // the whole run with "Cannot read the zip", naming neither the file nor what to do.
        Files.writeString(folder.resolve("datapackage.json"), """
                {"resources": [
                  {"name": "organization", "path": "organizations.csv", "schema": {"fields": [{"name": "id"}, {"name": "name"}, {"name": "description"}]}},
                  {"name": "service", "path": "services.csv", "schema": {"fields": [{"name": "id"}, {"name": "organization_id"},
                    {"name": "name"}, {"name": "status"}, {"name": "fees"}]}}
                ]}""");
        Files.writeString(folder.resolve("organizations.csv"),
                "id,name,description\r\nnot-a-uuid,Org,An organisation\r\n", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("services.csv"), "id,organization_id,name,status,fees\r\n"
                + "22222222-2222-4222-8222-222222222222,11111111-1111-4111-8111-111111111111,Café club,active,Free\r\n"
                + "33333333-3333-4333-8333-333333333333,11111111-1111-4111-8111-111111111111,Lunch,active,£2 a session\r\n",
                java.nio.charset.Charset.forName("windows-1252"));
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(folder.resolve("datapackage.json"), Optional.empty(), "test");

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).anySatisfy(e -> assertThat(e).isEqualTo(
                "services.csv line 2: not UTF-8 text; save the file as \"CSV UTF-8\" and import it again"));
        assertThat(report.errors()).anySatisfy(e -> assertThat(e).contains("organizations.csv line 2").contains("not a UUID"));
        assertThat(directory.catalog().count(Kind.SERVICE)).as("nothing applied").isZero();
        assertThat(DataPackage.firstLineNotUtf8("a\nb£\nc".getBytes(StandardCharsets.UTF_8))).isZero();
        assertThat(DataPackage.firstLineNotUtf8(new byte[] {'a', '\n', 'b', '\n', (byte) 0xA3})).isEqualTo(3);
    }

    @Test
    void aServiceAnImportChangesWithoutSayingWhenIsDatedByTheImportSoModifiedAfterFindsIt() throws Exception {
        // Found probing: a service changed by an import without last_modified (most CSVs) lost its date, so
        // modified_after no longer listed it and an app copying the directory never saw the change.
        org.waymark.platform.testing.MutableClock clock = new org.waymark.platform.testing.MutableClock(
                java.time.Instant.parse("2026-12-01T10:00:00.123456Z"));
        Directory directory = new Directory(new DirectoryStore(org.waymark.platform.testing.TestDatabase.migrated("db/directory.xml")), clock);
        ObjectMapper json = new ObjectMapper();
        String id = "22222222-2222-4222-8222-222222222222";
        directory.importJson(json.readTree("{\"id\": \"" + id + "\", \"name\": \"Lunch club\", \"status\": \"active\","
                + " \"minimum_age\": 18, \"last_modified\": \"2026-01-31T09:00:00Z\"}"), Optional.empty(), "test");
        assertThat(lastModified(directory, id)).as("the source's own date is kept").isEqualTo("2026-01-31T09:00:00Z");

        clock.advance(java.time.Duration.ofDays(1));
        directory.importJson(json.readTree("{\"id\": \"" + id + "\", \"name\": \"Lunch club\", \"status\": \"active\","
                + " \"minimum_age\": 18.0}"), Optional.empty(), "test");
        assertThat(lastModified(directory, id)).as("unchanged: its date stays").isEqualTo("2026-01-31T09:00:00Z");

        clock.advance(java.time.Duration.ofDays(1));
        directory.importJson(json.readTree("{\"id\": \"" + id + "\", \"name\": \"Lunch club\", \"status\": \"active\","
                + " \"minimum_age\": 18, \"fees\": \"£2\"}"), Optional.empty(), "test");
        assertThat(lastModified(directory, id)).as("changed: the import's time").isEqualTo("2026-12-03T10:00:00.123Z");
        OpenReferralResource api = new OpenReferralResource(directory);
        assertThat(api.servicesPage(java.util.Map.of("modified_after", "2026-12-03")).path("total_items").asInt()).isEqualTo(1);

        String other = "33333333-3333-4333-8333-333333333333";
        directory.importJson(json.readTree("{\"id\": \"" + other + "\", \"name\": \"New\", \"status\": \"active\"}"),
                Optional.empty(), "test");
        assertThat(lastModified(directory, other)).as("new: the import's time").isEqualTo("2026-12-03T10:00:00.123Z");
    }

    private static String lastModified(Directory directory, String id) {
        return directory.catalog().get(Kind.SERVICE, id).orElseThrow().path("last_modified").asText(null);
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

    @Test
    void aResourcePathOutsideThePackageIsRefusedWithoutReadingTheFile(@TempDir Path folder) throws Exception {
        Path secret = folder.resolve("secret.csv");
        Path pack = packageBesideASecret(folder, """
                {"resources": [
                  {"name": "service", "path": "%s", "schema": {"fields": [{"name": "id", "type": "string"}]}},
                  {"name": "organization", "path": "../secret.csv"},
                  {"name": "location", "path": "csv/../../secret.csv"},
                  {"name": "phone", "path": "/etc/passwd"}
                ]}""".formatted(secret.toAbsolutePath()));
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(pack, Optional.empty(), "test");

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).hasSize(4).allMatch(e -> e.contains("is not a file in the package"));
        assertThat(report.errors().get(3)).isEqualTo("resource 'phone': its path '/etc/passwd' is not a file in the package"
                + " (absolute paths and '..' are not allowed)");
        assertThat(String.join("\n", report.errors()) + report.notes()).doesNotContain("root:x").doesNotContain("second line");
    }

    @Test
    void aLinkInThePackageToAFileOutsideItIsNotFollowed(@TempDir Path folder) throws Exception {
        Path pack = packageBesideASecret(folder, """
                {"resources": [{"name": "service", "path": "services.csv"}]}""");
        Files.createSymbolicLink(pack.resolve("services.csv"), folder.resolve("secret.csv"));
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(pack, Optional.empty(), "test");

        assertThat(report.notes()).containsExactly("resource 'service' skipped: no file services.csv (or its singular or plural)");
        assertThat(report.errors()).containsExactly("no records found");
    }

    /** {@code folder/package/datapackage.json} holding {@code descriptor}, beside {@code folder/secret.csv}. */
    private static Path packageBesideASecret(Path folder, String descriptor) throws Exception {
        Files.writeString(folder.resolve("secret.csv"), "root:x:0:0:root:/root:/bin/bash\nsecond line\n");
        Path pack = Files.createDirectory(folder.resolve("package"));
        Files.writeString(pack.resolve("datapackage.json"), descriptor);
        return pack;
    }

    @Test
    void aBrokenDescriptorOrAnEmptyUploadIsExplainedInPlainWordsWithoutPathsOrLibraryNames(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("datapackage.json"), "{\"resources\": [\n  {\"name\": }");
        Path empty = Files.createDirectory(folder.resolve("empty"));
        Directory directory = TestDirectory.create();

        assertThatThrownBy(() -> directory.importPath(folder, Optional.empty(), "the zip", "test", ImportProgress.silent(), c -> null))
                .isInstanceOf(WaymarkException.class)
                .hasMessageStartingWith("datapackage.json is not valid JSON (line 2, column ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("StreamReadFeature", "jackson", folder.toString()));
        assertThatThrownBy(() -> directory.importPath(empty, Optional.empty(), "the zip", "test", ImportProgress.silent(), c -> null))
                .isInstanceOf(WaymarkException.class).hasMessage("The zip holds neither a datapackage.json nor .json files");
    }

    @Test
    void jsonFilesWithAFieldNamedTwiceOrDataAfterTheValueAreNotValidJson() throws Exception {
        ImportBatch batch = new ImportBatch();

        Directory.readJson("services.json", """
                {"id": "22222222-2222-4222-8222-222222222222", "name": "A", "status": "active",
                 "id": "33333333-3333-4333-8333-333333333333"}""".getBytes(StandardCharsets.UTF_8), batch);
        Directory.readJson("more_services.json", """
                {"id": "22222222-2222-4222-8222-222222222222", "name": "A", "status": "active"} xyz"""
                .getBytes(StandardCharsets.UTF_8), batch);
        Directory.readJson("list.json", """
                [{"id": "22222222-2222-4222-8222-222222222222", "name": "A", "status": "active"}] []"""
                .getBytes(StandardCharsets.UTF_8), batch);

        assertThat(batch.errors()).containsExactly(
                "services.json: not valid JSON (line 2, column 6: the field 'id' is named twice)",
                "more_services.json: not valid JSON (line 1, column 84)",
                "list.json: not valid JSON (line 1, column 83: something follows the JSON value)");
        assertThat(batch.size()).isZero();
    }

    @Test
    void numbersThatAreNotFiniteOrOutOfTheirRangeAreRowErrors(@TempDir Path folder) throws Exception {
        Directory directory = TestDirectory.create();
        String body = """
                [{"id": "11111111-1111-4111-8111-111111111111", "name": "Infinite", "status": "active", "minimum_age": -1e999999},
                 {"id": "22222222-2222-4222-8222-222222222222", "name": "Negative", "status": "active", "minimum_age": -5},
                 {"id": "33333333-3333-4333-8333-333333333333", "name": "Old", "status": "active", "maximum_age": 999},
                 {"id": "44444444-4444-4444-8444-444444444444", "name": "Upside down", "status": "active", "minimum_age": 65, "maximum_age": 18},
                 {"id": "55555555-5555-4555-8555-555555555555", "name": "Fine", "status": "active", "minimum_age": 0, "maximum_age": 150},
                 {"id": "66666666-6666-4666-8666-666666666666", "location_type": "physical", "latitude": 91, "longitude": 1e400}]""";

        Directory.ImportReport report = directory.importJson(StrictJson.readBody(body.getBytes(StandardCharsets.UTF_8), null),
                Optional.empty(), "test");

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).containsExactly(
                "body[0] (service): minimum_age is not a finite number",
                "body[1] (service): minimum_age -5 is not between 0 and 150",
                "body[2] (service): maximum_age 999 is not between 0 and 150",
                "body[3] (service): maximum_age is below minimum_age",
                "body[5] (location): longitude is not a finite number");
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
    }

    @Test
    void csvNumbersTooBigForADoubleAreRowErrorsToo() {
        ImportBatch batch = new ImportBatch();

        // 1 and 400 zeros, with a fraction: read as a double, which cannot hold it.
        String huge = "1" + "0".repeat(400) + ".5";
        DataPackage.readCsv(Kind.SERVICE, "services.csv", """
                id,name,status,minimum_age,maximum_age
                11111111-1111-4111-8111-111111111111,Huge,active,%s,1e999999
                """.formatted(huge), java.util.Map.of("id", "string", "minimum_age", "number", "maximum_age", "integer"), batch);

        assertThat(batch.errors()).containsExactly("services.csv line 2 (service): minimum_age is not a finite number; "
                + "maximum_age '1e999999' is not a number");
    }

    @Test
    void aReferenceToARecordThatExistsNowhereRefusesTheImportNamingTheRowAndTheId(@TempDir Path folder) throws Exception {
        writeOneOrganisationPackage(folder);
        Files.writeString(folder.resolve("datapackage.json"), """
                {"resources": [
                  {"name": "organization", "path": "organizations.csv", "schema": {"fields": [{"name": "id"}, {"name": "name"}, {"name": "description"}]}},
                  {"name": "service", "path": "services.csv", "schema": {"fields": [{"name": "id"}, {"name": "organization_id"},
                    {"name": "name"}, {"name": "status"}]}},
                  {"name": "service_at_location", "path": "service_at_location.csv", "schema": {"fields": [{"name": "id"},
                    {"name": "service_id"}, {"name": "location_id"}]}},
                  {"name": "phone", "path": "phones.csv", "schema": {"fields": [{"name": "id"}, {"name": "service_id"}, {"name": "number"}]}}
                ]}""");
        Files.writeString(folder.resolve("services.csv"), """
                id,organization_id,name,status
                22222222-2222-4222-8222-222222222222,11111111-1111-4111-8111-111111111111,Good,active
                """, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("service_at_location.csv"), """
                id,service_id,location_id
                33333333-3333-4333-8333-333333333333,22222222-2222-4222-8222-222222222222,99999999-9999-4999-8999-999999999999
                """, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("phones.csv"), """
                id,service_id,number
                44444444-4444-4444-8444-444444444444,88888888-8888-4888-8888-888888888888,0114 000 0000
                """, StandardCharsets.UTF_8);
        Directory directory = TestDirectory.create();

        Directory.ImportReport report = directory.importPath(folder.resolve("datapackage.json"), Optional.empty(), "test");

        assertThat(report.applied()).isFalse();
        assertThat(report.errors()).containsExactlyInAnyOrder(
                "service_at_location.csv line 2 (service_at_location 33333333-3333-4333-8333-333333333333): location_id"
                        + " 99999999-9999-4999-8999-999999999999 is no location of the import or the directory",
                "phones.csv line 2 (phone 44444444-4444-4444-8444-444444444444): service_id"
                        + " 88888888-8888-4888-8888-888888888888 is no service of the import or the directory");
        assertThat(directory.catalog().count(Kind.SERVICE)).as("nothing applied").isZero();
    }

    @Test
    void aReferenceToARecordAlreadyInTheDirectoryOrToARefusedRowIsNoNewProblem() throws Exception {
        Directory directory = TestDirectory.withDemoData();
        String service = directory.catalog().all(Kind.SERVICE).iterator().next().path("id").asText();
        ImportBatch batch = new ImportBatch();
        batch.add(Kind.PHONE, (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(
                "{\"id\": \"44444444-4444-4444-8444-444444444444\", \"service_id\": \"" + service + "\", \"number\": \"0114 000 0000\"}"), "phones.csv line 2");
        batch.add(Kind.LOCATION, (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(
                "{\"id\": \"55555555-5555-4555-8555-555555555555\", \"location_type\": \"nowhere\"}"), "locations.csv line 2");
        batch.add(Kind.ADDRESS, (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(
                "{\"id\": \"66666666-6666-4666-8666-666666666666\", \"location_id\": \"55555555-5555-4555-8555-555555555555\","
                        + " \"address_1\": \"1 Road\", \"city\": \"Sheffield\", \"state_province\": \"South Yorkshire\","
                        + " \"postal_code\": \"S1 1AA\", \"country\": \"GB\", \"address_type\": \"physical\"}"), "addresses.csv line 2");

        Directory.ImportReport report = directory.apply(batch, "test", "test");

        assertThat(report.errors()).singleElement().asString().startsWith("locations.csv line 2 (location): location_type 'nowhere'");
    }

    /** A data package of one organisation and a services.csv (written by the test) with a numeric minimum_age. */
    private static void writeOneOrganisationPackage(Path folder) throws IOException {
        Files.writeString(folder.resolve("datapackage.json"), """
                {"resources": [
                  {"name": "organization", "path": "organizations.csv", "schema": {"fields": [{"name": "id"}, {"name": "name"}, {"name": "description"}]}},
                  {"name": "service", "path": "services.csv", "schema": {"fields": [{"name": "id"}, {"name": "organization_id"},
                    {"name": "name"}, {"name": "status"}, {"name": "minimum_age", "type": "number"}]}}
                ]}""");
        Files.writeString(folder.resolve("organizations.csv"),
                "id,name,description\r\n11111111-1111-4111-8111-111111111111,Org,An organisation\r\n", StandardCharsets.UTF_8);
    }
}
