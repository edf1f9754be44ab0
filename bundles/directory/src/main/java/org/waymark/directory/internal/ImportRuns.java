package org.waymark.directory.internal;

import org.waymark.platform.db.DatabaseThreads;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.NodeName;
import org.waymark.platform.db.RowIds;

/**
 * Directory imports as tracked runs. An upload is imported on this node's import thread while the caller polls the
 * run; the command line runs its import on its own thread but is tracked the same way. One import at a time in the
 * whole deployment: another one started meanwhile is refused ({@link Busy}, a 409), not queued, so that an admin never
 * waits blind behind someone else's upload. The runs live in the database, so any node answers how one is going; a
 * node beats a heartbeat into its active run, and a run whose heartbeat stops is ended by the next node to look.
 */
@Component(service = ImportRuns.class)
public final class ImportRuns {
    private static final Logger LOG = LoggerFactory.getLogger(ImportRuns.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** Twelve missed heartbeats: a node that long silent is gone (a pause of a minute is not normal operation). */
    static final Duration STALE = Duration.ofSeconds(60);
    /** How often a run's progress is written while it goes: a poll every half second sees it move. */
    static final Duration SAVE_EVERY = Duration.ofMillis(250);
    /** Problems kept with a run; an import of a broken file can have one for each of its rows. */
    static final int ERRORS_KEPT = 1000;

    /** The import itself: reads its source into a batch made with {@code progress} and applies it. */
    @FunctionalInterface
    interface Work {
        Directory.ImportReport run(ImportProgress progress, Jdbc.Work<?> lastStep);
    }

    /** An import made ready on the caller's thread (an upload unzipped), and what to delete once it has ended. */
    record Prepared(Work work, Runnable cleanup) {
    }

    /** Makes an import ready; it cleans up after itself when it throws. */
    @FunctionalInterface
    interface Preparation {
        Prepared prepare() throws IOException;
    }

    /** Another import is going on; {@code activeId} is its run. */
    static final class Busy extends RuntimeException {
        private final String activeId;

        Busy(String activeId) {
            super("Another directory import is running; try again when it has finished");
            this.activeId = activeId;
        }

        String activeId() {
            return activeId;
        }
    }

    private final Directory directory;
    private final ImportRunStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final String node;
    private final AtomicReference<String> active = new AtomicReference<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r, "waymark-directory-import"));
    private final ScheduledExecutorService ticker = DatabaseThreads.scheduler("waymark-directory-import-heartbeat");

    @Activate
    public ImportRuns(@Reference Directory directory, @Reference(target = "(dataSourceName=waymark)") DataSource db,
                      @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.directory)") SchemaReady schema,
                      @Reference AuditLog audit) {
        this(directory, new ImportRunStore(db), audit, Clock.systemUTC(), NodeName.current());
        ticker.scheduleWithFixedDelay(this::tick, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    ImportRuns(Directory directory, ImportRunStore store, AuditLog audit, Clock clock, String node) {
        this.directory = directory;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.node = node;
        // Starting: no run of this node can still be going, whatever its heartbeat says.
        int ended = store.endAbandoned(node, clock.instant().minus(STALE), clock.instant());
        if (ended > 0) {
            LOG.warn("Ended {} directory import run(s) left unfinished when a node stopped", ended);
        }
    }

    @Deactivate
    void deactivate() {
        // An import still running ends as abandoned at the next start (endAbandoned); it is never interrupted.
        DatabaseThreads.stop(ticker, Duration.ofSeconds(2));
        DatabaseThreads.stop(worker, Duration.ofSeconds(5));
    }

    /**
     * Starts an import on the import thread and answers its run at once (queued, or further if it was quick).
     * {@code cleanup} runs when the import has finished, whatever happened (it deletes an upload's files).
     *
     * @throws Busy when another import is going on
     */
    ImportRun submit(Caller caller, String source, Work work, Runnable cleanup) {
        try {
            return submit(caller, source, () -> new Prepared(work, cleanup));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not thrown: nothing is prepared
        }
    }

    /**
     * As {@link #submit(Caller, String, Work, Runnable)}, preparing the import on the caller's thread only once no
     * other import is going on: an upload is unzipped (disk, time) only when it can be imported, and one at a time on
     * this node. A refused preparation (a bad zip) leaves no run behind.
     *
     * @throws Busy when another import is going on; nothing is prepared then
     */
    ImportRun submit(Caller caller, String source, Preparation preparation) throws IOException {
        String id = claim();
        Prepared prepared;
        try {
            prepared = preparation.prepare();
        } catch (IOException | RuntimeException e) {
            active.set(null);
            throw e;
        }
        try {
            create(id, caller, source);
        } catch (RuntimeException e) {
            prepared.cleanup().run();
            throw e;
        }
        try {
            worker.execute(() -> {
                try {
                    run(id, caller, prepared.work());
                } finally {
                    prepared.cleanup().run();
                }
            });
        } catch (RuntimeException e) {
            active.set(null);
            store.finish(id, ImportRun.State.FAILED, "reading", 0, 0, "The import could not be started", doc(null, null), clock.instant());
            prepared.cleanup().run();
            throw e;
        }
        return store.find(id).orElseThrow();
    }

    /** Runs an import on the caller's thread (the command line), tracked like an upload; answers the ended run. */
    ImportRun runNow(Caller caller, String source, Work work) {
        String id = begin(caller, source);
        run(id, caller, work);
        return store.find(id).orElseThrow();
    }

    Optional<ImportRun> find(String id) {
        endAbandoned();
        return store.find(id);
    }

    List<ImportRun> recent(int limit) {
        endAbandoned();
        return store.recent(limit);
    }

    private String begin(Caller caller, String source) {
        String id = claim();
        create(id, caller, source);
        return id;
    }

    /** Takes this node's one import slot for a new run id, once no import is going on anywhere. */
    private String claim() {
        String id = RowIds.next();
        if (!active.compareAndSet(null, id)) {
            throw new Busy(active.get());
        }
        try {
            endAbandoned();
            Optional<String> elsewhere = store.active();
            if (elsewhere.isPresent()) {
                throw new Busy(elsewhere.get());
            }
        } catch (RuntimeException e) {
            active.set(null);
            throw e;
        }
        return id;
    }

    /** Records the claimed run, unless another node has started one meanwhile; the slot is freed when it cannot. */
    private void create(String id, Caller caller, String source) {
        try {
            Optional<String> elsewhere = store.active();
            if (elsewhere.isPresent()) {
                throw new Busy(elsewhere.get());
            }
            store.create(id, source, caller.id(), node, doc(null, null), clock.instant());
        } catch (RuntimeException e) {
            active.set(null);
            throw e;
        }
        audit.record(caller, AuditLog.Action.ADMIN, "DirectoryImport", "run " + id + " started", null);
    }

    private void run(String id, Caller caller, Work work) {
        try {
            track(id, caller, work);
        } finally {
            // Only once the run has ended in the table, so that a new one is not refused for this one.
            active.set(null);
        }
    }

    private void track(String id, Caller caller, Work work) {
        Saver saver = new Saver(id);
        ImportProgress progress = new ImportProgress(saver);
        Directory.ImportReport report = null;
        String failure = null;
        try {
            store.started(id, clock.instant());
            report = work.run(progress, c -> {
                ImportProgress.Snapshot writing = progress.snapshot();
                store.written(c, id, writing.total(), doc(writing, null), clock.instant());
                return null;
            });
        } catch (WaymarkException e) {
            failure = e.getMessage();
        } catch (RuntimeException e) {
            LOG.warn("Directory import run {} failed", id, e);
            // The exception's class and message are the server's business (logged above), not the caller's.
            failure = "The import stopped on an unexpected error; nothing was written";
        }
        ImportProgress.Snapshot last = progress.snapshot();
        boolean applied = report != null && report.applied();
        String detail = failure != null ? failure : applied ? null
                : "Nothing was imported: " + report.errors().size() + " problem(s)";
        int errors = report == null ? 1 : report.errors().size();
        store.finish(id, applied ? ImportRun.State.APPLIED : ImportRun.State.FAILED, last.phase().json(),
                report == null ? 0 : report.records(), errors, detail, doc(last, report), clock.instant());
        audit.record(caller, AuditLog.Action.ADMIN, "DirectoryImport", "run " + id + (applied ? " applied " + report.records()
                + " records " + report.counts() : " failed, " + errors + " problem(s)"), null);
    }

    /** The run's progress, counts, skipped items and errors, as the runs table keeps them. */
    static ObjectNode doc(ImportProgress.Snapshot snapshot, Directory.ImportReport report) {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode progress = doc.putObject("progress");
        if (snapshot != null) {
            progress.put("phase", snapshot.phase().json());
            progress.put("done", snapshot.done());
            if (snapshot.total() < 0) {
                progress.putNull("total");
            } else {
                progress.put("total", snapshot.total());
            }
            ObjectNode kinds = progress.putObject("kinds");
            snapshot.kinds().forEach((kind, count) -> {
                ObjectNode one = kinds.putObject(kind).put("done", count.done());
                if (count.total() < 0) {
                    one.putNull("total");
                } else {
                    one.put("total", count.total());
                }
            });
        }
        ObjectNode counts = doc.putObject("counts");
        ArrayNode skipped = doc.putArray("skipped");
        ArrayNode errors = doc.putArray("errors");
        if (report != null) {
            if (report.applied()) {
                report.counts().forEach(counts::put);
            }
            report.notes().forEach(skipped::add);
            ArrayNode removed = doc.putArray("removed");
            report.removed().stream().limit(ERRORS_KEPT).forEach(removed::add);
            if (report.removed().size() > ERRORS_KEPT) {
                removed.add("... and " + (report.removed().size() - ERRORS_KEPT) + " more");
            }
            report.errors().stream().limit(ERRORS_KEPT).forEach(errors::add);
            if (report.errors().size() > ERRORS_KEPT) {
                errors.add("... and " + (report.errors().size() - ERRORS_KEPT) + " more");
            }
        }
        return doc;
    }

    /** Writes a run's progress as it goes: at each new phase, and otherwise at most every {@link #SAVE_EVERY}. */
    private final class Saver implements ImportProgress.Listener {
        private final String id;
        private Instant saved = Instant.EPOCH;

        Saver(String id) {
            this.id = id;
        }

        @Override
        public void changed(ImportProgress progress, boolean phaseChanged) {
            Instant now = clock.instant();
            if (!phaseChanged && now.isBefore(saved.plus(SAVE_EVERY))) {
                return;
            }
            saved = now;
            ImportProgress.Snapshot snapshot = progress.snapshot();
            // Given up by another node (no heartbeat for too long): stop before writing anything. Once the data has
            // committed (indexing), the catalog must still be rebuilt here, so the run carries on.
            if (!store.progress(id, snapshot.phase().json(), doc(snapshot, null), now) && snapshot.phase() != ImportProgress.Phase.INDEXING) {
                throw new IllegalStateException("Import run " + id + " was given up (no heartbeat for " + STALE.toSeconds() + " s)");
            }
        }
    }

    private void tick() {
        try {
            String running = active.get();
            if (running != null) {
                store.heartbeat(List.of(running), clock.instant());
            }
            endAbandoned();
        } catch (RuntimeException e) {
            LOG.warn("Directory import heartbeat failed: {}", e.toString());
        }
    }

    private void endAbandoned() {
        int ended = store.endAbandoned(null, clock.instant().minus(STALE), clock.instant());
        if (ended > 0) {
            LOG.warn("Ended {} directory import run(s) whose node stopped sending heartbeats", ended);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }
}
