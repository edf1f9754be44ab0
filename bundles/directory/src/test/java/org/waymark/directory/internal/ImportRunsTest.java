package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.directory.testing.GeneratedPackage;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class ImportRunsTest {
    private static final Caller ADMIN = new Caller("admin", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final List<String> audited = new ArrayList<>();
    private final AuditLog audit = (caller, action, type, id, patient) -> audited.add(caller.id() + " " + action + " " + type + " " + id);
    private DataSource db;
    private Directory directory;
    private ImportRunStore store;
    private ImportRuns runs;
    @TempDir
    Path folder;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/directory.xml");
        directory = new Directory(new DirectoryStore(db), clock);
        store = new ImportRunStore(db);
        runs = new ImportRuns(directory, store, audit, clock, "node-a");
    }

    private ImportRuns.Work importOf(Path path) {
        return (progress, lastStep) -> directory.importPath(path, Optional.empty(), "admin", progress, lastStep);
    }

    @Test
    void anAppliedRunKeepsItsCountsSkippedItemsAndWhoAndIsAudited() throws Exception {
        GeneratedPackage.write(folder, "applied", 600, 0);

        ImportRun run = runs.runNow(ADMIN, "test", importOf(folder));

        assertThat(run.state()).isEqualTo(ImportRun.State.APPLIED);
        assertThat(run.written()).isTrue();
        assertThat(run.actor()).isEqualTo("admin");
        assertThat(run.node()).isEqualTo("node-a");
        assertThat(run.records()).isEqualTo(GeneratedPackage.records(600));
        assertThat(run.doc().path("counts").path("service").asInt()).isEqualTo(600);
        assertThat(run.doc().path("skipped").toString()).contains("funding").contains("no file");
        assertThat(run.doc().path("progress").path("phase").asText()).isEqualTo("indexing");
        assertThat(run.started()).isNotNull();
        assertThat(run.finished()).isNotNull();
        assertThat(directory.catalog().count(Kind.SERVICE)).isEqualTo(600);
        assertThat(audited).containsExactly("admin ADMIN DirectoryImport run " + run.id() + " started",
                "admin ADMIN DirectoryImport run " + run.id() + " applied " + run.records()
                        + " records {organization=60, service=600, location=600, service_at_location=600}");
        assertThat(runs.recent(10)).extracting(ImportRun::id).containsExactly(run.id());
    }

    @Test
    void anUploadIsRecordedInEachServicesHistoryAsTheZipNotByTheServersTemporaryFolder() throws Exception {
        // Found probing: the history link workers read said "Imported from /srv/waymark/karaf/tmp/waymark-import123...".
        GeneratedPackage.write(folder, "zip", 2, 0);

        runs.runNow(ADMIN, "upload (zip)", (progress, lastStep) ->
                directory.importPath(folder, Optional.empty(), "the zip", "admin", progress, lastStep));

        ServiceHistory.Page history = ServiceHistory.page(db, GeneratedPackage.serviceId("zip", 1), 1, 20);
        assertThat(history.entries()).singleElement().extracting(ServiceHistory.Entry::summary)
                .isEqualTo("Listed: Imported from the zip");
        try (var c = db.getConnection(); var rows = c.createStatement().executeQuery("SELECT source FROM dir_import")) {
            while (rows.next()) {
                assertThat(rows.getString(1)).doesNotContain(folder.toString());
            }
        }
    }

    @Test
    void whileItWritesTheRunShowsItsPhaseAndTotalsByTableToAnyReader() throws Exception {
        GeneratedPackage.write(folder, "writing", 300, 0);
        List<ImportRun> seen = new ArrayList<>();

        runs.runNow(ADMIN, "test", (progress, lastStep) -> directory.importPath(folder, Optional.empty(), "admin", progress, c -> {
            // In the write transaction, before the run marks itself written: what a poll from another node sees.
            seen.add(store.recent(1).get(0));
            clock.advance(Duration.ofSeconds(1));
            return lastStep.run(c);
        }));

        ImportRun writing = seen.get(0);
        assertThat(writing.state()).isEqualTo(ImportRun.State.RUNNING);
        assertThat(writing.phase()).isEqualTo("writing");
        assertThat(writing.doc().path("progress").path("total").asInt()).isEqualTo(GeneratedPackage.records(300));
        assertThat(writing.doc().path("progress").path("kinds").path("service").path("total").asInt()).isEqualTo(300);
        assertThat(writing.written()).isFalse();
    }

    @Test
    void progressCountsGrowAsRecordsAreReadCheckedAndWritten() {
        List<ImportProgress.Snapshot> snapshots = new ArrayList<>();
        ImportProgress progress = new ImportProgress((p, phaseChanged) -> snapshots.add(p.snapshot()));

        progress.begin(ImportProgress.Phase.READING, Map.of());
        progress.advance("service", 1);
        progress.advance("service", 1);
        progress.begin(ImportProgress.Phase.WRITING, Map.of("service", 2));
        progress.advance("service", 2);

        assertThat(snapshots.get(2).total()).as("unknown while reading").isEqualTo(-1);
        assertThat(snapshots.get(2).done()).isEqualTo(2);
        assertThat(snapshots.get(3).phase()).isEqualTo(ImportProgress.Phase.WRITING);
        assertThat(snapshots.get(3).done()).isZero();
        assertThat(snapshots.get(3).total()).isEqualTo(2);
        assertThat(snapshots.get(4).kinds()).containsEntry("service", new ImportProgress.Count(2, 2));
    }

    @Test
    void aRunWithABadRowFailsWritesNothingAndListsTheRow() throws Exception {
        GeneratedPackage.write(folder, "bad", 200, 117);

        ImportRun run = runs.runNow(ADMIN, "test", importOf(folder));

        assertThat(run.state()).isEqualTo(ImportRun.State.FAILED);
        assertThat(run.written()).isFalse();
        assertThat(run.errorCount()).isEqualTo(1);
        assertThat(run.doc().path("errors").get(0).asText()).contains("service.csv line 118").contains("status 'sometimes'");
        assertThat(run.detail()).contains("Nothing was imported");
        assertThat(run.doc().path("counts").isEmpty()).isTrue();
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
        assertThat(audited.get(1)).endsWith("failed, 1 problem(s)");
    }

    @Test
    void oneImportAtATimeAnotherIsRefusedNamingTheRunningOne() throws Exception {
        GeneratedPackage.write(folder, "busy", 20, 0);
        List<String> refused = new ArrayList<>();

        ImportRun first = runs.runNow(ADMIN, "test", (progress, lastStep) -> {
            try {
                runs.runNow(ADMIN, "second", importOf(folder));
            } catch (ImportRuns.Busy busy) {
                refused.add(busy.activeId());
            }
            return directory.importPath(folder, Optional.empty(), "admin", progress, lastStep);
        });

        assertThat(refused).containsExactly(first.id());
        assertThat(runs.recent(10)).hasSize(1);
        assertThat(runs.runNow(ADMIN, "after", importOf(folder)).state()).as("free again afterwards").isEqualTo(ImportRun.State.APPLIED);
    }

    @Test
    void aRunOfAnotherLiveNodeIsRefusedTooButOneWhoseHeartbeatStoppedEndsFailed() throws Exception {
        store.create("other", "elsewhere", "admin", "node-b", ImportRuns.doc(null, null), clock.instant());
        store.started("other", clock.instant());
        GeneratedPackage.write(folder, "nodes", 10, 0);

        assertThatThrownBy(() -> runs.runNow(ADMIN, "test", importOf(folder))).isInstanceOf(ImportRuns.Busy.class)
                .extracting(e -> ((ImportRuns.Busy) e).activeId()).isEqualTo("other");
        clock.advance(ImportRuns.STALE.plusSeconds(1));

        ImportRun abandoned = runs.find("other").orElseThrow();
        assertThat(abandoned.state()).isEqualTo(ImportRun.State.FAILED);
        assertThat(abandoned.detail()).contains("stopped before it finished");
        assertThat(runs.runNow(ADMIN, "test", importOf(folder)).state()).isEqualTo(ImportRun.State.APPLIED);
    }

    @Test
    void aNodeStartingAgainEndsItsOwnUnfinishedRunsAtOnceAppliedWhenTheirDataHadCommitted() {
        store.create("lost", "upload", "admin", "node-a", ImportRuns.doc(null, null), clock.instant());
        store.started("lost", clock.instant());
        store.create("committed", "upload", "admin", "node-a", ImportRuns.doc(null, null), clock.instant());
        store.started("committed", clock.instant());
        org.waymark.platform.db.Jdbc.inTransaction(db, c -> {
            store.written(c, "committed", 5, ImportRuns.doc(null, null), clock.instant());
            return null;
        });
        store.create("elsewhere", "upload", "admin", "node-b", ImportRuns.doc(null, null), clock.instant());
        store.started("elsewhere", clock.instant());

        new ImportRuns(directory, store, audit, clock, "node-a");

        assertThat(store.find("lost").orElseThrow().state()).isEqualTo(ImportRun.State.FAILED);
        assertThat(store.find("committed").orElseThrow().state()).isEqualTo(ImportRun.State.APPLIED);
        assertThat(store.find("elsewhere").orElseThrow().state()).as("another node's live run").isEqualTo(ImportRun.State.RUNNING);
    }

    @Test
    void aRunGivenUpWhileWritingRollsItsDataBack() throws Exception {
        GeneratedPackage.write(folder, "given-up", 50, 0);

        ImportRun run = runs.runNow(ADMIN, "test", (progress, lastStep) -> directory.importPath(folder, Optional.empty(), "admin",
                progress, c -> {
                    // Another node decides this node is gone (a pause longer than the stale time) just before the commit.
                    clock.advance(ImportRuns.STALE.plusSeconds(1));
                    store.endAbandoned(null, clock.instant().minus(ImportRuns.STALE), clock.instant());
                    return lastStep.run(c);
                }));

        assertThat(run.state()).isEqualTo(ImportRun.State.FAILED);
        assertThat(run.written()).isFalse();
        assertThat(directory.catalog().count(Kind.SERVICE)).isZero();
        assertThat(new DirectoryStore(db).count(Kind.SERVICE)).isZero();
    }

    @Test
    void anUploadIsPreparedOnlyWhenNoOtherImportIsGoingOnAndARefusedOneLeavesNoRun() throws Exception {
        store.create("other", "elsewhere", "admin", "node-b", ImportRuns.doc(null, null), clock.instant());
        store.started("other", clock.instant());
        List<String> prepared = new ArrayList<>();

        assertThatThrownBy(() -> runs.submit(ADMIN, "upload (zip)", () -> {
            prepared.add("unzipped");
            return new ImportRuns.Prepared((progress, lastStep) -> null, () -> { });
        })).isInstanceOf(ImportRuns.Busy.class);
        assertThat(prepared).as("nothing unzipped while another import runs").isEmpty();

        clock.advance(ImportRuns.STALE.plusSeconds(1));
        assertThatThrownBy(() -> runs.submit(ADMIN, "upload (zip)", () -> {
            throw org.waymark.api.error.WaymarkException.invalid("The zip has duplicate or conflicting entries");
        })).hasMessage("The zip has duplicate or conflicting entries");
        assertThat(runs.recent(10)).extracting(ImportRun::id).as("no run for a refused upload").containsExactly("other");
        assertThat(audited).isEmpty();

        GeneratedPackage.write(folder, "prepared", 5, 0);
        java.util.concurrent.CountDownLatch cleaned = new java.util.concurrent.CountDownLatch(1);
        ImportRun run = runs.submit(ADMIN, "upload (zip)", () -> new ImportRuns.Prepared(importOf(folder), cleaned::countDown));
        assertThat(cleaned.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("cleaned up once ended").isTrue();
        assertThat(runs.find(run.id()).orElseThrow().state()).as("the slot was freed by the refusal").isEqualTo(ImportRun.State.APPLIED);
    }
}
