package org.waymark.directory.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/** The directory's tables: upserts by id in one transaction, and the whole directory read back for the catalog. */
final class DirectoryStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Rows sent to the database at once; also how often a long import's progress moves on while writing. */
    private static final int BATCH = 250;
    private final DataSource db;

    DirectoryStore(DataSource db) {
        this.db = db;
    }

    /** Inserts new records and replaces existing ones (same id), all or nothing; records the import. */
    void apply(ImportBatch batch, String actor, String source, String report, Instant now) {
        apply(batch, actor, source, report, now, ImportProgress.silent(), c -> null);
    }

    /**
     * As {@link #apply(ImportBatch, String, String, String, Instant)}, moving {@code progress} on as the rows are
     * written; {@code lastStep} runs in the same transaction just before the commit (the import run marks itself
     * written there, so that the run and the data commit together or not at all).
     */
    void apply(ImportBatch batch, String actor, String source, String report, Instant now, ImportProgress progress,
               Jdbc.Work<?> lastStep) {
        apply(batch, actor, source, report, now, progress, lastStep, null, SyncRemovals.none());
    }

    /**
     * As {@link #apply(ImportBatch, String, String, String, Instant, ImportProgress, Jdbc.Work)}, for a sync from
     * {@code origin} (null for a file or an upload): the records written are marked as the origin's (a file's records
     * as nobody's), and {@code removals} applied.
     */
    void apply(ImportBatch batch, String actor, String source, String report, Instant now, ImportProgress progress,
               Jdbc.Work<?> lastStep, String origin, SyncRemovals removals) {
        Map<String, Integer> totals = batch.counts();
        Jdbc.inTransaction(db, c -> {
            Map<String, ObjectNode> previous = batch.records().containsKey(Kind.SERVICE) ? docs(c, Kind.SERVICE) : Map.of();
            if (batch.records().containsKey(Kind.SERVICE)) {
                stampLastModified(previous, batch.records().get(Kind.SERVICE), now);
            }
            progress.begin(ImportProgress.Phase.WRITING, totals);
            for (Map.Entry<Kind, LinkedHashMap<String, ObjectNode>> entry : batch.records().entrySet()) {
                upsert(c, entry.getKey(), entry.getValue(), actor, now, progress);
            }
            LinkedHashMap<String, ObjectNode> services = batch.records().get(Kind.SERVICE);
            if (services != null) {
                ServiceHistory.recordAll(c, history(previous, services, actor, source, now));
            }
            for (Map.Entry<Kind, LinkedHashMap<String, ObjectNode>> entry : batch.records().entrySet()) {
                markOrigin(c, entry.getKey(), entry.getValue().keySet(), origin);
            }
            remove(c, removals, actor, source, now);
            logImport(c, source, actor, true, batch.size(), report, now);
            lastStep.run(c);
            return null;
        });
    }

    /** The records a sync from {@code origin} wrote before, by table. */
    Map<Kind, Set<String>> owned(String origin) {
        return Jdbc.inTransaction(db, c -> {
            Map<Kind, Set<String>> owned = new EnumMap<>(Kind.class);
            try (PreparedStatement select = c.prepareStatement("SELECT kind, id FROM dir_record_origin WHERE origin = ?")) {
                select.setString(1, clipOrigin(origin));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        java.util.Optional<Kind> kind = Kind.named(rows.getString(1));
                        if (kind.isPresent()) {
                            owned.computeIfAbsent(kind.get(), k -> new HashSet<>()).add(rows.getString(2));
                        }
                    }
                }
            }
            return owned;
        });
    }

    private static String clipOrigin(String origin) {
        return origin.length() > 500 ? origin.substring(origin.length() - 500) : origin;
    }

    /** Marks records as written by a sync from {@code origin}, or (null) by a file: a sync then never removes them. */
    private static void markOrigin(Connection c, Kind kind, Set<String> ids, String origin) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM dir_record_origin WHERE kind = ? AND id = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO dir_record_origin (kind, id, origin) VALUES (?, ?, ?)")) {
            int pending = 0;
            for (String id : ids) {
                delete.setString(1, kind.hsdsName());
                delete.setString(2, id);
                delete.addBatch();
                if (origin != null) {
                    insert.setString(1, kind.hsdsName());
                    insert.setString(2, id);
                    insert.setString(3, clipOrigin(origin));
                    insert.addBatch();
                }
                if (++pending % BATCH == 0) {
                    delete.executeBatch();
                    insert.executeBatch();
                }
            }
            delete.executeBatch();
            insert.executeBatch();
        }
    }

    /**
     * What a sync takes away (see {@link SyncRemovals}): withdrawn services marked inactive, with an entry in their
     * history; other withdrawn records deleted.
     */
    private static void remove(Connection c, SyncRemovals removals, String actor, String source, Instant now) throws SQLException {
        if (removals.isEmpty()) {
            return;
        }
        String stamp = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        Map<String, ObjectNode> inactive = new LinkedHashMap<>();
        List<ServiceHistory.Entry> entries = new ArrayList<>();
        removals.inactivated().forEach((id, service) -> {
            ObjectNode record = service.deepCopy();
            record.put("status", "inactive");
            record.put("last_modified", stamp);
            inactive.put(id, record);
            entries.add(new ServiceHistory.Entry(id, now, actor, ServiceHistory.Source.IMPORT,
                    "No longer listed by " + ServiceHistory.clip(source, 300) + ": marked inactive",
                    List.of(new ServiceHistory.Change("status", service.path("status").asText(null), "inactive"))));
        });
        upsert(c, Kind.SERVICE, inactive, actor, now, ImportProgress.silent());
        ServiceHistory.recordAll(c, entries);
        for (Map.Entry<Kind, Set<String>> entry : removals.deleted().entrySet()) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + entry.getKey().table() + " WHERE id = ?");
                 PreparedStatement forget = c.prepareStatement("DELETE FROM dir_record_origin WHERE kind = ? AND id = ?")) {
                for (String id : entry.getValue()) {
                    delete.setString(1, id);
                    delete.addBatch();
                    forget.setString(1, entry.getKey().hsdsName());
                    forget.setString(2, id);
                    forget.addBatch();
                }
                delete.executeBatch();
                forget.executeBatch();
            }
        }
    }

    /** Records an import that was refused, so that admins see attempts too. */
    void refused(String actor, String source, int records, String report, Instant now) {
        Jdbc.inTransaction(db, c -> {
            logImport(c, source, actor, false, records, report, now);
            return null;
        });
    }

    /** Every record of a table, by id. */
    private static Map<String, ObjectNode> docs(Connection c, Kind kind) throws SQLException {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, doc FROM " + kind.table() + " ORDER BY id");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                byId.put(rows.getString(1), read(rows.getString(2)));
            }
        }
        return byId;
    }

    /**
     * Gives each imported service that does not say when it changed a {@code last_modified}: the import's time when it is
     * new or changed, else the one it had. A source's own {@code last_modified} is kept as it says. Found probing: a
     * service changed by an import without the field (most CSVs) lost its date, so {@code modified_after}, which leaves
     * out services without one, no longer listed it, and an app copying the directory by {@code modified_after} kept
     * the old details for ever.
     */
    static void stampLastModified(Map<String, ObjectNode> previous, Map<String, ObjectNode> imported, Instant now) {
        String stamp = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
        for (Map.Entry<String, ObjectNode> service : imported.entrySet()) {
            ObjectNode record = service.getValue();
            if (record.hasNonNull("last_modified") && !record.get("last_modified").asText().isBlank()) {
                continue;
            }
            ObjectNode before = previous.get(service.getKey());
            if (before != null && before.hasNonNull("last_modified") && changedFields(before, record).isEmpty()) {
                record.set("last_modified", before.get("last_modified"));
            } else {
                record.put("last_modified", stamp);
            }
        }
    }

    /** The fields whose values differ (numbers compared by value, so 18 and 18.0 are the same), {@code last_modified} aside. */
    private static Set<String> changedFields(ObjectNode before, ObjectNode after) {
        Set<String> fields = new TreeSet<>();
        before.fieldNames().forEachRemaining(fields::add);
        after.fieldNames().forEachRemaining(fields::add);
        fields.remove("last_modified");
        fields.removeIf(field -> java.util.Objects.equals(ServiceEdit.valueText(before.get(field)), ServiceEdit.valueText(after.get(field))));
        return fields;
    }

    /**
     * History entries for the services an import lists or changes, each changed field with its old and new value. A
     * re-import that changes nothing writes nothing, so importing the same file again leaves no noise.
     */
    static List<ServiceHistory.Entry> history(Map<String, ObjectNode> previous, Map<String, ObjectNode> imported, String actor,
                                              String source, Instant now) {
        List<ServiceHistory.Entry> entries = new ArrayList<>();
        String from = "Imported from " + ServiceHistory.clip(source, 300);
        for (Map.Entry<String, ObjectNode> service : imported.entrySet()) {
            ObjectNode before = previous.get(service.getKey());
            if (before == null) {
                entries.add(new ServiceHistory.Entry(service.getKey(), now, actor, ServiceHistory.Source.IMPORT,
                        "Listed: " + from, List.of()));
                continue;
            }
            Set<String> fields = new TreeSet<>();
            before.fieldNames().forEachRemaining(fields::add);
            service.getValue().fieldNames().forEachRemaining(fields::add);
            fields.remove("last_modified");
            List<ServiceHistory.Change> changes = new ArrayList<>();
            for (String field : fields) {
                String old = ServiceEdit.valueText(before.get(field));
                String next = ServiceEdit.valueText(service.getValue().get(field));
                if (!java.util.Objects.equals(old, next)) {
                    changes.add(new ServiceHistory.Change(field, ServiceHistory.clip(old, 2000), ServiceHistory.clip(next, 2000)));
                }
            }
            if (!changes.isEmpty()) {
                entries.add(new ServiceHistory.Entry(service.getKey(), now, actor, ServiceHistory.Source.IMPORT, from, changes));
            }
        }
        return entries;
    }

    private static void logImport(Connection c, String source, String actor, boolean applied, int records, String report,
                                  Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO dir_import (id, source, actor, applied, records, report, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, RowIds.next());
            insert.setString(2, source.length() > 500 ? source.substring(source.length() - 500) : source);
            insert.setString(3, actor);
            insert.setBoolean(4, applied);
            insert.setInt(5, records);
            insert.setString(6, report);
            insert.setTimestamp(7, Timestamp.from(now));
            insert.executeUpdate();
        }
    }

    private static void upsert(Connection c, Kind kind, Map<String, ObjectNode> records, String actor, Instant now,
                               ImportProgress progress) throws SQLException {
        Set<String> existing = new HashSet<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id FROM " + kind.table());
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                existing.add(rows.getString(1));
            }
        }
        StringBuilder columns = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        StringBuilder sets = new StringBuilder();
        for (String link : kind.links()) {
            columns.append(link).append(", ");
            marks.append("?, ");
            sets.append(link).append(" = ?, ");
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + kind.table() + " (" + columns
                + "doc, updated_at, updated_by, id) VALUES (" + marks + "?, ?, ?, ?)");
             PreparedStatement update = c.prepareStatement("UPDATE " + kind.table() + " SET " + sets
                     + "doc = ?, updated_at = ?, updated_by = ? WHERE id = ?")) {
            int pending = 0;
            for (Map.Entry<String, ObjectNode> record : records.entrySet()) {
                PreparedStatement statement = existing.contains(record.getKey()) ? update : insert;
                int i = 1;
                for (String link : kind.links()) {
                    statement.setString(i++, record.getValue().hasNonNull(link) ? record.getValue().get(link).asText() : null);
                }
                statement.setString(i++, write(record.getValue()));
                statement.setTimestamp(i++, Timestamp.from(now));
                statement.setString(i++, actor);
                statement.setString(i, record.getKey());
                statement.addBatch();
                if (++pending % BATCH == 0) {
                    insert.executeBatch();
                    update.executeBatch();
                    progress.advance(kind.hsdsName(), BATCH);
                }
            }
            insert.executeBatch();
            update.executeBatch();
            progress.advance(kind.hsdsName(), pending % BATCH);
        }
    }

    /** Every record of every table, by table and id. */
    Map<Kind, Map<String, ObjectNode>> loadAll() {
        return Jdbc.inTransaction(db, c -> {
            Map<Kind, Map<String, ObjectNode>> all = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                Map<String, ObjectNode> byId = new LinkedHashMap<>();
                try (PreparedStatement select = c.prepareStatement("SELECT id, doc FROM " + kind.table() + " ORDER BY id");
                     ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        byId.put(rows.getString(1), read(rows.getString(2)));
                    }
                }
                all.put(kind, byId);
            }
            return all;
        });
    }

    /**
     * What the directory's tables hold, in brief: changes whenever an import is recorded or a service's history gets an
     * entry, which every import and every edit on any node does. Counts, not the largest ids: a sequence value taken
     * by one transaction can commit after a larger one taken by another, and would be missed.
     */
    String mark() {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement imports = c.prepareStatement("SELECT COUNT(*) FROM dir_import");
                 PreparedStatement changes = c.prepareStatement("SELECT COUNT(*) FROM dir_service_change");
                 ResultSet importRows = imports.executeQuery();
                 ResultSet changeRows = changes.executeQuery()) {
                importRows.next();
                changeRows.next();
                return importRows.getLong(1) + "/" + changeRows.getLong(1);
            }
        });
    }

    /** The capacity providers gave for their services, by service, where it is not open (full, waitlist). */
    Map<String, String> capacities() {
        return Jdbc.inTransaction(db, c -> {
            Map<String, String> capacities = new LinkedHashMap<>();
            try (PreparedStatement select = c.prepareStatement("SELECT service_id, capacity FROM dir_freshness"
                    + " WHERE capacity IS NOT NULL ORDER BY service_id");
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    capacities.put(rows.getString(1), rows.getString(2));
                }
            }
            return capacities;
        });
    }

    int count(Kind kind) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM " + kind.table());
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    private static String write(ObjectNode record) {
        try {
            return JSON.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A directory record could not be written as JSON", e);
        }
    }

    private static ObjectNode read(String doc) {
        try {
            return (ObjectNode) JSON.readTree(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored directory record is not JSON", e);
        }
    }
}
