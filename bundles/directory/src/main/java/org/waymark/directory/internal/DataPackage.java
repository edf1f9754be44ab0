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
import org.waymark.api.error.WaymarkException;

/**
 * An HSDS CSV data package: a {@code datapackage.json} descriptor and a folder of CSV files. Published packages do not
 * match their descriptors exactly, so a resource's file is looked for under its own name and the singular or plural
 * of it, next to the descriptor or in a {@code csv}, {@code data} or {@code examples/csv} folder; a resource with no
 * file is skipped and reported, as is one whose table the directory does not keep. A resource's path must name a file in
 * the package (as the Data Package standard says): an absolute path, one with {@code ..}, or one that leads out of the
 * package through a link is refused, since an uploaded descriptor could otherwise read any file of the server.
 */
final class DataPackage {
    private static final ObjectMapper JSON = StrictJson.MAPPER;
    /** Columns listed by name when a CSV has columns its descriptor does not declare. */
    private static final int UNDECLARED_LISTED = 20;

    private DataPackage() {
    }

    /**
     * @param descriptor the {@code datapackage.json}
     * @param csvFolder  where the CSVs are, when not in one of the usual places
     */
    static void read(Path descriptor, Optional<Path> csvFolder, ImportBatch batch) throws IOException {
        JsonNode descriptorJson;
        try {
            descriptorJson = JSON.readTree(Files.readAllBytes(descriptor));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw WaymarkException.invalid(descriptor.getFileName() + " is not valid JSON" + StrictJson.where(e));
        } catch (java.io.CharConversionException e) {
            throw WaymarkException.invalid(descriptor.getFileName() + " is not valid JSON (not UTF-8, UTF-16 or UTF-32 text)");
        }
        JsonNode resources = descriptorJson.path("resources");
        if (!resources.isArray()) {
            batch.error(descriptor.getFileName() + ": no 'resources' list; is this a data package descriptor?");
            return;
        }
        Path base = descriptor.toAbsolutePath().getParent();
        Path root = csvFolder.orElse(base);
        List<Path> folders = csvFolder.map(List::of).orElse(List.of(base, base.resolve("csv"), base.resolve("data"),
                base.resolve("examples").resolve("csv")));
        for (JsonNode resource : resources) {
            String name = resource.path("name").asText("");
            Optional<Kind> kind = Kind.named(name).or(() -> Kind.named(JsonRecords.singular(name)));
            if (kind.isEmpty()) {
                batch.note("resource '" + shorten(name) + "' skipped: the directory does not keep " + shorten(name) + " records");
                continue;
            }
            JsonNode given = resource.path("path");
            if (!given.isMissingNode() && !(given.isTextual() && !given.asText().isBlank())) {
                batch.note("resource '" + shorten(name) + "' skipped: its path is not the name of one file");
                continue;
            }
            String path = given.isTextual() ? given.asText() : name + ".csv";
            if (!inPackage(path)) {
                batch.error("resource '" + shorten(name) + "': its path '" + shorten(path) + "' is not a file in the package"
                        + " (absolute paths and '..' are not allowed)");
                continue;
            }
            Optional<Path> file = locate(root, folders, path);
            if (file.isEmpty()) {
                batch.note("resource '" + shorten(name) + "' skipped: no file " + shorten(path) + " (or its singular or plural)");
                continue;
            }
            Map<String, String> types = new HashMap<>();
            for (JsonNode field : resource.path("schema").path("fields")) {
                types.put(field.path("name").asText(), field.path("type").asText("string"));
            }
            readCsv(kind.get(), file.get(), types, batch);
        }
    }

    /** Whether a descriptor's path stays in the package: relative, without {@code ..}, and a name this system can use. */
    static boolean inPackage(String path) {
        if (path.isBlank() || path.startsWith("/") || path.startsWith("\\") || path.matches("(?s)[A-Za-z]:[/\\\\].*")) {
            return false;
        }
        try {
            Path relative = Path.of(path);
            if (relative.isAbsolute()) {
                return false;
            }
            for (Path part : relative) {
                if (part.toString().equals("..")) {
                    return false;
                }
            }
            return relative.getFileName() != null;
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /**
     * The file of a resource in one of {@code folders}, all under {@code root}: {@code path} itself, or a file of the
     * same name (singular or plural). Only a regular file whose real place is under {@code root} is taken.
     */
    static Optional<Path> locate(Path root, List<Path> folders, String path) {
        if (!inPackage(path)) {
            return Optional.empty();
        }
        String fileName = Path.of(path).getFileName().toString();
        String stem = fileName.replaceAll("(?i)\\.csv$", "");
        Set<String> names = new LinkedHashSet<>(List.of(fileName, stem + ".csv", JsonRecords.singular(stem) + ".csv",
                plural(stem) + ".csv", plural(JsonRecords.singular(stem)) + ".csv"));
        for (Path folder : folders) {
            if (!path.contains("/") || folder.equals(folders.get(0))) {
                Path exact = folder.resolve(path);
                if (isFileUnder(root, exact)) {
                    return Optional.of(exact);
                }
            }
            for (String name : names) {
                Path candidate = folder.resolve(name);
                if (isFileUnder(root, candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isFileUnder(Path root, Path candidate) {
        if (!candidate.normalize().startsWith(root.normalize()) || !Files.isRegularFile(candidate)) {
            return false;
        }
        try {
            // A link in the package (none comes from a zip, but a folder on disk can hold one) must not lead out of it.
            return candidate.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    private static String plural(String name) {
        if (name.endsWith("s")) {
            return name;
        }
        return name.endsWith("y") ? name.substring(0, name.length() - 1) + "ies" : name + "s";
    }

    /**
     * A CSV file read as UTF-8, as the Data Package standard says CSVs are. A file in another encoding (a spreadsheet
     * saved as plain "CSV" writes Windows-1252, so "£" is one byte) is a problem of the run naming the file and the line,
     * and the other files are still read, so that the report lists them all. Found probing: the run failed with only
     * "Cannot read the zip", which told the admin nothing of which file was wrong or how to put it right.
     */
    static void readCsv(Kind kind, Path file, Map<String, String> types, ImportBatch batch) throws IOException {
        String fileName = file.getFileName().toString();
        byte[] bytes = Files.readAllBytes(file);
        int badLine = firstLineNotUtf8(bytes);
        if (badLine > 0) {
            batch.error(fileName + " line " + badLine + ": not UTF-8 text; save the file as \"CSV UTF-8\" and import it again");
            return;
        }
        readCsv(kind, fileName, new String(bytes, StandardCharsets.UTF_8), types, batch);
    }

    /** The line (1-based) holding the first bytes that are not UTF-8, or 0 when all of them are. */
    static int firstLineNotUtf8(byte[] bytes) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        while (true) {
            java.nio.charset.CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                int line = 1;
                for (int i = 0; i < in.position(); i++) {
                    if (bytes[i] == '\n') {
                        line++;
                    }
                }
                return line;
            }
            if (result.isOverflow()) {
                out.clear();
            } else {
                return 0;
            }
        }
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
            List<String> listed = undeclared.stream().limit(UNDECLARED_LISTED).map(DataPackage::shorten).toList();
            batch.note(fileName + ": columns not in the descriptor kept as text: " + String.join(", ", listed)
                    + (undeclared.size() > listed.size() ? " and " + (undeclared.size() - listed.size()) + " more" : ""));
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
            batch.add(kind, record, where, fileName);
        }
    }
}
