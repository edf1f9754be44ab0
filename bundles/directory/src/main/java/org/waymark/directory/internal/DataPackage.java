package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An HSDS CSV data package: a {@code datapackage.json} descriptor and a folder of CSV files. Published packages do not
 * match their descriptors exactly, so a resource's file is looked for under its own name and the singular or plural
 * of it, next to the descriptor or in a {@code csv}, {@code data} or {@code examples/csv} folder; a resource with no
 * file is skipped and reported, as is one whose table the directory does not keep.
 */
final class DataPackage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DataPackage() {
    }

    /**
     * @param descriptor the {@code datapackage.json}
     * @param csvFolder  where the CSVs are, when not in one of the usual places
     */
    static void read(Path descriptor, Optional<Path> csvFolder, ImportBatch batch) throws IOException {
        JsonNode root = JSON.readTree(descriptor.toFile());
        JsonNode resources = root.path("resources");
        if (!resources.isArray()) {
            batch.error(descriptor.getFileName() + ": no 'resources' list; is this a data package descriptor?");
            return;
        }
        Path base = descriptor.toAbsolutePath().getParent();
        List<Path> folders = csvFolder.map(List::of).orElse(List.of(base, base.resolve("csv"), base.resolve("data"),
                base.resolve("examples").resolve("csv")));
        for (JsonNode resource : resources) {
            String name = resource.path("name").asText("");
            Optional<Kind> kind = Kind.named(name).or(() -> Kind.named(JsonRecords.singular(name)));
            if (kind.isEmpty()) {
                batch.note("resource '" + name + "' skipped: the directory does not keep " + name + " records");
                continue;
            }
            Optional<Path> file = locate(folders, resource.path("path").asText(name + ".csv"));
            if (file.isEmpty()) {
                batch.note("resource '" + name + "' skipped: no file " + resource.path("path").asText(name + ".csv")
                        + " (or its singular or plural)");
                continue;
            }
            Map<String, String> types = new HashMap<>();
            for (JsonNode field : resource.path("schema").path("fields")) {
                types.put(field.path("name").asText(), field.path("type").asText("string"));
            }
            readCsv(kind.get(), file.get(), types, batch);
        }
    }

    static Optional<Path> locate(List<Path> folders, String path) {
        String fileName = Path.of(path).getFileName().toString();
        String stem = fileName.replaceAll("(?i)\\.csv$", "");
        Set<String> names = new LinkedHashSet<>(List.of(fileName, stem + ".csv", JsonRecords.singular(stem) + ".csv",
                plural(stem) + ".csv", plural(JsonRecords.singular(stem)) + ".csv"));
        for (Path folder : folders) {
            if (!path.contains("/") || folder.equals(folders.get(0))) {
                Path exact = folder.resolve(path);
                if (Files.isRegularFile(exact)) {
                    return Optional.of(exact);
                }
            }
            for (String name : names) {
                Path candidate = folder.resolve(name);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String plural(String name) {
        if (name.endsWith("s")) {
            return name;
        }
        return name.endsWith("y") ? name.substring(0, name.length() - 1) + "ies" : name + "s";
    }

    static void readCsv(Kind kind, Path file, Map<String, String> types, ImportBatch batch) throws IOException {
        readCsv(kind, file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8), types, batch);
    }

    /** One table's CSV: the header names the fields, {@code types} (from the descriptor) how to read the cells. */
    static void readCsv(Kind kind, String fileName, String text, Map<String, String> types, ImportBatch batch) {
        List<Csv.Row> rows = Csv.parse(text);
        if (rows.isEmpty()) {
            batch.note(fileName + " is empty");
            return;
        }
        List<String> header = rows.get(0).cells().stream().map(String::trim).toList();
        List<String> undeclared = new ArrayList<>();
        for (String column : header) {
            if (!types.isEmpty() && !types.containsKey(column)) {
                undeclared.add(column);
            }
        }
        if (!undeclared.isEmpty()) {
            batch.note(fileName + ": columns not in the descriptor kept as text: " + String.join(", ", undeclared));
        }
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r).cells();
            String where = fileName + " line " + rows.get(r).line();
            if (row.size() > header.size()) {
                batch.error(where + ": " + row.size() + " cells but the header has " + header.size());
                continue;
            }
            ObjectNode record = JSON.createObjectNode();
            for (int c = 0; c < row.size(); c++) {
                String value = row.get(c);
                if (!value.isEmpty()) {
                    record.set(header.get(c), ImportBatch.typed(value, types.get(header.get(c))));
                }
            }
            batch.add(kind, record, where);
        }
    }
}
