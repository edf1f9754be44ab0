package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.directory.Coordinates;
import org.waymark.api.error.WaymarkException;

/**
 * The Open Referral UK 3.0 read API at {@code /directory}: public and read-only. Lists are paginated in the profile's
 * wrapper; single records are fully nested. Beyond the profile (documented in the README): {@code postcode} and
 * {@code proximity} on {@code /services}, {@code age} and {@code cost=free} filters.
 */
@Component(service = OpenReferralResource.class, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=directory)"})
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll
public final class OpenReferralResource {
    static final String VERSION = "HSDS-UK-3.0";
    static final String PROFILE = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md";
    static final String OPENAPI = "https://raw.githubusercontent.com/tpximpact/OpenReferralApi/refs/heads/main/OpenReferralApi/Schemas/V3.0-UK/open_api.json";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Directory directory;

    @Activate
    public OpenReferralResource(@Reference Directory directory) {
        this.directory = directory;
    }

    @GET
    public ObjectNode details(@Context UriInfo uri) {
        params(uri, java.util.Set.of());
        return NODES.objectNode().put("version", VERSION).put("profile", PROFILE).put("openapi_url", OPENAPI);
    }

    @GET
    @Path("services")
    public Response services(@Context UriInfo uri) {
        long started = System.nanoTime();
        ObjectNode answer = servicesPage(params(uri, SERVICE_PARAMS));
        // W3C Server-Timing: the search itself, apart from the network and serialisation (bench/directory.sh reads it).
        return Response.ok(answer).header("Server-Timing", String.format(java.util.Locale.ROOT, "search;dur=%.2f",
                (System.nanoTime() - started) / 1e6)).build();
    }

    /** The page of services the query parameters ask for, each as a summary or, with {@code full=true}, nested. */
    ObjectNode servicesPage(Map<String, String> params) {
        ServiceQuery query = ServiceQuery.parse(params);
        ListOptions options = ListOptions.parse(params);
        Catalog catalog = directory.catalog();
        Directory.Page<SearchIndex.Hit> page = Directory.searchPage(catalog, query, directory.origin(query));
        return wrapper(page, hit -> {
            ObjectNode service = catalog.get(Kind.SERVICE, catalog.index().entry(hit.service()).id()).orElseThrow();
            return options.full() ? catalog.serviceFull(service) : catalog.serviceSummary(service);
        });
    }

    @GET
    @Path("services/{id}")
    public ObjectNode service(@PathParam("id") String id, @Context UriInfo uri) {
        params(uri, java.util.Set.of());
        Catalog catalog = directory.catalog();
        return catalog.serviceFull(find(catalog, Kind.SERVICE, id));
    }

    @GET
    @Path("service_at_locations")
    public ObjectNode serviceAtLocations(@Context UriInfo uri) {
        Map<String, String> params = params(uri, SERVICE_PARAMS);
        ServiceQuery query = ServiceQuery.parse(params);
        ListOptions options = ListOptions.parse(params);
        Catalog catalog = directory.catalog();
        Coordinates origin = directory.origin(query);
        record SalHit(ObjectNode sal, double score, double distance, String name) {
        }
        List<SalHit> hits = new ArrayList<>();
        for (SearchIndex.Hit hit : catalog.index().search(query, null)) {
            SearchIndex.Entry entry = catalog.index().entry(hit.service());
            for (ObjectNode sal : catalog.children(Kind.SERVICE_AT_LOCATION, "service_id", entry.id())) {
                double distance = Double.POSITIVE_INFINITY;
                if (origin != null) {
                    ObjectNode location = catalog.get(Kind.LOCATION, sal.path("location_id").asText()).orElse(null);
                    if (location != null && location.path("latitude").isNumber() && location.path("longitude").isNumber()
                            && Math.abs(location.get("latitude").asDouble()) <= 90 && Math.abs(location.get("longitude").asDouble()) <= 180) {
                        distance = origin.metresTo(new Coordinates(location.get("latitude").asDouble(), location.get("longitude").asDouble()));
                    }
                    if (query.proximity() != null && !(distance <= query.proximity())) {
                        continue;
                    }
                }
                hits.add(new SalHit(sal, hit.score(), distance, entry.sortName()));
            }
        }
        Comparator<SalHit> order = query.text() != null ? Comparator.comparingDouble(SalHit::score).reversed()
                : (a, b) -> 0;
        if (origin != null) {
            order = order.thenComparingDouble(SalHit::distance);
        }
        hits.sort(order.thenComparing(SalHit::name).thenComparing(h -> Catalog.id(h.sal())));
        return wrapper(Directory.page(hits, query), h -> options.full() ? catalog.serviceAtLocationFull(h.sal())
                : catalog.serviceAtLocation(h.sal()));
    }

