package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.directory.Coordinates;
import org.waymark.api.directory.PostcodeLookup;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.db.DatabaseThreads;
import org.waymark.platform.db.Jdbc;

/**
 * The directory: the current catalog (an in-memory snapshot of the tables), imports into the tables, and postcode
 * lookups for distance search. Imports are serialised and applied whole or not at all; the catalog is rebuilt after
 * each applied import, so readers always see one consistent directory.
 */
@Component(service = Directory.class)
public final class Directory {
    private static final Logger LOG = LoggerFactory.getLogger(Directory.class);
    private static final ObjectMapper JSON = StrictJson.MAPPER;

    /** The outcome of an import, as the command, the API and the console show it. */
    record ImportReport(boolean applied, String source, int records, Map<String, Integer> counts, List<String> errors,
                        List<String> notes, List<String> removed) {
        ImportReport(boolean applied, String source, int records, Map<String, Integer> counts, List<String> errors,
                     List<String> notes) {
            this(applied, source, records, counts, errors, notes, List.of());
        }

        String text() {
            StringBuilder text = new StringBuilder();
            text.append(applied ? "Imported " + records + " records from " + source + ": " + counts
                    : "Nothing imported from " + source + ": " + errors.size() + " problem(s)");
            errors.forEach(e -> text.append("\n  error: ").append(e));
            notes.forEach(n -> text.append("\n  skipped: ").append(n));
            removed.forEach(r -> text.append("\n  removed: ").append(r));
            return text.toString();
        }
    }

    /**
     * Where a sync copies from ({@code origin}, its base URL), and whether the admin confirmed that it may remove more
     * than {@link SyncRemovals#MAX_SHARE_PERCENT}% of what it gave before. Null for an import from a file or an upload.
     */
    record SyncOrigin(String origin, boolean allowRemovals) {
    }

    private final DirectoryStore store;
    private final Clock clock;
    private final ReentrantLock writer = new ReentrantLock();
    private final List<Ranked> lookups = new CopyOnWriteArrayList<>();
    private volatile Catalog catalog;
    /** What the tables held when the catalog was built (see {@link DirectoryStore#mark()}). */
    private volatile String loadedMark;
    private volatile boolean watchFailing;
    private final ScheduledExecutorService watcher;
    /** How often a node looks for directory changes made on another node. */
    static final int WATCH_SECONDS = 2;

    private record Ranked(PostcodeLookup lookup, int ranking, long serviceId) {
    }

