package org.waymark.directory.internal;

import java.util.List;

/** The HSDS 3.0 tables the directory keeps, each with the fields that link it to other records. */
enum Kind {
    ORGANIZATION("organization", List.of("parent_organization_id")),
    SERVICE("service", List.of("organization_id")),
    LOCATION("location", List.of("organization_id")),
    SERVICE_AT_LOCATION("service_at_location", List.of("service_id", "location_id")),
    SCHEDULE("schedule", List.of("service_id", "location_id", "service_at_location_id")),
    TAXONOMY("taxonomy", List.of()),
    TAXONOMY_TERM("taxonomy_term", List.of("taxonomy_id", "parent_id")),
    ATTRIBUTE("attribute", List.of("link_id", "taxonomy_term_id")),
    CONTACT("contact", List.of("organization_id", "service_id", "service_at_location_id", "location_id")),
    PHONE("phone", List.of("location_id", "service_id", "organization_id", "contact_id", "service_at_location_id")),
    ADDRESS("address", List.of("location_id")),
    COST_OPTION("cost_option", List.of("service_id")),
    LANGUAGE("language", List.of("service_id", "location_id", "phone_id")),
    SERVICE_AREA("service_area", List.of("service_id", "service_at_location_id")),
    ACCESSIBILITY("accessibility", List.of("location_id")),
    FUNDING("funding", List.of("organization_id", "service_id")),
    ORGANIZATION_IDENTIFIER("organization_identifier", List.of("organization_id")),
    PROGRAM("program", List.of("organization_id")),
    REQUIRED_DOCUMENT("required_document", List.of("service_id"));

    private final String hsdsName;
    private final List<String> links;

    Kind(String hsdsName, List<String> links) {
        this.hsdsName = hsdsName;
        this.links = links;
    }

    /** The HSDS table name, e.g. {@code service_at_location}. */
    String hsdsName() {
        return hsdsName;
    }

    String table() {
        return "dir_" + hsdsName;
    }

    /** The {@code *_id} fields that point at other records; stored as indexed columns. */
    List<String> links() {
        return links;
    }

    static java.util.Optional<Kind> named(String hsdsName) {
        for (Kind kind : values()) {
            if (kind.hsdsName.equals(hsdsName)) {
                return java.util.Optional.of(kind);
            }
        }
        return java.util.Optional.empty();
    }
}
