package org.waymark.directory.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * An HSDS CSV data package of invented services, big enough for an import to take a while: one organisation for every
 * ten services, each service at its own location. Ids are derived from {@code seed}, so a package can be made again
 * with the same ids (to check what an import wrote or did not write).
 */
public final class GeneratedPackage {
    private GeneratedPackage() {
    }

    /**
     * Writes {@code datapackage.json} and its CSVs into {@code folder}.
     *
     * @param badServiceRow a service row (1-based) given a status HSDS does not know, so the import must be refused;
     *                      0 for none
     */
    public static void write(Path folder, String seed, int services, int badServiceRow) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("datapackage.json"), """
                {"name": "generated", "resources": [
                  {"name": "organization", "path": "organization.csv", "schema": {"fields": [
                    {"name": "id", "type": "string"}, {"name": "name", "type": "string"}, {"name": "description", "type": "string"}]}},
                  {"name": "service", "path": "service.csv", "schema": {"fields": [
                    {"name": "id", "type": "string"}, {"name": "organization_id", "type": "string"}, {"name": "name", "type": "string"},
                    {"name": "description", "type": "string"}, {"name": "status", "type": "string"}]}},
                  {"name": "location", "path": "location.csv", "schema": {"fields": [
                    {"name": "id", "type": "string"}, {"name": "name", "type": "string"}, {"name": "location_type", "type": "string"},
                    {"name": "latitude", "type": "number"}, {"name": "longitude", "type": "number"}]}},
                  {"name": "service_at_location", "path": "service_at_location.csv", "schema": {"fields": [
                    {"name": "id", "type": "string"}, {"name": "service_id", "type": "string"}, {"name": "location_id", "type": "string"}]}},
                  {"name": "funding", "path": "funding.csv"}
                ]}""");
        StringBuilder organizations = new StringBuilder("id,name,description\r\n");
        StringBuilder rows = new StringBuilder("id,organization_id,name,description,status\r\n");
        StringBuilder locations = new StringBuilder("id,name,location_type,latitude,longitude\r\n");
        StringBuilder links = new StringBuilder("id,service_id,location_id\r\n");
        for (int i = 1; i <= services; i++) {
            String organization = id(seed, "organization", (i - 1) / 10);
            if ((i - 1) % 10 == 0) {
                organizations.append(organization).append(",Generated group ").append((i - 1) / 10).append(",Invented for a test\r\n");
            }
            rows.append(serviceId(seed, i)).append(',').append(organization).append(",Generated walk ").append(i)
                    .append(",A walk invented for a test,").append(i == badServiceRow ? "sometimes" : "active").append("\r\n");
            locations.append(id(seed, "location", i)).append(",Park ").append(i).append(",physical,")
                    .append(53.38 + (i % 100) / 1000.0).append(',').append(-1.47 - (i % 100) / 1000.0).append("\r\n");
            links.append(id(seed, "service_at_location", i)).append(',').append(serviceId(seed, i)).append(',')
                    .append(id(seed, "location", i)).append("\r\n");
        }
        Files.writeString(folder.resolve("organization.csv"), organizations, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("service.csv"), rows, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("location.csv"), locations, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("service_at_location.csv"), links, StandardCharsets.UTF_8);
    }

    /** The number of records a package of {@code services} services holds. */
    public static int records(int services) {
        return (services + 9) / 10 + 3 * services;
    }

    public static String serviceId(String seed, int row) {
        return id(seed, "service", row);
    }

    private static String id(String seed, String kind, int row) {
        return UUID.nameUUIDFromBytes((seed + "/" + kind + "/" + row).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
