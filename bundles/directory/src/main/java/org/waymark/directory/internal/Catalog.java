package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable snapshot of the whole directory in memory, with the links between records indexed, and the Open
 * Referral UK views assembled from it. Rebuilt after every change (the directory changes by imports, a few times a
 * day); reads never touch the database, which keeps them fast on Derby.
 */
final class Catalog {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The name the capacity taxonomy's and terms' ids are made from (stable, so apps may keep them). */
    private static final String CAPACITY = "waymark-capacity";
    private final Map<Kind, Map<String, ObjectNode>> records;
    /** "kind.field" → parent id → children. */
    private final Map<String, Map<String, List<ObjectNode>>> links = new HashMap<>();
    private final SearchIndex index;
    /** Listing views are asked for again and again; the catalog never changes, so each is built once. */
    private final Map<String, ObjectNode> summaries = new java.util.concurrent.ConcurrentHashMap<>();

    /** Providers' capacity by service, where not open: {@code full} or {@code waitlist}. */
    private final Map<String, String> capacities;

    Catalog(Map<Kind, Map<String, ObjectNode>> records) {
        this(records, Map.of());
    }

    Catalog(Map<Kind, Map<String, ObjectNode>> records, Map<String, String> capacities) {
        this.capacities = Map.copyOf(capacities);
        this.records = new EnumMap<>(Kind.class);
        Map<Kind, Map<String, ObjectNode>> all = capacities.isEmpty() ? records : withCapacityTaxonomy(records);
        for (Kind kind : Kind.values()) {
            Map<String, ObjectNode> byId = all.getOrDefault(kind, Map.of());
            this.records.put(kind, byId);
            for (String link : kind.links()) {
                Map<String, List<ObjectNode>> byParent = new HashMap<>();
                for (ObjectNode record : byId.values()) {
                    JsonNode parent = record.get(link);
                    if (parent != null && parent.isTextual()) {
                        byParent.computeIfAbsent(parent.asText(), p -> new ArrayList<>()).add(record);
                    }
                }
                links.put(kind.hsdsName() + "." + link, byParent);
            }
        }
        this.index = new SearchIndex(this);
    }

    static Catalog empty() {
        return new Catalog(Map.of());
    }

    SearchIndex index() {
        return index;
    }

    Optional<ObjectNode> get(Kind kind, String id) {
        return Optional.ofNullable(records.get(kind).get(id));
    }

    Collection<ObjectNode> all(Kind kind) {
        return records.get(kind).values();
    }

    int count(Kind kind) {
        return records.get(kind).size();
    }

    List<ObjectNode> children(Kind kind, String link, String parentId) {
        Map<String, List<ObjectNode>> byParent = links.get(kind.hsdsName() + "." + link);
        return byParent == null || parentId == null ? List.of() : byParent.getOrDefault(parentId, List.of());
    }

    /** The locations a service is delivered at. */
    List<ObjectNode> locationsOf(String serviceId) {
        List<ObjectNode> locations = new ArrayList<>();
        for (ObjectNode sal : children(Kind.SERVICE_AT_LOCATION, "service_id", serviceId)) {
            get(Kind.LOCATION, sal.path("location_id").asText()).ifPresent(locations::add);
        }
        return locations;
    }

    /** The schedules of a service, its own and those of its service-at-locations. */
    List<ObjectNode> schedulesOf(String serviceId) {
        List<ObjectNode> schedules = new ArrayList<>(children(Kind.SCHEDULE, "service_id", serviceId));
        for (ObjectNode sal : children(Kind.SERVICE_AT_LOCATION, "service_id", serviceId)) {
            for (ObjectNode schedule : children(Kind.SCHEDULE, "service_at_location_id", sal.path("id").asText())) {
                if (!schedules.contains(schedule)) {
                    schedules.add(schedule);
                }
            }
        }
        return schedules;
    }

    /** The taxonomy terms a service is tagged with (HSDS attributes linking the service to a term). */
    List<ObjectNode> termsOf(String serviceId) {
        List<ObjectNode> terms = new ArrayList<>();
        for (ObjectNode attribute : children(Kind.ATTRIBUTE, "link_id", serviceId)) {
            get(Kind.TAXONOMY_TERM, attribute.path("taxonomy_term_id").asText()).ifPresent(terms::add);
        }
        return terms;
    }

    // ------------------------------------------------------------------ Open Referral UK views

    ObjectNode organizationSummary(ObjectNode organization) {
        ObjectNode view = organization.deepCopy();
        nest(view, "organization_identifiers", children(Kind.ORGANIZATION_IDENTIFIER, "organization_id", id(organization)));
        view.set("attributes", attributesOf(id(organization)));
        return view;
    }

