package org.waymark.directory.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.waymark.platform.db.Jdbc;

/**
 * Who changed which service, when, through what (an admin's edit, an import, the provider's answer to a check, a link
 * worker's report, capacity) and, field by field, from what to what. Entries are written in the transaction of the
 * change they describe, so the history never claims a change that was rolled back.
 */
final class ServiceHistory {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PER_PAGE = 100;

    /** Where a change came from. */
    enum Source {
        EDIT("edit"), IMPORT("import"), PROVIDER("provider"), REPORT("report"), CAPACITY("capacity");

        private final String code;

        Source(String code) {
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    /** One field's change; a value that was or became absent is null. */
    record Change(String field, String oldValue, String newValue) {
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("field", field);
            json.put("old", oldValue);
            json.put("new", newValue);
            return json;
        }
    }

    record Entry(String serviceId, Instant at, String by, Source source, String summary, List<Change> changes) {
        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("at", at.toString());
            json.put("by", by);
            json.put("source", source.code());
            json.put("summary", summary);
            json.put("changes", changes.stream().map(Change::json).toList());
            return json;
        }
    }

    record Page(List<Entry> entries, int total, int page, int perPage) {
    }

    private ServiceHistory() {
    }

    static void record(Connection c, Entry entry) throws SQLException {
        recordAll(c, List.of(entry));
    }

    /** Writes the entries in batches (an import may bring thousands). */
    static void recordAll(Connection c, List<Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO dir_service_change"
                + " (service_id, changed_at, changed_by, source, summary, changes) VALUES (?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (Entry entry : entries) {
                insert.setString(1, entry.serviceId());
                insert.setTimestamp(2, Timestamp.from(entry.at()));
                insert.setString(3, clip(entry.by(), 200));
                insert.setString(4, entry.source().code());
                insert.setString(5, clip(entry.summary(), 1000));
                insert.setString(6, write(entry.changes()));
                insert.addBatch();
                if (++pending % 500 == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    /** A service's history, newest first. */
    static Page page(DataSource db, String serviceId, int page, int perPage) {
        return Jdbc.inTransaction(db, c -> {
            int total;
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM dir_service_change WHERE service_id = ?")) {
                count.setString(1, serviceId);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    total = rows.getInt(1);
                }
            }
            List<Entry> entries = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT changed_at, changed_by, source, summary, changes"
                    + " FROM dir_service_change WHERE service_id = ? ORDER BY changed_at DESC, seq DESC"
                    + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
                select.setString(1, serviceId);
                select.setLong(2, (long) (page - 1) * perPage);
                select.setInt(3, perPage);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new Entry(serviceId, rows.getTimestamp(1).toInstant(), rows.getString(2),
                                source(rows.getString(3)), rows.getString(4), read(rows.getString(5))));
                    }
                }
            }
            return new Page(entries, total, page, perPage);
        });
    }

    /**
     * The values a field of a service had before its recorded changes (edits and imports alike): what the directory
     * once said and has since corrected.
     */
    static java.util.Set<String> formerValues(DataSource db, String serviceId, String field) {
        return Jdbc.inTransaction(db, c -> {
            java.util.Set<String> values = new java.util.LinkedHashSet<>();
            try (PreparedStatement select = c.prepareStatement("SELECT changes FROM dir_service_change WHERE service_id = ?"
                    + " ORDER BY changed_at, seq")) {
                select.setString(1, serviceId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        for (Change change : read(rows.getString(1))) {
                            if (field.equals(change.field()) && change.oldValue() != null) {
                                values.add(change.oldValue());
                            }
                        }
                    }
                }
            }
            return values;
        });
    }

    private static Source source(String code) {
        for (Source source : Source.values()) {
            if (source.code().equals(code)) {
                return source;
            }
        }
        throw new IllegalStateException("Unknown history source " + code);
    }

    static String clip(String text, int length) {
        return text == null || text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }

    private static String write(List<Change> changes) {
        try {
            return JSON.writeValueAsString(changes.stream().map(Change::json).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A history entry could not be written as JSON", e);
        }
    }

    private static List<Change> read(String json) {
        try {
            List<Map<String, String>> raw = JSON.readValue(json, new TypeReference<List<Map<String, String>>>() { });
            return raw.stream().map(m -> new Change(m.get("field"), m.get("old"), m.get("new"))).toList();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored history entry is not JSON", e);
        }
    }
}