    @GET
    @Path("service_at_locations/{id}")
    public ObjectNode serviceAtLocation(@PathParam("id") String id, @Context UriInfo uri) {
        params(uri, java.util.Set.of());
        Catalog catalog = directory.catalog();
        return catalog.serviceAtLocationFull(find(catalog, Kind.SERVICE_AT_LOCATION, id));
    }

    @GET
    @Path("organizations")
    public ObjectNode organizations(@Context UriInfo uri) {
        Catalog catalog = directory.catalog();
        Map<String, String> params = params(uri, ORGANIZATION_PARAMS);
        boolean full = ListOptions.parse(params).full() || ListOptions.bool(params, "full_service");
        return listOf(catalog, Kind.ORGANIZATION, params, full ? catalog::organizationFull : catalog::organizationSummary);
    }

    @GET
    @Path("organizations/{id}")
    public ObjectNode organization(@PathParam("id") String id, @Context UriInfo uri) {
        // full_service: the Open Referral UK API's; an organisation is always answered with its services.
        ListOptions.bool(params(uri, java.util.Set.of("full_service")), "full_service");
        Catalog catalog = directory.catalog();
        return catalog.organizationFull(find(catalog, Kind.ORGANIZATION, id));
    }

    @GET
    @Path("taxonomies")
    public ObjectNode taxonomies(@Context UriInfo uri) {
        Catalog catalog = directory.catalog();
        Map<String, String> params = params(uri, TAXONOMY_PARAMS);
        boolean full = ListOptions.parse(params).full();
        return listOf(catalog, Kind.TAXONOMY, params, t -> catalog.taxonomy(t, full));
    }

    @GET
    @Path("taxonomies/{id}")
    public ObjectNode taxonomy(@PathParam("id") String id, @Context UriInfo uri) {
        params(uri, java.util.Set.of());
        Catalog catalog = directory.catalog();
        return catalog.taxonomy(find(catalog, Kind.TAXONOMY, id), true);
    }

    @GET
    @Path("taxonomy_terms")
    public ObjectNode taxonomyTerms(@Context UriInfo uri) {
        Catalog catalog = directory.catalog();
        Map<String, String> params = params(uri, TERM_PARAMS);
        String taxonomyId = params.get("taxonomy_id");
        String parentId = params.get("parent_id");
        // The profile's OpenAPI describes top_only as terms "that have not child terms", but its name, and parent_id
        // beside it for the level below, say the top of the tree: the terms without a parent (found probing: it was
        // ignored, so a caller walking the tree from its top got every term at once).
        boolean topOnly = ListOptions.bool(params, "top_only");
        ListOptions.parse(params);
        List<ObjectNode> terms = catalog.all(Kind.TAXONOMY_TERM).stream()
                .filter(t -> taxonomyId == null || taxonomyId.equals(t.path("taxonomy_id").asText(null)))
                .filter(t -> parentId == null || parentId.equals(t.path("parent_id").asText(null)))
                .filter(t -> !topOnly || t.path("parent_id").asText("").isBlank())
                .filter(nameContains(params))
                .sorted(byName())
                .toList();
        return wrapper(Directory.page(terms, ServiceQuery.parse(paging(params))), catalog::term);
    }

    @GET
    @Path("taxonomy_terms/{id}")
    public ObjectNode taxonomyTerm(@PathParam("id") String id, @Context UriInfo uri) {
        params(uri, java.util.Set.of());
        Catalog catalog = directory.catalog();
        return catalog.term(find(catalog, Kind.TAXONOMY_TERM, id));
    }

    /** A list in name order, filtered by {@code search} as the profile's API offers on every list. */
    private ObjectNode listOf(Catalog catalog, Kind kind, Map<String, String> params, Function<ObjectNode, ObjectNode> view) {
        ServiceQuery paging = ServiceQuery.parse(paging(params));
        Collection<ObjectNode> all = catalog.all(kind);
        return wrapper(Directory.page(all.stream().filter(nameContains(params)).sorted(byName()).toList(), paging), view);
    }