    ObjectNode organizationFull(ObjectNode organization) {
        ObjectNode view = organizationSummary(organization);
        ArrayNode services = NODES.arrayNode();
        for (ObjectNode service : children(Kind.SERVICE, "organization_id", id(organization))) {
            ObjectNode full = serviceFull(service);
            full.remove("organization");
            services.add(full);
        }
        view.set("services", services);
        return view;
    }

    /**
     * A service as {@code /services} lists it: its own fields and its organisation. Shared between answers: callers
     * must not change it (take a {@code deepCopy()} to build on it).
     */
    ObjectNode serviceSummary(ObjectNode service) {
        return summaries.computeIfAbsent(id(service), id -> {
            ObjectNode view = service.deepCopy();
            get(Kind.ORGANIZATION, service.path("organization_id").asText()).ifPresent(o -> view.set("organization", organizationSummary(o)));
            return view;
        });
    }

    /** A service with everything about it, as {@code /services/{id}} answers. */
    ObjectNode serviceFull(ObjectNode service) {
        String id = id(service);
        ObjectNode view = serviceSummary(service).deepCopy();
        ArrayNode sals = NODES.arrayNode();
        for (ObjectNode sal : children(Kind.SERVICE_AT_LOCATION, "service_id", id)) {
            ObjectNode salView = sal.deepCopy();
            get(Kind.LOCATION, sal.path("location_id").asText()).ifPresent(l -> salView.set("location", location(l)));
            sals.add(salView);
        }
        view.set("service_at_locations", sals);
        nest(view, "schedules", schedulesOf(id));
        ArrayNode contacts = NODES.arrayNode();
        for (ObjectNode contact : children(Kind.CONTACT, "service_id", id)) {
            ObjectNode contactView = contact.deepCopy();
            nest(contactView, "phones", children(Kind.PHONE, "contact_id", id(contact)));
            contacts.add(contactView);
        }
        view.set("contacts", contacts);
        // HSDS 3.0 lists a service's own phones (not a contact's) on the service; the UK profile allows the extra field.
        nest(view, "phones", children(Kind.PHONE, "service_id", id));
        nest(view, "cost_options", children(Kind.COST_OPTION, "service_id", id));
        nest(view, "languages", children(Kind.LANGUAGE, "service_id", id));
        nest(view, "service_areas", children(Kind.SERVICE_AREA, "service_id", id));
        nest(view, "funding", children(Kind.FUNDING, "service_id", id));
        ArrayNode attributes = attributesOf(id);
        String capacity = capacities.get(id);
        if (capacity != null) {
            attributes.add(capacityAttribute(id, capacity));
        }
        view.set("attributes", attributes);
        return view;
    }

    /**
     * A service's capacity as its provider gave it (full, or taking people onto a waiting list), as an attribute: the
     * UK profile's service has no field for it, and values outside its enums go in {@code attributes}. Found probing:
     * the Open Referral API said nothing of it, so an app reading the directory sent people to full services.
     */
    private ObjectNode capacityAttribute(String serviceId, String capacity) {
        ObjectNode term = term(capacityTerm(serviceId).orElseThrow());
        ObjectNode attribute = NODES.objectNode();
        attribute.put("id", uuid(CAPACITY + ":" + serviceId));
        attribute.put("link_id", serviceId);
        attribute.put("link_type", "capacity");
        attribute.put("link_entity", "service");
        attribute.put("taxonomy_term_id", term.get("id").asText());
        attribute.put("value", capacity);
        attribute.set("taxonomy_term", term);
        return attribute;
    }

    /**
     * Whether a record is one the catalog makes from capacities (a capacity attribute, the capacity taxonomy or one of
     * its terms) rather than directory data, as an import from another Waymark's API meets them.
     */
    static boolean madeFromCapacity(Kind kind, ObjectNode record) {
        String id = record.path("id").asText("");
        return switch (kind) {
            // By its id, which names the service: a publisher's own capacity attributes are its data.
            case ATTRIBUTE -> id.equals(uuid(CAPACITY + ":" + record.path("link_id").asText("")));
            case TAXONOMY -> id.equals(uuid(CAPACITY));
            case TAXONOMY_TERM -> id.equals(uuid(CAPACITY + ":full")) || id.equals(uuid(CAPACITY + ":waitlist"));
            default -> false;
        };
    }

    /** The capacity term a service is tagged with, when its provider said it is full or has a waiting list. */
    Optional<ObjectNode> capacityTerm(String serviceId) {
        String capacity = capacities.get(serviceId);
        return capacity == null ? Optional.empty() : get(Kind.TAXONOMY_TERM, uuid(CAPACITY + ":" + capacity));
    }

