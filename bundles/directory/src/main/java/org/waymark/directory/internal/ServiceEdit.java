package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An admin's correction of a service's details: what may be edited, how each value is checked, and which fields
 * changed from what to what. The editing view is the service's own fields people rely on, plus the numbers of its
 * phones (its own and its contacts') and the text of its schedules. A field left out of a body stays as it is; a
 * field sent as null or blank is removed, except name and status, which every listing has.
 */
final class ServiceEdit {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The service's own text fields, with their longest allowed values. */
    static final Map<String, Integer> TEXT_FIELDS = textFields();
    static final List<String> AGE_FIELDS = List.of("minimum_age", "maximum_age");
    static final Set<String> REQUIRED = Set.of("name", "status");
    /** HSDS 3.0's service statuses. */
    static final List<String> STATUSES = List.of("active", "inactive", "defunct", "temporarily closed");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()\\-]{3,30}");
    private static final int PHONE_DESCRIPTION = 500;
    private static final int SCHEDULE_DESCRIPTION = 500;

    /** A value that cannot be saved, named by its place in the body (e.g. {@code email}, {@code phones[0].number}). */
    record FieldError(String field, String detail) {
        Map<String, String> json() {
            return Map.of("field", field, "detail", detail);
        }
    }

    /** The body could not be applied; every problem is listed, so a form can show them all at once. */
    static final class Invalid extends RuntimeException {
        private final transient List<FieldError> errors;

        Invalid(List<FieldError> errors) {
            super(errors.get(0).field() + ": " + errors.get(0).detail());
            this.errors = List.copyOf(errors);
        }

        List<FieldError> errors() {
            return errors;
        }
    }

    /** The edited view and each field that changed. */
    record Result(ObjectNode view, List<ServiceHistory.Change> changes) {
    }

    private ServiceEdit() {
    }

    private static Map<String, Integer> textFields() {
        Map<String, Integer> fields = new LinkedHashMap<>();
        fields.put("name", 255);
        fields.put("description", 10_000);
        fields.put("url", 2_000);
        fields.put("email", 254);
        fields.put("status", 20);
        fields.put("fees", 2_000);
        fields.put("eligibility_description", 2_000);
        fields.put("application_process", 2_000);
        return fields;
    }

    /**
     * The editing view of a service: its editable fields (absent ones left out), its phones ({@code id}, {@code number},
     * {@code description}) and its schedules ({@code id}, {@code description}).
     */
    static ObjectNode view(ObjectNode service, List<ObjectNode> phones, List<ObjectNode> schedules) {
        ObjectNode view = NODES.objectNode();
        view.put("id", Catalog.id(service));
        for (String field : TEXT_FIELDS.keySet()) {
            if (service.hasNonNull(field)) {
                view.put(field, service.get(field).asText());
            }
        }
        for (String field : AGE_FIELDS) {
            if (service.hasNonNull(field) && service.get(field).isNumber()) {
                view.set(field, service.get(field));
            }
        }
        ArrayNode phoneViews = view.putArray("phones");
        for (ObjectNode phone : phones) {
            ObjectNode item = phoneViews.addObject();
            item.put("id", Catalog.id(phone));
            item.put("number", phone.path("number").asText(""));
            if (phone.hasNonNull("description")) {
                item.put("description", phone.get("description").asText());
            }
        }
        ArrayNode scheduleViews = view.putArray("schedules");
        for (ObjectNode schedule : schedules) {
            ObjectNode item = scheduleViews.addObject();
            item.put("id", Catalog.id(schedule));
            if (schedule.hasNonNull("description")) {
                item.put("description", schedule.get("description").asText());
            }
        }
        return view;
    }

    /** Applies the body to the current view: the new view and its changes, or every problem with the body. */
    static Result apply(ObjectNode current, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new Invalid(List.of(new FieldError("body", "must be a JSON object of the fields to change")));
        }
        List<FieldError> errors = new ArrayList<>();
        List<ServiceHistory.Change> changes = new ArrayList<>();
        ObjectNode next = current.deepCopy();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("id") && !name.equals("phones") && !name.equals("schedules") && !TEXT_FIELDS.containsKey(name)
                    && !AGE_FIELDS.contains(name)) {
                errors.add(new FieldError(name, "is not a field that can be edited here"));
            }
        }
        if (body.has("id") && !body.get("id").asText().equals(current.path("id").asText())) {
            errors.add(new FieldError("id", "is not this service's id"));
        }
        for (Map.Entry<String, Integer> field : TEXT_FIELDS.entrySet()) {
            if (body.has(field.getKey())) {
                text(body, field.getKey(), field.getValue(), errors).ifPresentOrElse(value -> next.put(field.getKey(), value),
                        () -> next.remove(field.getKey()));
            }
        }
        for (String field : AGE_FIELDS) {
            if (body.has(field)) {
                BigDecimal age = age(body.get(field), field, errors);
                if (age == null) {
                    next.remove(field);
                } else {
                    next.set(field, age.scale() <= 0 ? NODES.numberNode(age.intValueExact()) : NODES.numberNode(age));
                }
            }
        }
        BigDecimal minimum = next.hasNonNull("minimum_age") ? next.get("minimum_age").decimalValue() : null;
        BigDecimal maximum = next.hasNonNull("maximum_age") ? next.get("maximum_age").decimalValue() : null;
        if (minimum != null && maximum != null && minimum.compareTo(maximum) > 0 && errors.stream().noneMatch(e -> AGE_FIELDS.contains(e.field()))) {
            errors.add(new FieldError("maximum_age", "must not be below the minimum age"));
        }
        phones(body.get("phones"), next, errors);
        schedules(body.get("schedules"), next, errors);
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
        for (String field : TEXT_FIELDS.keySet()) {
            change(changes, field, current.get(field), next.get(field));
        }
        for (String field : AGE_FIELDS) {
            change(changes, field, current.get(field), next.get(field));
        }
        for (int i = 0; i < current.path("phones").size(); i++) {
            change(changes, "phone", current.path("phones").get(i).get("number"), next.path("phones").get(i).get("number"));
            change(changes, "phone description", current.path("phones").get(i).get("description"),
                    next.path("phones").get(i).get("description"));
        }
        for (int i = 0; i < current.path("schedules").size(); i++) {
            change(changes, "schedule", current.path("schedules").get(i).get("description"),
                    next.path("schedules").get(i).get("description"));
        }
        return new Result(next, changes);
    }

    private static void phones(JsonNode items, ObjectNode next, List<FieldError> errors) {
        if (items == null) {
            return;
        }
        if (!items.isArray()) {
            errors.add(new FieldError("phones", "must be a list of {\"id\", \"number\", \"description\"}"));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            String at = "phones[" + i + "]";
            JsonNode item = items.get(i);
            ObjectNode phone = item.isObject() ? find(next.withArray("phones"), item.path("id").asText(null)) : null;
            if (phone == null) {
                errors.add(new FieldError(at + ".id", "is not one of this service's phones"));
                continue;
            }
            if (!seen.add(phone.path("id").asText())) {
                errors.add(new FieldError(at + ".id", "is listed twice"));
                continue;
            }
            if (item.has("number")) {
                java.util.Optional<String> number = text(item, "number", 30, errors, at + ".number");
                if (number.isEmpty() && errors.stream().noneMatch(e -> e.field().equals(at + ".number"))) {
                    errors.add(new FieldError(at + ".number", "is required"));
                } else if (number.isPresent() && !PHONE.matcher(number.get()).matches()) {
                    errors.add(new FieldError(at + ".number", "must be a phone number: digits, spaces, brackets, dashes and a leading +"));
                } else {
                    number.ifPresent(n -> phone.put("number", n));
                }
            }
            if (item.has("description")) {
                text(item, "description", PHONE_DESCRIPTION, errors, at + ".description")
                        .ifPresentOrElse(d -> phone.put("description", d), () -> phone.remove("description"));
            }
        }
    }

    private static void schedules(JsonNode items, ObjectNode next, List<FieldError> errors) {
        if (items == null) {
            return;
        }
        if (!items.isArray()) {
            errors.add(new FieldError("schedules", "must be a list of {\"id\", \"description\"}"));
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            String at = "schedules[" + i + "]";
            JsonNode item = items.get(i);
            ObjectNode schedule = item.isObject() ? find(next.withArray("schedules"), item.path("id").asText(null)) : null;
            if (schedule == null) {
                errors.add(new FieldError(at + ".id", "is not one of this service's schedules"));
                continue;
            }
            if (item.has("description")) {
                text(item, "description", SCHEDULE_DESCRIPTION, errors, at + ".description")
                        .ifPresentOrElse(d -> schedule.put("description", d), () -> schedule.remove("description"));
            }
        }
    }

    private static ObjectNode find(ArrayNode items, String id) {
        if (id == null) {
            return null;
        }
        for (JsonNode item : items) {
            if (id.equals(item.path("id").asText())) {
                return (ObjectNode) item;
            }
        }
        return null;
    }

    private static java.util.Optional<String> text(JsonNode body, String field, int maxLength, List<FieldError> errors) {
        java.util.Optional<String> value = text(body, field, maxLength, errors, field);
        if (value.isEmpty()) {
            if (REQUIRED.contains(field) && errors.stream().noneMatch(e -> e.field().equals(field))) {
                errors.add(new FieldError(field, "is required"));
            }
            return value;
        }
        String text = value.get();
        switch (field) {
            case "status" -> {
                String status = text.toLowerCase(Locale.ROOT);
                if (!STATUSES.contains(status)) {
                    errors.add(new FieldError(field, "must be one of " + String.join(", ", STATUSES)));
                }
                return java.util.Optional.of(status);
            }
            case "url" -> {
                if (!isWebAddress(text)) {
                    errors.add(new FieldError(field, "must be a full web address starting with https:// or http://"));
                }
            }
            case "email" -> {
                if (!EMAIL.matcher(text).matches()) {
                    errors.add(new FieldError(field, "must be an email address such as name@example.org"));
                }
            }
            default -> {
            }
        }
        return value;
    }

    /** A stripped text value; empty when it is null or blank (the field is removed). */
    private static java.util.Optional<String> text(JsonNode body, String field, int maxLength, List<FieldError> errors, String at) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return java.util.Optional.empty();
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(at, "must be text"));
            return java.util.Optional.empty();
        }
        String text = node.asText().strip();
        if (text.length() > maxLength) {
            errors.add(new FieldError(at, "must be at most " + maxLength + " characters"));
        }
        return text.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(text);
    }

    private static BigDecimal age(JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull() || node.isTextual() && node.asText().isBlank()) {
            return null;
        }
        BigDecimal age;
        try {
            age = node.isNumber() ? node.decimalValue() : node.isTextual() ? new BigDecimal(node.asText().strip()) : null;
        } catch (NumberFormatException e) {
            age = null;
        }
        if (age == null) {
            errors.add(new FieldError(field, "must be a number of years"));
            return null;
        }
        if (age.signum() < 0 || age.compareTo(BigDecimal.valueOf(150)) > 0) {
            errors.add(new FieldError(field, "must be between 0 and 150"));
            return null;
        }
        return age.stripTrailingZeros();
    }

    private static boolean isWebAddress(String text) {
        try {
            URI uri = new URI(text);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null && !uri.getHost().isBlank();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static void change(List<ServiceHistory.Change> changes, String field, JsonNode before, JsonNode after) {
        String old = valueText(before);
        String now = valueText(after);
        if (!Objects.equals(old, now)) {
            changes.add(new ServiceHistory.Change(field, old, now));
        }
    }

    /** A field's value as the history shows it; numbers without trailing zeros, so 16 and 16.0 are the same age. */
    static String valueText(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue().stripTrailingZeros().toPlainString();
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
