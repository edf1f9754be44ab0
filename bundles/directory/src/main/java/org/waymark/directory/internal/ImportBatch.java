package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The flat HSDS records read from one import source, with the problems found in them. Records are read first and
 * checked in a second pass ({@link #validate}), so that a long import can show both phases; an import with any error
 * is refused whole. A record met twice (an organisation nested in each of its services) is merged, later fields
 * winning; but one listed twice in one table or document with another value in a field both give (two rows of
 * services.csv with one id, a JSON list naming a service twice) is a problem of the import: which of the two the
 * directory should keep is the admin's call. (Records nested in other records are only merged: the Open Referral
 * examples themselves nest one schedule with other opening hours under a location and under its service.)
 */
final class ImportBatch {
    static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Map<Kind, List<String>> REQUIRED = Map.of(
            Kind.ORGANIZATION, List.of("name", "description"),
            Kind.SERVICE, List.of("name", "status"),
            Kind.LOCATION, List.of("location_type"),
            Kind.TAXONOMY, List.of("name", "description"),
            Kind.TAXONOMY_TERM, List.of("name", "description"),
            Kind.PHONE, List.of("number"),
            Kind.ADDRESS, List.of("address_1", "city", "state_province", "postal_code", "country", "address_type"));
    private static final Map<String, Set<String>> ENUMS = Map.of(
            "service.status", Set.of("active", "inactive", "defunct", "temporarily closed"),
            "location.location_type", Set.of("physical", "postal", "virtual"),
            "address.address_type", Set.of("physical", "postal", "virtual"));
    private static final List<String> NUMBERS = List.of("minimum_age", "maximum_age", "latitude", "longitude", "amount",
            "interval", "year_incorporated", "extension");
    /**
     * Numbers with a range: ages as the service editor takes them. (Coordinates have none here: the Open Referral
     * examples themselves have a latitude of 100, and distance search leaves a location off the globe out.)
     */
    private static final Map<String, BigDecimal[]> RANGES = Map.of("minimum_age", range(0, 150), "maximum_age", range(0, 150));

    /**
     * A record read and not yet checked, or (kind null) a problem of the source itself, kept in reading order;
     * {@code listedIn} names the table file or document that lists it, null for a record nested in another.
     */
    private record Read(Kind kind, ObjectNode fields, String where, String listedIn) {
    }

    private final Map<Kind, LinkedHashMap<String, ObjectNode>> records = new EnumMap<>(Kind.class);
    /** Each record as first listed (a CSV row, a JSON document's own record), to tell one listed again otherwise. */
    private final Map<Kind, Map<String, Read>> listed = new EnumMap<>(Kind.class);
    private final List<String> errors = new ArrayList<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final List<Read> unchecked = new ArrayList<>();
    /** Where each merged record was first met, for naming it in a problem found after merging. */
    private final Map<Kind, Map<String, String>> firstMet = new EnumMap<>(Kind.class);
    /** The ids of records refused for a problem of their own: a reference to one is not a second problem. */
    private final Map<Kind, Set<String>> refused = new EnumMap<>(Kind.class);
    private final ImportProgress progress;

    ImportBatch() {
        this(ImportProgress.silent());
    }

    ImportBatch(ImportProgress progress) {
        this.progress = progress;
    }

    ImportProgress progress() {
        return progress;
    }

    /** Adds one record, checked later; {@code where} says where it came from, for the report. */
    void add(Kind kind, ObjectNode fields, String where) {
        add(kind, fields, where, null);
    }

    /** Adds a record that {@code listedIn} (a CSV file, a JSON document) lists itself, where its id must be unique. */
    void add(Kind kind, ObjectNode fields, String where, String listedIn) {
        unchecked.add(new Read(kind, fields, where, listedIn));
        progress.advance(kind.hsdsName(), 1);
    }

    /**
     * Checks the records read so far, in the order they were read (so that problems are listed as they appear in the
     * source), and merges the good ones.
     */
    void validate() {
        if (unchecked.isEmpty()) {
            return;
        }
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (Read read : unchecked) {
            if (read.kind() != null) {
                totals.merge(read.kind().hsdsName(), 1, Integer::sum);
            }
        }
        progress.begin(ImportProgress.Phase.VALIDATING, totals);
        List<Read> reads = List.copyOf(unchecked);
        unchecked.clear();
        for (Read read : reads) {
            if (read.kind() == null) {
                errors.add(read.where());
            } else {
                merge(read);
                progress.advance(read.kind().hsdsName(), 1);
            }
        }
    }

    private void merge(Read read) {
        Kind kind = read.kind();
        ObjectNode fields = read.fields();
        List<String> problems = check(kind, fields);
        if (!problems.isEmpty()) {
            errors.add(read.where() + " (" + kind.hsdsName() + "): " + String.join("; ", problems));
            if (fields.path("id").isTextual()) {
                refused.computeIfAbsent(kind, k -> new java.util.HashSet<>()).add(fields.get("id").asText());
            }
            return;
        }
        if (Catalog.madeFromCapacity(kind, fields)) {
            // Found probing: a sync from another Waymark stored its capacity attributes as data, so a service showed
            // one twice, and still "full" after its provider here said it was open again.
            notes.add("Waymark's capacity attributes and their taxonomy \"Waymark service capacity\" are not imported: each"
                    + " directory keeps its services' capacity as their providers tell it");
            return;
        }
        String id = fields.get("id").asText();
        if (read.listedIn() != null) {
            // Found probing: two rows of services.csv with one id were applied as the last of them, the first dropped
            // without a word.
            Read first = listed.computeIfAbsent(kind, k -> new java.util.HashMap<>()).putIfAbsent(id, read);
            List<String> differing = first == null || !first.listedIn().equals(read.listedIn()) ? List.of()
                    : differing(first.fields(), fields);
            if (!differing.isEmpty()) {
                errors.add(read.where() + " (" + kind.hsdsName() + "): id " + id + " is also at " + first.where()
                        + " with another " + String.join(", ", differing) + "; give each record once");
                return;
            }
        }
        ObjectNode existing = records.computeIfAbsent(kind, k -> new LinkedHashMap<>()).putIfAbsent(id, fields);
        firstMet.computeIfAbsent(kind, k -> new java.util.HashMap<>()).putIfAbsent(id, read.where());
        if (existing != null && existing != fields) {
            Read first = listed.getOrDefault(kind, Map.of()).get(id);
            if (first != null && first.fields() == existing) {
                // The listed record stays as listed, for comparing the next listing with; the merge gets a copy.
                listed.get(kind).put(id, new Read(kind, existing.deepCopy(), first.where(), first.listedIn()));
            }
            existing.setAll(fields);
        }
    }

    /**
     * Adds a problem for each reference of a record to one that is neither in the import nor in {@code directory} (the
     * directory as it is): found probing, a {@code service_at_location} whose {@code location_id} named no location
     * anywhere was applied and served without a location, as were schedules, phones and attributes pointing nowhere.
     * Not checked, as the publishers' own samples point these outside what they ship (a vocabulary or a hierarchy kept
     * elsewhere): a term's {@code taxonomy_id} and {@code parent_id}, an organisation's {@code parent_organization_id}
     * and a location's {@code organization_id}. A service needs no organisation, but one it names must exist.
     */
    void checkReferences(Catalog directory) {
        validate();
        records.forEach((kind, byId) -> byId.forEach((id, fields) -> {
            List<String> missing = new ArrayList<>();
            for (String link : kind.links()) {
                if (OUTWARD_LINKS.contains(kind.hsdsName() + "." + link)) {
                    continue;
                }
                JsonNode value = fields.get(link);
                if (value == null || !value.isTextual() || value.asText().isBlank()) {
                    continue;
                }
                List<Kind> targets = targets(kind, link, fields);
                String target = value.asText();
                boolean found = targets.stream().anyMatch(t -> records.getOrDefault(t, new LinkedHashMap<>()).containsKey(target)
                        || refused.getOrDefault(t, Set.of()).contains(target) || directory.get(t, target).isPresent());
                if (!found) {
                    missing.add(link + " " + shorten(target) + " is no " + (targets.size() == 1 ? targets.get(0).hsdsName()
                            : "record") + " of the import or the directory");
                }
            }
            if (!missing.isEmpty()) {
                errors.add(firstMet.getOrDefault(kind, Map.of()).getOrDefault(id, kind.hsdsName() + " " + id) + " ("
                        + kind.hsdsName() + " " + id + "): " + String.join("; ", missing));
            }
        }));
    }

    /** Links that may name a record kept elsewhere (see {@link #checkReferences}). */
    private static final Set<String> OUTWARD_LINKS = Set.of("taxonomy_term.taxonomy_id", "taxonomy_term.parent_id",
            "organization.parent_organization_id", "location.organization_id");

    /** The tables a link field may point into: an attribute's {@code link_id} into the one its {@code link_entity} names. */
    private static List<Kind> targets(Kind kind, String link, ObjectNode fields) {
        return switch (link) {
            case "organization_id", "parent_organization_id" -> List.of(Kind.ORGANIZATION);
            case "service_id" -> List.of(Kind.SERVICE);
            case "location_id" -> List.of(Kind.LOCATION);
            case "service_at_location_id" -> List.of(Kind.SERVICE_AT_LOCATION);
            case "taxonomy_id" -> List.of(Kind.TAXONOMY);
            case "taxonomy_term_id" -> List.of(Kind.TAXONOMY_TERM);
            case "parent_id" -> List.of(kind);
            case "contact_id" -> List.of(Kind.CONTACT);
            case "phone_id" -> List.of(Kind.PHONE);
            case "link_id" -> Kind.named(fields.path("link_entity").asText("").strip())
                    .map(List::of).orElse(List.of(Kind.values()));
            default -> throw new IllegalStateException("No table for the link " + kind.hsdsName() + "." + link);
        };
    }

    /** The fields both records give, with values that differ (numbers by value: 12 and 12.0 agree). */
    private static List<String> differing(ObjectNode first, ObjectNode again) {
        List<String> differing = new ArrayList<>();
        again.fields().forEachRemaining(field -> {
            JsonNode before = first.get(field.getKey());
            JsonNode after = field.getValue();
            if (before == null || before.isNull() || after.isNull()) {
                return;
            }
            boolean same = before.isNumber() && after.isNumber()
                    ? before.decimalValue().compareTo(after.decimalValue()) == 0 : before.equals(after);
            if (!same) {
                differing.add(field.getKey());
            }
        });
        return differing;
    }

    static List<String> check(Kind kind, ObjectNode fields) {
        List<String> problems = new ArrayList<>();
        JsonNode id = fields.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            problems.add("id is missing");
        } else if (!UUID.matcher(id.asText()).matches()) {
            problems.add("id '" + shorten(id.asText()) + "' is not a UUID");
        }
        for (String required : REQUIRED.getOrDefault(kind, List.of())) {
            JsonNode value = fields.get(required);
            if (value == null || value.isNull() || value.asText().isBlank()) {
                problems.add(required + " is missing");
            }
        }
        ENUMS.forEach((key, allowed) -> {
            if (key.startsWith(kind.hsdsName() + ".")) {
                String field = key.substring(kind.hsdsName().length() + 1);
                JsonNode value = fields.get(field);
                if (value != null && !allowed.contains(value.asText())) {
                    problems.add(field + " '" + shorten(value.asText()) + "' is not one of " + String.join(", ", allowed.stream().sorted().toList()));
                }
            }
        });
        for (String number : NUMBERS) {
            JsonNode value = fields.get(number);
            if (value == null) {
                continue;
            }
            if (!value.isNumber()) {
                problems.add(number + " '" + shorten(value.asText()) + "' is not a number");
            } else if (value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
                // JSON's 1e999 is read as infinity, which no field can hold (the API served it as "Infinity").
                problems.add(number + " is not a finite number");
            } else if (RANGES.containsKey(number) && outside(value.decimalValue(), RANGES.get(number))) {
                BigDecimal[] range = RANGES.get(number);
                problems.add(number + " " + shorten(value.decimalValue().stripTrailingZeros().toPlainString())
                        + " is not between " + range[0] + " and " + range[1]);
            }
        }
        JsonNode minimumAge = fields.get("minimum_age");
        JsonNode maximumAge = fields.get("maximum_age");
        if (minimumAge != null && maximumAge != null && minimumAge.isNumber() && maximumAge.isNumber()
                && problems.stream().noneMatch(p -> p.startsWith("minimum_age") || p.startsWith("maximum_age"))
                && maximumAge.decimalValue().compareTo(minimumAge.decimalValue()) < 0) {
            problems.add("maximum_age is below minimum_age");
        }
        for (String link : kind.links()) {
            JsonNode value = fields.get(link);
            if (value != null && (!value.isTextual() || value.asText().length() > 64)) {
                problems.add(link + " is not a record id");
            }
        }
        return problems;
    }

    private static BigDecimal[] range(int from, int to) {
        return new BigDecimal[] {BigDecimal.valueOf(from), BigDecimal.valueOf(to)};
    }

    private static boolean outside(BigDecimal value, BigDecimal[] range) {
        return value.compareTo(range[0]) < 0 || value.compareTo(range[1]) > 0;
    }

    private static String shorten(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    void error(String message) {
        unchecked.add(new Read(null, null, message, null));
    }

    void note(String message) {
        notes.add(message);
    }

    Map<Kind, LinkedHashMap<String, ObjectNode>> records() {
        validate();
        return records;
    }

    List<String> errors() {
        validate();
        return errors;
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    int size() {
        validate();
        return records.values().stream().mapToInt(Map::size).sum();
    }

    /** How many records of each HSDS table, e.g. {@code {service=3, location=2}}. */
    Map<String, Integer> counts() {
        validate();
        Map<String, Integer> counts = new LinkedHashMap<>();
        records.forEach((kind, byId) -> counts.put(kind.hsdsName(), byId.size()));
        return counts;
    }

    /** Reads a CSV cell as the descriptor's type says; a wrong value stays text, so that the check reports it. */
    static JsonNode typed(String value, String type) {
        var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        try {
            switch (type == null ? "string" : type) {
                case "number", "integer" -> {
                    BigDecimal number = new BigDecimal(value.trim());
                    return number.scale() <= 0 || number.stripTrailingZeros().scale() <= 0
                            ? nodes.numberNode(number.longValueExact()) : nodes.numberNode(number.doubleValue());
                }
                case "boolean" -> {
                    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                        return nodes.booleanNode(Boolean.parseBoolean(value.toLowerCase(java.util.Locale.ROOT)));
                    }
                    return nodes.textNode(value);
                }
                default -> {
                    return nodes.textNode(value);
                }
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return nodes.textNode(value);
        }
    }
}