    /**
     * The records with the capacity taxonomy and its terms, which the capacity attributes name. Found probing: the
     * attribute's {@code taxonomy_term_id} was 404 at {@code /taxonomy_terms/{id}}, its taxonomy in no list, and the
     * {@code taxonomy_term_id} filter found no service with it, so an app could not tell it from a broken reference.
     */
    private static Map<Kind, Map<String, ObjectNode>> withCapacityTaxonomy(Map<Kind, Map<String, ObjectNode>> records) {
        Map<Kind, Map<String, ObjectNode>> all = new EnumMap<>(Kind.class);
        all.putAll(records);
        String taxonomyId = uuid(CAPACITY);
        ObjectNode taxonomy = NODES.objectNode().put("id", taxonomyId).put("name", "Waymark service capacity")
                .put("description", "Whether a service takes new people, as its provider last said (open services have no term)");
        Map<String, ObjectNode> taxonomies = new java.util.LinkedHashMap<>(records.getOrDefault(Kind.TAXONOMY, Map.of()));
        taxonomies.putIfAbsent(taxonomyId, taxonomy);
        all.put(Kind.TAXONOMY, taxonomies);
        Map<String, ObjectNode> terms = new java.util.LinkedHashMap<>(records.getOrDefault(Kind.TAXONOMY_TERM, Map.of()));
        for (String capacity : List.of("full", "waitlist")) {
            boolean full = capacity.equals("full");
            ObjectNode term = NODES.objectNode().put("id", uuid(CAPACITY + ":" + capacity)).put("name", full ? "Full" : "Waiting list")
                    .put("description", full ? "Not taking new people for now" : "Taking new people onto a waiting list")
                    .put("taxonomy", "Waymark service capacity").put("taxonomy_id", taxonomyId);
            terms.putIfAbsent(id(term), term);
        }
        all.put(Kind.TAXONOMY_TERM, terms);
        return all;
    }

    private static String uuid(String name) {
        return java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /**
     * The attributes linked to a record (HSDS links them to a service, an organisation, a location and others by
     * {@code link_id}), each with its taxonomy term. Found probing: an organisation's and a location's attributes were
     * imported and kept but never answered, though the UK profile lists them on both.
     */
    private ArrayNode attributesOf(String linkId) {
        ArrayNode attributes = NODES.arrayNode();
        for (ObjectNode attribute : children(Kind.ATTRIBUTE, "link_id", linkId)) {
            ObjectNode attributeView = attribute.deepCopy();
            get(Kind.TAXONOMY_TERM, attribute.path("taxonomy_term_id").asText())
                    .ifPresent(t -> attributeView.set("taxonomy_term", term(t)));
            attributes.add(attributeView);
        }
        return attributes;
    }

    ObjectNode location(ObjectNode location) {
        ObjectNode view = location.deepCopy();
        nest(view, "addresses", children(Kind.ADDRESS, "location_id", id(location)));
        nest(view, "accessibility", children(Kind.ACCESSIBILITY, "location_id", id(location)));
        view.set("attributes", attributesOf(id(location)));
        return view;
    }

    /** A service at a location, with the location and the service's listing. */
    ObjectNode serviceAtLocation(ObjectNode sal) {
        ObjectNode view = sal.deepCopy();
        get(Kind.LOCATION, sal.path("location_id").asText()).ifPresent(l -> view.set("location", location(l)));
        get(Kind.SERVICE, sal.path("service_id").asText()).ifPresent(s -> view.set("service", serviceSummary(s).deepCopy()));
        return view;
    }

    ObjectNode serviceAtLocationFull(ObjectNode sal) {
        ObjectNode view = serviceAtLocation(sal);
        get(Kind.SERVICE, sal.path("service_id").asText()).ifPresent(s -> {
            ObjectNode service = serviceFull(s);
            service.remove("service_at_locations");
            view.set("service", service);
        });
        nest(view, "schedules", children(Kind.SCHEDULE, "service_at_location_id", id(sal)));
        return view;
    }

    ObjectNode taxonomy(ObjectNode taxonomy, boolean withTerms) {
        ObjectNode view = taxonomy.deepCopy();
        if (withTerms) {
            ArrayNode terms = NODES.arrayNode();
            children(Kind.TAXONOMY_TERM, "taxonomy_id", id(taxonomy)).forEach(t -> terms.add(term(t)));
            view.set("taxonomy_terms", terms);
        }
        return view;
    }

    ObjectNode term(ObjectNode term) {
        return term.deepCopy();
    }

    private static void nest(ObjectNode view, String field, List<ObjectNode> children) {
        ArrayNode array = NODES.arrayNode();
        children.forEach(child -> array.add(child.deepCopy()));
        view.set(field, array);
    }

    static String id(ObjectNode record) {
        return record.path("id").asText();
    }
}