    @Activate
    public Directory(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                     @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.directory)") SchemaReady schema) {
        this(new DirectoryStore(db), Clock.systemUTC(), DatabaseThreads.scheduler("waymark-directory-watch"));
    }

    Directory(DirectoryStore store, Clock clock) {
        this(store, clock, null);
    }

    private Directory(DirectoryStore store, Clock clock, ScheduledExecutorService watcher) {
        this.store = store;
        this.clock = clock;
        this.watcher = watcher;
        long started = System.nanoTime();
        this.loadedMark = store.mark();
        this.catalog = new Catalog(store.loadAll(), store.capacities());
        LOG.info("Directory loaded: {} services in {} ms", catalog.count(Kind.SERVICE), (System.nanoTime() - started) / 1_000_000);
        if (watcher != null) {
            watcher.scheduleWithFixedDelay(this::refreshIfChanged, WATCH_SECONDS, WATCH_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        if (watcher != null) {
            DatabaseThreads.stop(watcher, Duration.ofSeconds(2));
        }
    }

    /**
     * Rebuilds the catalog when the tables changed without this node (an import or an edit on another node of the same
     * database); answers whether it did. Found probing: each node kept the catalog it had built itself, so after an
     * import or an edit on one node the others went on answering the old directory (search, the Open Referral API,
     * onward referrals: a service marked defunct on one node still took referrals, and its old address the note about
     * the person, on the other) until they restarted. A change on this node rebuilds the catalog itself; this runs
     * every {@value #WATCH_SECONDS} s and costs two counts when nothing changed.
     */
    boolean refreshIfChanged() {
        try {
            String mark = store.mark();
            watchFailing = false;
            if (mark.equals(loadedMark) || !writer.tryLock()) {
                // Unchanged, or this node is writing: its own change rebuilds the catalog when it commits.
                return false;
            }
            try {
                if (store.mark().equals(loadedMark)) {
                    return false;
                }
                reload();
            } finally {
                writer.unlock();
            }
            return true;
        } catch (RuntimeException e) {
            if (!watchFailing) {
                watchFailing = true;
                LOG.warn("Could not check the directory for changes made on other nodes (tried again every {} s): {}",
                        WATCH_SECONDS, e.toString());
            }
            return false;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addLookup(PostcodeLookup lookup, Map<String, Object> properties) {
        lookups.add(new Ranked(lookup, properties.get("service.ranking") instanceof Integer r ? r : 0,
                (Long) properties.getOrDefault("service.id", 0L)));
        lookups.sort((a, b) -> a.ranking() != b.ranking() ? Integer.compare(b.ranking(), a.ranking())
                : Long.compare(a.serviceId(), b.serviceId()));
    }

    void removeLookup(PostcodeLookup lookup) {
        lookups.removeIf(r -> r.lookup() == lookup);
    }

    Catalog catalog() {
        return catalog;
    }

    /** The centroid of a postcode from the first lookup that knows it. */
    Optional<Coordinates> locate(String postcode) {
        for (Ranked ranked : lookups) {
            try {
                Optional<Coordinates> found = ranked.lookup().locate(postcode);
                if (found.isPresent()) {
                    return found;
                }
            } catch (RuntimeException e) {
                LOG.warn("Postcode lookup {} failed: {}", ranked.lookup().getClass().getSimpleName(), e.toString());
            }
        }
        return Optional.empty();
    }

    /** Coordinates for a query's postcode; a postcode no lookup knows is the caller's mistake (400). */
    Coordinates origin(ServiceQuery query) {
        if (query.postcode() == null) {
            return null;
        }
        if (!OutwardCodeLookup.looksLikePostcode(query.postcode())) {
            throw WaymarkException.invalid("postcode is not a UK postcode");
        }
        return locate(query.postcode()).orElseThrow(() -> WaymarkException.invalid("postcode is not known to this directory"));
    }

    /**
     * Imports a file or a data package: a {@code .json} file (Open Referral JSON), a {@code datapackage.json} (CSVs
     * next to it or in {@code csvFolder}), or a folder holding either.
     */
    ImportReport importPath(Path path, Optional<Path> csvFolder, String actor) {
        return importPath(path, csvFolder, actor, ImportProgress.silent(), c -> null);
    }

    /** As {@link #importPath(Path, Optional, String)}, for a tracked run (see {@link #apply(ImportBatch, String, String, Jdbc.Work)}). */
    ImportReport importPath(Path path, Optional<Path> csvFolder, String actor, ImportProgress progress, Jdbc.Work<?> lastStep) {
        return importPath(path, csvFolder, path.toString(), actor, progress, lastStep);
    }

    /**
     * As {@link #importPath(Path, Optional, String, ImportProgress, Jdbc.Work)}, with {@code shownAs} naming the path in
     * what the run reports: an upload's folder is the server's business, so it is "the zip" there.
     */
    ImportReport importPath(Path path, Optional<Path> csvFolder, String shownAs, String actor, ImportProgress progress,
                            Jdbc.Work<?> lastStep) {
        ImportBatch batch = new ImportBatch(progress);
        progress.begin(ImportProgress.Phase.READING, Map.of());
        try {
            read(path, csvFolder, shownAs, batch);
        } catch (IOException e) {
            // The exception's message holds the server's paths: logged here, said in plain words to the caller.
            LOG.warn("Directory import could not read {}: {}", path, e.toString());
            throw WaymarkException.invalid("Cannot read " + shownAs + (e instanceof java.nio.file.AccessDeniedException
                    ? ": permission denied" : e instanceof java.nio.file.NoSuchFileException ? ": a file is missing" : ""));
        }
        // As shown, also where the import is recorded: each service's history (shown to link workers) named an upload
        // by its temporary folder on the server (found probing).
        return apply(batch, actor, shownAs, lastStep);
    }

    private static void read(Path path, Optional<Path> csvFolder, String shownAs, ImportBatch batch) throws IOException {
        if (!Files.exists(path)) {
            throw WaymarkException.invalid("No such file or folder: " + shownAs);
        }
        if (Files.isDirectory(path)) {
            Path descriptor = path.resolve("datapackage.json");
            if (Files.isRegularFile(descriptor)) {
                DataPackage.read(descriptor, csvFolder, batch);
                return;
            }
            try (var files = Files.list(path)) {
                List<Path> json = files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                        .sorted().toList();
                if (json.isEmpty()) {
                    throw WaymarkException.invalid(sentence(shownAs) + " holds neither a datapackage.json nor .json files");
                }
                for (Path file : json) {
                    readJson(file, batch);
                }
            }
        } else if (path.getFileName().toString().equals("datapackage.json")) {
            DataPackage.read(path, csvFolder, batch);
        } else {
            readJson(path, batch);
        }
    }

    private static String sentence(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static void readJson(Path file, ImportBatch batch) throws IOException {
        readJson(file.getFileName().toString(), Files.readAllBytes(file), batch);
    }

    /** One Open Referral JSON file; its name may say which table its records belong to. */
    static void readJson(String fileName, byte[] content, ImportBatch batch) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(content);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            batch.error(fileName + ": not valid JSON" + StrictJson.where(e));
            return;
        } catch (java.io.CharConversionException e) {
            // Jackson guesses UTF-8, -16 or -32 from the first bytes; bytes that are none of them are the file's fault.
            batch.error(fileName + ": not valid JSON (not UTF-8, UTF-16 or UTF-32 text)");
            return;
        }
        JsonRecords.read(json, JsonRecords.kindFromFileName(fileName), fileName, batch);
    }

    /** Imports Open Referral JSON sent over HTTP. */
    ImportReport importJson(JsonNode json, Optional<Kind> kind, String actor) {
        return importJson(json, kind, actor, ImportProgress.silent(), c -> null);
    }

    ImportReport importJson(JsonNode json, Optional<Kind> kind, String actor, ImportProgress progress, Jdbc.Work<?> lastStep) {
        ImportBatch batch = new ImportBatch(progress);
        progress.begin(ImportProgress.Phase.READING, Map.of());
        JsonRecords.read(json, kind, "body", batch);
        return apply(batch, actor, "upload", lastStep);
    }

    ImportReport apply(ImportBatch batch, String actor, String source) {
        return apply(batch, actor, source, c -> null);
    }

    /**
     * Checks the batch and, when it has no problem, writes it in one transaction (moving the batch's progress on) and
     * rebuilds the catalog. {@code lastStep} runs in the write transaction just before its commit.
     */
    ImportReport apply(ImportBatch batch, String actor, String source, Jdbc.Work<?> lastStep) {
        return apply(batch, actor, source, lastStep, null);
    }

    /**
     * As {@link #apply(ImportBatch, String, String, Jdbc.Work)}; a sync ({@code sync} not null) also removes what the
     * remote no longer lists ({@link SyncRemovals}), in the same transaction.
     */
    ImportReport apply(ImportBatch batch, String actor, String source, Jdbc.Work<?> lastStep, SyncOrigin sync) {
        batch.validate();
        writer.lock();
        try {
            // Under the lock: no other import changes what the references may point at meanwhile.
            batch.checkReferences(catalog);
            Instant now = clock.instant();
            List<String> errors = new ArrayList<>(batch.errors());
            if (errors.isEmpty() && batch.size() == 0) {
                errors.add("no records found");
            }
            SyncRemovals removals = sync == null || !errors.isEmpty() ? SyncRemovals.none()
                    : SyncRemovals.plan(store.owned(sync.origin()), batch.records(), catalog);
            if (!syncMayRemove(sync, removals)) {
                errors.add(removals.tooMany());
            }
            boolean applied = errors.isEmpty();
            ImportReport report = new ImportReport(applied, source, batch.size(), batch.counts(), List.copyOf(errors),
                    batch.notes(), applied ? removals.lines() : List.of());
            if (applied) {
                store.apply(batch, actor, source, report.text(), now, batch.progress(), lastStep,
                        sync == null ? null : sync.origin(), removals);
                batch.progress().begin(ImportProgress.Phase.INDEXING, Map.of());
                reload();
            } else {
                store.refused(actor, source, batch.size(), report.text(), now);
            }
            LOG.info("Directory import from {} by {}: {} ({} records, {} errors)", source, actor,
                    applied ? "applied" : "refused", batch.size(), batch.errors().size());
            return report;
        } finally {
            writer.unlock();
        }
    }

    private static boolean syncMayRemove(SyncOrigin sync, SyncRemovals removals) {
        return sync == null || sync.allowRemovals() || removals.tooMany() == null;
    }

    /**
     * Runs a change to the tables that is not an import (an admin's edit) in turn with imports, and rebuilds the catalog
     * after it, so that search and the Open Referral API show it at once.
     */
    <T> T locked(java.util.function.Supplier<T> change) {
        writer.lock();
        try {
            T result = change.get();
            reload();
            return result;
        } finally {
            writer.unlock();
        }
    }

    void reload() {
        long started = System.nanoTime();
        // The mark first: a change that commits while the tables are read is loaded again by the next check.
        String mark = store.mark();
        catalog = new Catalog(store.loadAll(), store.capacities());
        loadedMark = mark;
        LOG.info("Directory index rebuilt: {} services in {} ms", catalog.count(Kind.SERVICE),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The services of the query's page and the totals; the caller turns them into its view. */
    record Page<T>(List<T> contents, int total, int page, int perPage) {
    }

    /** The query's page of services, ordering only as many matches as the page needs. */
    static Page<SearchIndex.Hit> searchPage(Catalog catalog, ServiceQuery query, Coordinates origin) {
        long needed = (long) query.page() * query.perPage();
        SearchIndex.Result result = catalog.index().search(query, origin, (int) Math.min(Integer.MAX_VALUE, needed));
        long from = (long) (query.page() - 1) * query.perPage();
        List<SearchIndex.Hit> contents = from >= result.top().size() ? List.of()
                : result.top().subList((int) from, (int) Math.min(result.top().size(), from + query.perPage()));
        return new Page<>(contents, result.total(), query.page(), query.perPage());
    }

    static <T> Page<T> page(List<T> all, ServiceQuery query) {
        long from = (long) (query.page() - 1) * query.perPage();
        List<T> contents = from >= all.size() ? List.of()
                : new ArrayList<>(all.subList((int) from, (int) Math.min(all.size(), from + query.perPage())));
        return new Page<>(contents, all.size(), query.page(), query.perPage());
    }

}
