package org.waymark.directory.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * Admins correct a service's details by hand. The editing view is read from the tables, not the in-memory catalog, and
 * its ETag is a digest of that view, so any change (an edit on another node, an import that touched one of its phones)
 * makes an open form stale. A save locks the service's row first, so two saves of the same version cannot both pass
 * the If-Match check. A save counts as confirming the details, is kept in the service's history with each field's old
 * and new value, audited, and shown in search and the Open Referral API at once (the catalog is rebuilt).
 */
@Component(service = ServiceEditor.class)
public final class ServiceEditor {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceEditor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RESOURCE_TYPE = "DirectoryService";
    /** Why a service's email is kept for admins of every area (see {@link DirectoryChanges}). */
    static final String EMAIL_NEEDS_EVERY_AREA = "A service's email is where every area's onward referrals to it are sent:"
            + " only an admin of every area of this deployment may change it";

    private final DataSource db;
    private final Directory directory;
    private final AuditLog audit;
    private final Clock clock;

    /** The editing view and its ETag (without quotes). */
    record Editable(ObjectNode view, String etag) {
    }

    /** The stored records behind the editing view. */
    private record Stored(ObjectNode service, Map<String, ObjectNode> phones, Map<String, ObjectNode> schedules,
                          ObjectNode view, String etag) {
    }

