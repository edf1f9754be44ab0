package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.directory.Coordinates;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * The directory for staff, under {@code /api/directory}: search for people (ranked, with distance and opening days)
 * and imports (admins only), run off the request thread and polled as import runs.
 */
@Component(service = DirectoryApiResource.class, property = "osgi.jaxrs.resource=true", configurationPid = "org.waymark.platform",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Path("/directory")
@Produces(MediaType.APPLICATION_JSON)
public final class DirectoryApiResource {
    @interface Config {
        /** WAYMARK_DIRECTORY_IMPORT_MAX_MB: how much an uploaded zip may unzip to, in MiB. */
        int directoryImportMaxMb() default 100;
    }

    private final AreaDirectory areas;
    private final Directory directory;
    private final Freshness freshness;
    private final ImportRuns runs;
    private final ZipUpload.Limits zipLimits;

    @Activate
    public DirectoryApiResource(Config config, @Reference Directory directory, @Reference Freshness freshness,
                                @Reference ImportRuns runs, @Reference AreaDirectory areas) {
        this.areas = areas;
        this.directory = directory;
        this.freshness = freshness;
        this.runs = runs;
        this.zipLimits = ZipUpload.Limits.of(config.directoryImportMaxMb());
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
        ServiceQuery query = ServiceQuery.parse(OpenReferralResource.params(uri, OpenReferralResource.SERVICE_PARAMS));
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
     * Starts an import of Open Referral JSON (a record, a list or a paginated answer; {@code kind} names the table when
     * the records do not make it clear), or of a zipped CSV data package ({@code application/zip}). Answers 202 with the
     * run (and its address in {@code Location}) at once; the import goes on off the request thread, and
     * {@code GET /api/directory/imports/{id}} shows how far it has got and, at the end, what it applied, skipped or
     * refused. A body that is not JSON or not a zip is refused here (400), as is a zip that breaks the limits (413, see
     * {@link ZipUpload}) and a second import while one is going on (409, naming the run that is; a zip is not even
     * unzipped then).
     */
    @POST
    @Path("imports")
    @RolesAllowed(Roles.ADMIN)
    @Consumes({MediaType.APPLICATION_JSON, "application/zip"})
    public Response importData(InputStream body, @Context javax.ws.rs.core.HttpHeaders headers, @QueryParam("kind") String kind,
                               @Context SecurityContext security) throws IOException {
        Caller caller = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
        DirectoryChanges.requireAdminOfEveryArea(areas, caller, "An import replaces services every area refers people to");
        MediaType type = headers.getMediaType();
        ImportRun run;
        try {
            if (type != null && type.isCompatible(MediaType.valueOf("application/zip"))) {
                run = runs.submit(caller, "upload (zip)", () -> unzipped(body, caller));
            } else {
                Optional<Kind> table = Optional.empty();
                if (kind != null && !kind.isBlank()) {
                    table = Optional.of(Kind.named(kind.toLowerCase(Locale.ROOT)).or(() -> Kind.named(JsonRecords.singular(kind)))
                            .orElseThrow(() -> WaymarkException.invalid("kind is not an HSDS table name")));
                }
                // Bounded by the platform's request body limit (413 past it).
                JsonNode json = StrictJson.readBody(body.readAllBytes(), type);
                Optional<Kind> records = table;
                run = runs.submit(caller, "upload (json)", (progress, lastStep) ->
                        directory.importJson(json, records, caller.id(), progress, lastStep), () -> { });
            }
        } catch (ImportRuns.Busy busy) {
            // Read to its end (bounded by the body limit): a client still sending would otherwise lose the answer.
            body.transferTo(OutputStream.nullOutputStream());
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", "Conflict");
            problem.put("status", 409);
            problem.put("detail", busy.getMessage());
            problem.put("run", "/api/directory/imports/" + busy.activeId());
            return Response.status(409).type("application/problem+json").entity(problem).build();
        }
        return Response.accepted(run.json(true)).location(java.net.URI.create(run.location())).build();
    }

    /** The uploaded zip in a folder of its own, deleted when its import has ended or when it is refused. */
    private ImportRuns.Prepared unzipped(InputStream body, Caller caller) throws IOException {
        java.nio.file.Path folder = Files.createTempDirectory("waymark-import");
        try {
            ZipUpload.unzip(body, folder, zipLimits);
            java.nio.file.Path root = packageRoot(folder);
            return new ImportRuns.Prepared((progress, lastStep) ->
                    directory.importPath(root, Optional.empty(), "the zip", caller.id(), progress, lastStep), () -> deleteQuietly(folder));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(folder);
            throw e;
        }
    }

    /** The latest imports, newest first, without their lists of skipped items and errors. */
    @GET
    @Path("imports")
    @RolesAllowed(Roles.ADMIN)
    public List<Map<String, Object>> imports(@QueryParam("limit") Integer limit) {
        int rows = limit == null ? 20 : limit;
        if (rows < 1 || rows > 200) {
            throw WaymarkException.invalid("limit must be 1 to 200");
        }
        return runs.recent(rows).stream().map(r -> r.json(false)).toList();
    }

    /** One import: state, phase, progress by table, and at the end the counts, skipped items and errors. */
    @GET
    @Path("imports/{id}")
    @RolesAllowed(Roles.ADMIN)
    public Map<String, Object> importRun(@javax.ws.rs.PathParam("id") String id) {
        return runs.find(id).orElseThrow(() -> WaymarkException.notFound("No such import")).json(true);
    }

    /** The folder with the datapackage.json (a zip often has one top folder). */
    private static java.nio.file.Path packageRoot(java.nio.file.Path folder) throws IOException {
        try (var files = Files.walk(folder, 3)) {
            return files.filter(f -> f.getFileName().toString().equals("datapackage.json"))
                    .min(Comparator.comparingInt(java.nio.file.Path::getNameCount)).map(java.nio.file.Path::getParent).orElse(folder);
        }
    }

    private static void deleteQuietly(java.nio.file.Path folder) {
        try {
            deleteRecursively(folder);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(DirectoryApiResource.class).warn("Could not delete the upload in {}: {}", folder, e.toString());
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
