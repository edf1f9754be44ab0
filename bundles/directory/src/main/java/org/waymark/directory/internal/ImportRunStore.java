package org.waymark.directory.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.waymark.platform.db.Jdbc;

/**
 * The import runs table. Every change of a run is a conditional UPDATE on a run that has not ended, so a run that
 * another node gave up (its heartbeat stopped) cannot be moved on by its old node afterwards.
 */
final class ImportRunStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACTIVE = "state IN ('queued', 'running')";
    private static final String COLUMNS = "id, state, phase, source, actor, node, records, error_count, written, detail, doc,"
            + " created_at, started_at, finished_at, heartbeat_at";
    private final DataSource db;

    ImportRunStore(DataSource db) {
        this.db = db;
    }

    void create(String id, String source, String actor, String node, ObjectNode doc, Instant now) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dir_import_run (" + COLUMNS
                    + ") VALUES (?, 'queued', 'reading', ?, ?, ?, 0, 0, ?, NULL, ?, ?, NULL, NULL, ?)")) {
                insert.setString(1, id);
                insert.setString(2, source.length() > 500 ? source.substring(source.length() - 500) : source);
                insert.setString(3, actor);
                insert.setString(4, node);
                insert.setBoolean(5, false);
                insert.setString(6, write(doc));
                insert.setTimestamp(7, Timestamp.from(now));
                insert.setTimestamp(8, Timestamp.from(now));
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** A run that has not ended, on any node, if there is one. */
    Optional<String> active() {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM dir_import_run WHERE " + ACTIVE + " ORDER BY created_at");
                 ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        });
    }

    boolean started(String id, Instant now) {
        return update("UPDATE dir_import_run SET state = 'running', started_at = ?, heartbeat_at = ? WHERE id = ? AND " + ACTIVE,
                Timestamp.from(now), Timestamp.from(now), id);
    }

    /** The run's phase and progress; false when the run has ended meanwhile (given up as stale). */
    boolean progress(String id, String phase, ObjectNode doc, Instant now) {
        return update("UPDATE dir_import_run SET phase = ?, doc = ?, heartbeat_at = ? WHERE id = ? AND " + ACTIVE,
                phase, write(doc), Timestamp.from(now), id);
    }

    /** The node running these runs is alive. */
    void heartbeat(List<String> ids, Instant now) {
        for (String id : ids) {
            update("UPDATE dir_import_run SET heartbeat_at = ? WHERE id = ? AND " + ACTIVE, Timestamp.from(now), id);
        }
    }

    /**
     * In the import's own write transaction, its last statement: the data and "written" commit together. Fails (and
     * so rolls the data back) when the run was given up meanwhile.
     */
    void written(Connection c, String id, int records, ObjectNode doc, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE dir_import_run SET written = ?, phase = 'indexing', records = ?,"
                + " doc = ?, heartbeat_at = ? WHERE id = ? AND state = 'running'")) {
            update.setBoolean(1, true);
            update.setInt(2, records);
            update.setString(3, write(doc));
            update.setTimestamp(4, Timestamp.from(now));
            update.setString(5, id);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("Import run " + id + " was given up before its data was written");
            }
        }
    }

    /** Ends a run; false when it had already ended. */
    boolean finish(String id, ImportRun.State state, String phase, int records, int errorCount, String detail, ObjectNode doc,
                   Instant now) {
        return update("UPDATE dir_import_run SET state = ?, phase = ?, records = ?, error_count = ?, detail = ?, doc = ?,"
                        + " finished_at = ?, heartbeat_at = ? WHERE id = ? AND " + ACTIVE,
                state.json(), phase, records, errorCount, shorten(detail), write(doc), Timestamp.from(now), Timestamp.from(now), id);
    }

    /**
     * Ends the runs whose node has stopped: those of {@code node} (this node, starting again: nothing of its own can
     * still be running), or any whose heartbeat is older than {@code staleBefore}. A run whose data had committed is
     * applied (only its index rebuild was lost, and every node rebuilds at start); any other failed, nothing written.
     *
     * @return how many runs were ended
     */
    int endAbandoned(String node, Instant staleBefore, Instant now) {
        String which = " WHERE " + ACTIVE + " AND (" + (node == null ? "1 = 0" : "node = ?") + " OR heartbeat_at < ?)";
        String failed = "The node running this import stopped before it finished; nothing was written";
        String applied = "The node running this import stopped after its data was written";
        int ended = 0;
        for (boolean written : new boolean[] {true, false}) {
            List<Object> values = new ArrayList<>(List.of(written ? "applied" : "failed", written ? applied : failed,
                    Timestamp.from(now), written));
            if (node != null) {
                values.add(node);
            }
            values.add(Timestamp.from(staleBefore));
            ended += count("UPDATE dir_import_run SET state = ?, detail = ?, finished_at = ?" + which.replace(" WHERE ",
                    " WHERE written = ? AND "), values.toArray());
        }
        return ended;
    }

    Optional<ImportRun> find(String id) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM dir_import_run WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(run(rows)) : Optional.empty();
                }
            }
        });
    }

    /** The latest runs, newest first. */
    List<ImportRun> recent(int limit) {
        return Jdbc.inTransaction(db, c -> {
            List<ImportRun> runs = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM dir_import_run ORDER BY created_at DESC, id")) {
                select.setMaxRows(limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        runs.add(run(rows));
                    }
                }
            }
            return runs;
        });
    }

    private static ImportRun run(ResultSet rows) throws SQLException {
        return new ImportRun(rows.getString("id"), ImportRun.State.valueOf(rows.getString("state").toUpperCase(java.util.Locale.ROOT)),
                rows.getString("phase"), rows.getString("source"), rows.getString("actor"), rows.getString("node"),
                rows.getInt("records"), rows.getInt("error_count"), rows.getBoolean("written"), rows.getString("detail"),
                read(rows.getString("doc")), instant(rows.getTimestamp("created_at")), instant(rows.getTimestamp("started_at")),
                instant(rows.getTimestamp("finished_at")), instant(rows.getTimestamp("heartbeat_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private boolean update(String sql, Object... values) {
        return count(sql, values) == 1;
    }

    private int count(String sql, Object... values) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement update = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    if (values[i] instanceof Boolean b) {
                        update.setBoolean(i + 1, b);
                    } else if (values[i] instanceof Integer n) {
                        update.setInt(i + 1, n);
                    } else if (values[i] instanceof Timestamp t) {
                        update.setTimestamp(i + 1, t);
                    } else if (values[i] == null) {
                        update.setNull(i + 1, java.sql.Types.VARCHAR);
                    } else {
                        update.setString(i + 1, values[i].toString());
                    }
                }
                return update.executeUpdate();
            }
        });
    }

    private static String shorten(String detail) {
        return detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 997) + "...";
    }

    private static String write(JsonNode doc) {
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An import run could not be written as JSON", e);
        }
    }

    private static JsonNode read(String doc) {
        try {
            return JSON.readTree(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored import run is not JSON", e);
        }
    }
}
