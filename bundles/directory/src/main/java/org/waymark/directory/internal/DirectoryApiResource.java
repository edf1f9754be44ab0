package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.directory.Coordinates;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * The directory for staff, under {@code /api/directory}: search for people (ranked, with distance and opening days)
 * and imports (admins only). Import errors are problem+json with the per-record problems listed in {@code errors}.
 */
@Component(service = DirectoryApiResource.class, property = "osgi.jaxrs.resource=true")
@Path("/directory")
@Produces(MediaType.APPLICATION_JSON)
public final class DirectoryApiResource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Directory directory;
    private final Freshness freshness;

    @Activate
    public DirectoryApiResource(@Reference Directory directory, @Reference Freshness freshness) {
        this.directory = directory;
        this.freshness = freshness;
    }

    /**
     * Search for the console: the {@code /directory/services} filters ({@code search}, {@code postcode},
     * {@code proximity}, {@code age}, {@code day}, {@code start_time}, {@code end_time}, {@code taxonomy_term_id},
     * {@code cost=free}, paging), answered as compact results with distance and freshness (last confirmed, stale,
     * reported closed or changed, capacity).
     */
    @GET
    @Path("search")
    @RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
    public Map<String, Object> search(@Context UriInfo uri) {
        ServiceQuery query = ServiceQuery.parse(OpenReferralResource.params(uri));
        Catalog catalog = directory.catalog();
        Coordinates origin = directory.origin(query);
        Directory.Page<SearchIndex.Hit> page = Directory.searchPage(catalog, query, origin);
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Freshness.State> states = freshness.states(page.contents().stream()
                .map(h -> catalog.index().entry(h.service()).id()).toList());
        for (SearchIndex.Hit hit : page.contents()) {
            ObjectNode service = catalog.get(Kind.SERVICE, catalog.index().entry(hit.service()).id()).orElseThrow();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("id", Catalog.id(service));
            result.put("name", service.path("name").asText());
            result.put("status", service.path("status").asText());
            catalog.get(Kind.ORGANIZATION, service.path("organization_id").asText())
                    .ifPresent(o -> result.put("organization", o.path("name").asText()));
            result.put("description", service.path("description").asText(""));
            result.put("taxonomy_terms", catalog.termsOf(Catalog.id(service)).stream().map(t -> t.path("name").asText()).toList());
            result.put("schedules", catalog.schedulesOf(Catalog.id(service)).stream()
                    .map(s -> s.path("description").asText(s.path("byday").asText("") + " " + s.path("opens_at").asText("")
                            + "-" + s.path("closes_at").asText("")).trim()).toList());
            if (origin != null && Double.isFinite(hit.distanceMetres())) {
                result.put("distance_km", Math.round(hit.distanceMetres() / 100.0) / 10.0);
            }
            if (query.text() != null) {
                result.put("score", Math.round(hit.score() * 1000) / 1000.0);
            }
            // Stale (not confirmed for months, or reported closed or changed) and capacity: the console warns on these.
            result.put("freshness", states.get(Catalog.id(service)).json());
            results.add(result);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", page.total());
        answer.put("page", page.page());
        answer.put("per_page", page.perPage());
        answer.put("results", results);
        return answer;
    }

    /**
     * Imports Open Referral JSON (a record, a list or a paginated answer; {@code kind} names the table when the records
     * do not make it clear), or a zipped CSV data package ({@code application/zip}).
     */
    @POST
    @Path("imports")
    @RolesAllowed(Roles.ADMIN)
    @Consumes({MediaType.APPLICATION_JSON, "application/zip"})
    public Response importData(InputStream body, @Context javax.ws.rs.core.HttpHeaders headers, @QueryParam("kind") String kind,
                               @Context SecurityContext security) throws IOException {
        String actor = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow().id();
        Directory.ImportReport report;
        MediaType type = headers.getMediaType();
        if (type != null && type.isCompatible(MediaType.valueOf("application/zip"))) {
            java.nio.file.Path folder = Files.createTempDirectory("waymark-import");
            try {
                unzip(body, folder);
                report = directory.importPath(packageRoot(folder), Optional.empty(), actor);
            } finally {
                deleteRecursively(folder);
            }
        } else {
            Optional<Kind> table = Optional.empty();
            if (kind != null && !kind.isBlank()) {
                table = Optional.of(Kind.named(kind.toLowerCase(Locale.ROOT)).or(() -> Kind.named(JsonRecords.singular(kind)))
                        .orElseThrow(() -> WaymarkException.invalid("kind is not an HSDS table name")));
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw WaymarkException.invalid("The body is not valid JSON");
            }
            if (json == null || json.isMissingNode()) {
                throw WaymarkException.invalid("The body is empty");
            }
            report = directory.importJson(json, table, actor);
        }
        if (!report.applied()) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", "Unprocessable Content");
            problem.put("status", 422);
            problem.put("detail", "Nothing was imported: " + report.errors().size() + " record(s) have problems");
            problem.put("errors", report.errors());
            problem.put("skipped", report.notes());
            return Response.status(422).type("application/problem+json").entity(problem).build();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("applied", true);
        answer.put("records", report.records());
        answer.put("counts", report.counts());
        answer.put("skipped", report.notes());
        return Response.ok(answer).build();
    }

    private static void unzip(InputStream body, java.nio.file.Path folder) throws IOException {
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(body)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (++entries > 1000) {
                    throw WaymarkException.invalid("The zip holds too many files");
                }
                java.nio.file.Path target = folder.resolve(entry.getName()).normalize();
                if (!target.startsWith(folder)) {
                    throw WaymarkException.invalid("The zip has a file outside its folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target);
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw WaymarkException.invalid("The body is not a zip file");
        }
    }

    /** The folder with the datapackage.json (a zip often has one top folder). */
    private static java.nio.file.Path packageRoot(java.nio.file.Path folder) throws IOException {
        try (var files = Files.walk(folder, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("datapackage.json"))
                    .min(Comparator.comparingInt(java.nio.file.Path::getNameCount)).map(java.nio.file.Path::getParent).orElse(folder);
        }
    }

    private static void deleteRecursively(java.nio.file.Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            for (java.nio.file.Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