    /**
     * {@code search} on the lists other than services: the records whose name holds it, ignoring case (found probing:
     * it was ignored on organizations and taxonomies, answering everything).
     */
    private static java.util.function.Predicate<ObjectNode> nameContains(Map<String, String> params) {
        String search = params.get("search");
        if (search == null || search.isBlank()) {
            return record -> true;
        }
        String wanted = search.strip().toLowerCase(java.util.Locale.ROOT);
        return record -> record.path("name").asText("").toLowerCase(java.util.Locale.ROOT).contains(wanted);
    }

    private static Comparator<ObjectNode> byName() {
        return Comparator.comparing((ObjectNode o) -> o.path("name").asText("").toLowerCase(java.util.Locale.ROOT))
                .thenComparing(Catalog::id);
    }

    private static Map<String, String> paging(Map<String, String> params) {
        Map<String, String> paging = new HashMap<>();
        if (params.containsKey("page")) {
            paging.put("page", params.get("page"));
        }
        if (params.containsKey("per_page")) {
            paging.put("per_page", params.get("per_page"));
        }
        return paging;
    }

    private static ObjectNode find(Catalog catalog, Kind kind, String id) {
        return catalog.get(kind, id).orElseThrow(() -> WaymarkException.notFound("No " + kind.hsdsName() + " with this id"));
    }

    /**
     * The query parameters, each given once and each one this endpoint takes. Found probing: {@code ?page=2&page=3}
     * answered page 2 and a misspelt or unknown parameter ({@code taxonomy_terms_id}) was ignored, so a caller got an
     * unfiltered page it took for the one it asked for. A repeated or unknown parameter is a 400 naming it.
     */
    static Map<String, String> params(UriInfo uri, java.util.Set<String> allowed) {
        Map<String, String> params = new HashMap<>();
        java.util.Set<String> repeated = new java.util.TreeSet<>();
        java.util.Set<String> unknown = new java.util.TreeSet<>();
        uri.getQueryParameters().forEach((name, values) -> {
            if (!allowed.contains(name)) {
                unknown.add(name);
            } else if (values.size() > 1) {
                repeated.add(name);
            } else if (!values.isEmpty()) {
                params.put(name, values.get(0));
            }
        });
        if (!unknown.isEmpty()) {
            throw WaymarkException.invalid("Unknown query parameter" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(OpenReferralResource::shown).toList())
                    + (allowed.isEmpty() ? ": this takes none" : ": this takes " + String.join(", ", new java.util.TreeSet<>(allowed))));
        }
        if (!repeated.isEmpty()) {
            throw WaymarkException.invalid(String.join(", ", repeated) + (repeated.size() > 1 ? " are" : " is")
                    + " given more than once: give each parameter once");
        }
        return params;
    }

    /** A parameter name as the caller gave it, cut short: it is echoed in the answer. */
    private static String shown(String name) {
        String printable = name.codePoints().mapToObj(c -> Character.isISOControl(c) ? "?" : Character.toString(c))
                .collect(java.util.stream.Collectors.joining());
        return "'" + (printable.length() > 40 ? printable.substring(0, 40) + "..." : printable) + "'";
    }

    /** The parameters of each list, as the Open Referral UK API and the UK profile define them, and Waymark's extensions. */
    static final java.util.Set<String> SERVICE_PARAMS = java.util.Set.of("search", "page", "per_page", "format", "minimal",
            "full", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "minimum_age", "maximum_age",
            "start_time", "end_time", "day", "postcode", "proximity", "age", "cost");
    static final java.util.Set<String> ORGANIZATION_PARAMS = java.util.Set.of("search", "page", "per_page", "format",
            "minimal", "full", "full_service");
    static final java.util.Set<String> TAXONOMY_PARAMS = java.util.Set.of("search", "page", "per_page", "format", "minimal",
            "full");
    static final java.util.Set<String> TERM_PARAMS = java.util.Set.of("search", "page", "per_page", "format", "minimal",
            "full", "taxonomy_id", "parent_id", "top_only");

    /** The UK profile's page wrapper. */
    static <T> ObjectNode wrapper(Directory.Page<T> page, Function<T, ObjectNode> view) {
        ObjectNode wrapper = NODES.objectNode();
        int totalPages = (int) Math.ceil((double) page.total() / page.perPage());
        wrapper.put("total_items", page.total());
        wrapper.put("total_pages", totalPages);
        wrapper.put("page_number", page.page());
        wrapper.put("size", page.contents().size());
        wrapper.put("first_page", page.page() == 1);
        wrapper.put("last_page", page.page() >= totalPages);
        wrapper.put("empty", page.contents().isEmpty());
        ArrayNode contents = wrapper.putArray("contents");
        page.contents().forEach(item -> contents.add(view.apply(item)));
        return wrapper;
    }
}
