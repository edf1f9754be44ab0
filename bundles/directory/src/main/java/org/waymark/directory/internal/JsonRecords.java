package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns Open Referral JSON (a record, a list, a paginated answer, fully nested or not) into flat HSDS records: each
 * nested record becomes its own row, linked to its parent by the HSDS {@code *_id} field, as in the CSV tables.
 */
final class JsonRecords {
    /** Nested arrays and the table their items belong to. */
    private static final Map<String, Kind> ARRAYS = Map.ofEntries(
            Map.entry("services", Kind.SERVICE), Map.entry("locations", Kind.LOCATION),
            Map.entry("service_at_locations", Kind.SERVICE_AT_LOCATION), Map.entry("schedules", Kind.SCHEDULE),
            Map.entry("taxonomy_terms", Kind.TAXONOMY_TERM), Map.entry("attributes", Kind.ATTRIBUTE),
            Map.entry("contacts", Kind.CONTACT), Map.entry("phones", Kind.PHONE), Map.entry("addresses", Kind.ADDRESS),
            Map.entry("cost_options", Kind.COST_OPTION), Map.entry("languages", Kind.LANGUAGE),
            Map.entry("service_areas", Kind.SERVICE_AREA), Map.entry("accessibility", Kind.ACCESSIBILITY),
            Map.entry("funding", Kind.FUNDING), Map.entry("organization_identifiers", Kind.ORGANIZATION_IDENTIFIER),
            Map.entry("programs", Kind.PROGRAM), Map.entry("required_documents", Kind.REQUIRED_DOCUMENT));
    /** Nested single records, their table and the parent's field that links to them. */
    private record Nested(Kind kind, String link) {
    }

    private static final Map<String, Nested> OBJECTS = Map.of(
            "organization", new Nested(Kind.ORGANIZATION, "organization_id"),
            "location", new Nested(Kind.LOCATION, "location_id"),
            "service", new Nested(Kind.SERVICE, "service_id"),
            "program", new Nested(Kind.PROGRAM, "program_id"),
            "taxonomy_term", new Nested(Kind.TAXONOMY_TERM, "taxonomy_term_id"),
            "taxonomy_detail", new Nested(Kind.TAXONOMY, "taxonomy_id"));

    private JsonRecords() {
    }

    /**
     * @param hint the table the top-level records belong to, when known (from a file name such as
     *             {@code service_full.json}); otherwise each record's fields tell
     */
    static void read(JsonNode json, Optional<Kind> hint, String source, ImportBatch batch) {
        if (json.isArray()) {
            for (int i = 0; i < json.size(); i++) {
                readRecord(json.get(i), hint, source + "[" + i + "]", source, batch);
            }
        } else if (json.isObject() && json.has("contents") && json.get("contents").isArray()) {
            JsonNode contents = json.get("contents");
            for (int i = 0; i < contents.size(); i++) {
                readRecord(contents.get(i), hint, source + " contents[" + i + "]", source, batch);
            }
        } else {
            readRecord(json, hint, source, source, batch);
        }
    }

    /** A file name like {@code service_at_location_full.json} or {@code taxonomies.json} names its table. */
    static Optional<Kind> kindFromFileName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT).replaceAll("\\.json$", "").replaceAll("_(full|list)$", "");
        return Kind.named(name).or(() -> Kind.named(singular(name)));
    }

    static String singular(String name) {
        if (name.endsWith("ies")) {
            return name.substring(0, name.length() - 3) + "y";
        }
        if (name.endsWith("sses") || name.endsWith("xes")) {
            return name.substring(0, name.length() - 2);
        }
        return name.endsWith("s") ? name.substring(0, name.length() - 1) : name;
    }

    /** One of the document's own records: {@code document} lists it (the records nested in it are merged, not listed). */
    private static void readRecord(JsonNode json, Optional<Kind> hint, String where, String document, ImportBatch batch) {
        if (!json.isObject()) {
            batch.error(where + ": not a JSON object");
            return;
        }
        Optional<Kind> kind = hint.or(() -> guess((ObjectNode) json));
        if (kind.isEmpty()) {
            batch.error(where + ": cannot tell which HSDS record this is (name the file after its table, e.g. service.json)");
            return;
        }
        flatten(kind.get(), (ObjectNode) json, null, null, where, document, batch);
    }

    /** Recognises a record by the fields only its table has. */
    static Optional<Kind> guess(ObjectNode json) {
        if (json.has("service") || (json.has("location") && json.get("location").isObject())) {
            return Optional.of(Kind.SERVICE_AT_LOCATION);
        }
        if (json.has("status")) {
            return Optional.of(Kind.SERVICE);
        }
        if (json.has("location_type")) {
            return Optional.of(Kind.LOCATION);
        }
        if (json.has("taxonomy_terms")) {
            return Optional.of(Kind.TAXONOMY);
        }
        if (json.has("taxonomy_id") || json.has("taxonomy_detail") || json.has("term_uri") || json.has("parent_id")
                || json.has("term")) {
            return Optional.of(Kind.TAXONOMY_TERM);
        }
        if (json.has("services") || json.has("organization_identifiers") || json.has("website") || json.has("locations")) {
            return Optional.of(Kind.ORGANIZATION);
        }
        return Optional.empty();
    }

    private static String flatten(Kind kind, ObjectNode json, Kind parentKind, String parentId, String where, String listedIn,
                                  ImportBatch batch) {
        ObjectNode flat = json.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isContainerNode() && !field.getValue().isNull()) {
                flat.set(field.getKey(), field.getValue());
            }
        }
        if (parentKind != null && parentId != null) {
            if (kind == Kind.ATTRIBUTE) {
                flat.putIfAbsent("link_id", flat.textNode(parentId));
                flat.putIfAbsent("link_entity", flat.textNode(parentKind.hsdsName()));
            } else {
                flat.putIfAbsent(parentKind.hsdsName() + "_id", flat.textNode(parentId));
            }
        }
        String id = flat.path("id").asText(null);
        fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            String at = where + "." + name;
            if (value.isArray() && ARRAYS.containsKey(name)) {
                for (int i = 0; i < value.size(); i++) {
                    if (value.get(i).isObject()) {
                        flatten(ARRAYS.get(name), (ObjectNode) value.get(i), kind, id, at + "[" + i + "]", null, batch);
                    } else {
                        batch.error(at + "[" + i + "]: not a JSON object");
                    }
                }
            } else if (value.isObject() && OBJECTS.containsKey(name)) {
                Nested nested = OBJECTS.get(name);
                String childId = flatten(nested.kind(), (ObjectNode) value, null, null, at, null, batch);
                if (childId != null) {
                    flat.putIfAbsent(nested.link(), flat.textNode(childId));
                }
            } else if (value.isContainerNode() && !value.isEmpty()) {
                batch.note("'" + name + "' in " + kind.hsdsName() + " records is not kept");
            }
        }
        batch.add(kind, flat, where, listedIn);
        return id;
    }
}