    @Activate
    public ServiceEditor(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                         @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.directory)") SchemaReady schema,
                         @Reference Directory directory, @Reference AuditLog audit) {
        this(db, directory, audit, Clock.systemUTC());
    }

    ServiceEditor(DataSource db, Directory directory, AuditLog audit, Clock clock) {
        this.db = db;
        this.directory = directory;
        this.audit = audit;
        this.clock = clock;
    }

    Editable editable(String serviceId) {
        Stored stored = Jdbc.inTransaction(db, c -> load(c, serviceId))
                .orElseThrow(() -> WaymarkException.notFound("No directory service with this id"));
        return new Editable(stored.view(), stored.etag());
    }

    /**
     * Saves an admin's changes. {@code ifMatch} is the ETag of the form's GET (null: no check, as the other writes on
     * {@code /api} do); a stale one is refused with 412. Invalid values throw {@link ServiceEdit.Invalid}.
     */
    Editable edit(Caller caller, String serviceId, String ifMatch, JsonNode body) {
        return edit(caller, serviceId, ifMatch, body, true);
    }

    /**
     * As {@link #edit(Caller, String, String, JsonNode)}; without {@code mayChangeEmail}, a save that would change the
     * service's email is refused (403) and nothing is saved. The check is of the change, made against the stored value
     * under the row lock, not of the field's presence: the console sends every field of its form, the email unchanged
     * included (found probing: an admin of one area of a deployment of several could save no edit at all).
     */
    Editable edit(Caller caller, String serviceId, String ifMatch, JsonNode body, boolean mayChangeEmail) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Stored saved = directory.locked(() -> Jdbc.inTransaction(db, c -> {
            try (PreparedStatement lock = c.prepareStatement("UPDATE dir_service SET updated_at = updated_at WHERE id = ?")) {
                lock.setString(1, serviceId);
                if (lock.executeUpdate() == 0) {
                    throw WaymarkException.notFound("No directory service with this id");
                }
            }
            Stored current = load(c, serviceId).orElseThrow();
            if (ifMatch != null && !matches(ifMatch, current.etag())) {
                throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                        "Someone changed this service's details after you opened them. Reload to see their changes, then make yours again.");
            }
            ServiceEdit.Result result = ServiceEdit.apply(current.view(), body);
            if (!mayChangeEmail && result.changes().stream().anyMatch(change -> change.field().equals("email"))) {
                throw WaymarkException.forbidden(EMAIL_NEEDS_EVERY_AREA);
            }
            write(c, current, result.view(), caller.id(), now);
            Freshness.confirmed(c, serviceId, caller.id(), Timestamp.from(now));
            ServiceHistory.record(c, new ServiceHistory.Entry(serviceId, now, caller.id(), ServiceHistory.Source.EDIT,
                    result.changes().isEmpty() ? "Details confirmed, nothing changed" : "Details edited", result.changes()));
            audit.record(c, caller, AuditLog.Action.UPDATE, RESOURCE_TYPE, serviceId, null);
            LOG.info("Directory service {} edited by {}: {} field(s) changed", serviceId, caller.id(), result.changes().size());
            return load(c, serviceId).orElseThrow();
        }));
        return new Editable(saved.view(), saved.etag());
    }

    /** If-Match carries the ETag of the GET: {@code "abc"}, {@code W/"abc"}, a list of them, or {@code *}. */
    static boolean matches(String ifMatch, String etag) {
        for (String tag : ifMatch.split(",")) {
            String value = tag.strip().replaceFirst("^W/", "").replace("\"", "");
            if (value.equals("*") || value.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static void write(Connection c, Stored current, ObjectNode view, String by, Instant now) throws SQLException {
        ObjectNode service = current.service().deepCopy();
        for (String field : ServiceEdit.TEXT_FIELDS.keySet()) {
            copy(view, service, field);
        }
        for (String field : ServiceEdit.AGE_FIELDS) {
            copy(view, service, field);
        }
        service.put("last_modified", now.toString());
        update(c, Kind.SERVICE, Catalog.id(service), service, by, now);
        for (JsonNode item : view.path("phones")) {
            ObjectNode phone = current.phones().get(item.path("id").asText()).deepCopy();
            copy((ObjectNode) item, phone, "number");
            copy((ObjectNode) item, phone, "description");
            if (!phone.equals(current.phones().get(item.path("id").asText()))) {
                update(c, Kind.PHONE, Catalog.id(phone), phone, by, now);
            }
        }
        for (JsonNode item : view.path("schedules")) {
            ObjectNode schedule = current.schedules().get(item.path("id").asText()).deepCopy();
            copy((ObjectNode) item, schedule, "description");
            if (!schedule.equals(current.schedules().get(item.path("id").asText()))) {
                update(c, Kind.SCHEDULE, Catalog.id(schedule), schedule, by, now);
            }
        }
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        } else {
            to.remove(field);
        }
    }

    private static void update(Connection c, Kind kind, String id, ObjectNode doc, String by, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + kind.table() + " SET doc = ?, updated_at = ?, updated_by = ? WHERE id = ?")) {
            update.setString(1, JSON.writeValueAsString(doc));
            update.setTimestamp(2, Timestamp.from(now));
            update.setString(3, by);
            update.setString(4, id);
            update.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A directory record could not be written as JSON", e);
        }
    }

    /** The service, its phones (its own and its contacts') and its schedules (its own and its locations'). */
    private static Optional<Stored> load(Connection c, String serviceId) throws SQLException {
        Map<String, ObjectNode> services = docs(c, "SELECT id, doc FROM dir_service WHERE id = ?", serviceId, 1);
        if (services.isEmpty()) {
            return Optional.empty();
        }
        Map<String, ObjectNode> phones = docs(c, "SELECT id, doc FROM dir_phone WHERE service_id = ?"
                + " OR contact_id IN (SELECT id FROM dir_contact WHERE service_id = ?) ORDER BY id", serviceId, 2);
        Map<String, ObjectNode> schedules = docs(c, "SELECT id, doc FROM dir_schedule WHERE service_id = ?"
                + " OR service_at_location_id IN (SELECT id FROM dir_service_at_location WHERE service_id = ?) ORDER BY id", serviceId, 2);
        ObjectNode view = ServiceEdit.view(services.get(serviceId), List.copyOf(phones.values()), List.copyOf(schedules.values()));
        return Optional.of(new Stored(services.get(serviceId), phones, schedules, view, etag(view)));
    }

    private static Map<String, ObjectNode> docs(Connection c, String sql, String serviceId, int marks) throws SQLException {
        Map<String, ObjectNode> docs = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 1; i <= marks; i++) {
                select.setString(i, serviceId);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    docs.put(rows.getString(1), (ObjectNode) JSON.readTree(rows.getString(2)));
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored directory record is not JSON", e);
        }
        return docs;
    }

    /** A digest of the editing view: it changes exactly when something the form shows changes. */
    static String etag(ObjectNode view) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsString(view).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("Cannot digest a service's details", e);
        }
    }
}
