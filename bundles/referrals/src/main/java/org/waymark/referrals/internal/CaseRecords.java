package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * What a link worker records while working a referral: contact attempts, notes and appointments. Each entry is
 * audited as {@code <referral id>/<kind>/<id>}, so the referral's timeline finds it.
 */
@Component(service = CaseRecords.class)
public final class CaseRecords {
    static final Set<String> METHODS = Set.of("phone", "text", "visit", "email", "letter", "video");
    static final Set<String> CONTACT_OUTCOMES = Set.of("reached", "no-answer", "left-message", "wrong-number", "declined");
    static final Set<String> APPOINTMENT_STATUSES = Set.of("booked", "attended", "missed", "cancelled");
    /** A clock a little behind, or a session begun a few minutes early, still lets its attendance be recorded. */
    private static final Duration APPOINTMENT_EARLY = Duration.ofMinutes(15);

    public record Contact(String id, String method, String outcome, String detail, Instant contactedAt, String recordedBy,
                          Instant recordedAt) {
    }

    public record Note(String id, String text, String recordedBy, Instant recordedAt) {
    }

    public record Appointment(String id, Instant startsAt, String place, String purpose, String status, String recordedBy,
                              Instant recordedAt) {
    }

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;

    @Activate
    public CaseRecords(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                       @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db, audit, Clock.systemUTC());
    }

    CaseRecords(DataSource db, AuditLog audit, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    public Contact addContact(Caller caller, String referralId, Contact contact) {
        if (contact == null || !oneOf(METHODS, contact.method())) {
            throw WaymarkException.invalid("method must be one of " + METHODS);
        }
        if (!oneOf(CONTACT_OUTCOMES, contact.outcome())) {
            throw WaymarkException.invalid("outcome must be one of " + CONTACT_OUTCOMES);
        }
        String detail = VisibleReferrals.text(contact.detail(), "detail", 2000, false);
        Instant now = clock.instant();
        Instant when = contact.contactedAt() == null ? now : contact.contactedAt();
        if (when.isAfter(now.plusSeconds(300))) {
            throw WaymarkException.invalid("A contact attempt cannot be in the future");
        }
        Contact stored = new Contact(RowIds.next(), contact.method(), contact.outcome(), detail, when, caller.id(), now);
        Referral referral = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.requireWorkable(c, caller, referralId);
            PlausibleDates.requireContactTime(when, r.created());
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_contact_attempt (id, referral_id, contact_method, outcome, detail, "
                    + "contacted_at, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?)")) {
                s.setString(1, stored.id());
                s.setString(2, r.id());
                s.setString(3, stored.method());
                s.setString(4, stored.outcome());
                s.setString(5, stored.detail());
                s.setTimestamp(6, Timestamp.from(stored.contactedAt()));
                s.setString(7, stored.recordedBy());
                s.setTimestamp(8, Timestamp.from(now));
                s.executeUpdate();
            }
            return r;
        });
        audit.record(caller, AuditLog.Action.CREATE, "Contact", referral.id() + "/contact/" + stored.id(), referral.patientId());
        return stored;
    }

    public List<Contact> contacts(Caller caller, String referralId) {
        return read(caller, referralId, "Contact", "SELECT id, contact_method, outcome, detail, contacted_at, recorded_by, recorded_at "
                + "FROM wm_contact_attempt WHERE referral_id = ? ORDER BY contacted_at DESC, recorded_at DESC",
                r -> new Contact(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getTimestamp(5).toInstant(),
                        r.getString(6), r.getTimestamp(7).toInstant()));
    }

    public Note addNote(Caller caller, String referralId, String text) {
        String clean = VisibleReferrals.text(text, "text", 8000, true);
        Instant now = clock.instant();
        Note stored = new Note(RowIds.next(), clean, caller.id(), now);
        Referral referral = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.requireWorkable(c, caller, referralId);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_case_note (id, referral_id, text, recorded_by, recorded_at) VALUES (?,?,?,?,?)")) {
                s.setString(1, stored.id());
                s.setString(2, r.id());
                s.setString(3, clean);
                s.setString(4, caller.id());
                s.setTimestamp(5, Timestamp.from(now));
                s.executeUpdate();
            }
            return r;
        });
        audit.record(caller, AuditLog.Action.CREATE, "Note", referral.id() + "/note/" + stored.id(), referral.patientId());
        return stored;
    }

    public List<Note> notes(Caller caller, String referralId) {
        return read(caller, referralId, "Note", "SELECT id, text, recorded_by, recorded_at FROM wm_case_note WHERE referral_id = ? "
                + "ORDER BY recorded_at DESC", r -> new Note(r.getString(1), r.getString(2), r.getString(3), r.getTimestamp(4).toInstant()));
    }

    public Appointment addAppointment(Caller caller, String referralId, Appointment appointment) {
        if (appointment == null || appointment.startsAt() == null) {
            throw WaymarkException.invalid("startsAt is required");
        }
        String status = appointment.status() == null ? "booked" : appointment.status();
        if (!APPOINTMENT_STATUSES.contains(status)) {
            throw WaymarkException.invalid("status must be one of " + APPOINTMENT_STATUSES);
        }
        Instant now = clock.instant();
        // Found probing: an appointment on 9999-12-31 was booked; a date that far ahead is a slip of the keyboard.
        if (appointment.startsAt().isAfter(now.atZone(ZoneOffset.UTC).plusYears(1).toInstant())) {
            throw WaymarkException.invalid("An appointment can be booked up to a year ahead");
        }
        requireHappened(status, appointment.startsAt(), now);
        Appointment stored = new Appointment(RowIds.next(), appointment.startsAt(),
                VisibleReferrals.text(appointment.place(), "place", 300, false),
                VisibleReferrals.text(appointment.purpose(), "purpose", 500, false), status, caller.id(), now);
        Referral referral = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.requireWorkable(c, caller, referralId);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_case_appointment (id, referral_id, starts_at, place, purpose, "
                    + "status, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?)")) {
                s.setString(1, stored.id());
                s.setString(2, r.id());
                s.setTimestamp(3, Timestamp.from(stored.startsAt()));
                s.setString(4, stored.place());
                s.setString(5, stored.purpose());
                s.setString(6, status);
                s.setString(7, caller.id());
                s.setTimestamp(8, Timestamp.from(now));
                s.executeUpdate();
            }
            return r;
        });
        audit.record(caller, AuditLog.Action.CREATE, "Appointment", referral.id() + "/appointment/" + stored.id(), referral.patientId());
        return stored;
    }

    /** Marks an appointment attended, missed or cancelled. */
    public Appointment updateAppointment(Caller caller, String referralId, String appointmentId, String status) {
        if (!oneOf(APPOINTMENT_STATUSES, status)) {
            throw WaymarkException.invalid("status must be one of " + APPOINTMENT_STATUSES);
        }
        Instant now = clock.instant();
        Referral referral = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.requireWorkable(c, caller, referralId);
            List<Instant> startsAt = query(c, "SELECT starts_at FROM wm_case_appointment WHERE id = ? AND referral_id = ?",
                    List.of(appointmentId, r.id()), row -> row.getTimestamp(1).toInstant());
            if (startsAt.isEmpty()) {
                throw WaymarkException.notFound("No such appointment on this referral");
            }
            requireHappened(status, startsAt.get(0), now);
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_case_appointment SET status = ? WHERE id = ? AND referral_id = ?")) {
                s.setString(1, status);
                s.setString(2, appointmentId);
                s.setString(3, r.id());
                if (s.executeUpdate() == 0) {
                    throw WaymarkException.notFound("No such appointment on this referral");
                }
            }
            return r;
        });
        audit.record(caller, AuditLog.Action.UPDATE, "Appointment", referral.id() + "/appointment/" + appointmentId + " " + status,
                referral.patientId());
        return appointments(caller, referralId).stream().filter(a -> a.id().equals(appointmentId)).findFirst().orElseThrow();
    }

    /**
     * Attended and missed say what happened, so they wait for the appointment's time (found probing: an appointment
     * booked for next year could be marked attended at once, and counted as such).
     */
    private static void requireHappened(String status, Instant startsAt, Instant now) {
        if (("attended".equals(status) || "missed".equals(status)) && startsAt.isAfter(now.plus(APPOINTMENT_EARLY))) {
            throw WaymarkException.conflict("An appointment that has not started yet cannot be " + status);
        }
    }

    public List<Appointment> appointments(Caller caller, String referralId) {
        return read(caller, referralId, "Appointment", "SELECT id, starts_at, place, purpose, status, recorded_by, recorded_at "
                + "FROM wm_case_appointment WHERE referral_id = ? ORDER BY starts_at",
                r -> new Appointment(r.getString(1), r.getTimestamp(2).toInstant(), r.getString(3), r.getString(4),
                        r.getString(5), r.getString(6), r.getTimestamp(7).toInstant()));
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private <T> List<T> read(Caller caller, String referralId, String type, String sql, RowMapper<T> mapper) {
        record Rows<T>(Referral referral, List<T> items) {
        }
        Rows<T> rows = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.require(c, caller, referralId);
            return new Rows<>(r, query(c, sql, r.id(), mapper));
        });
        audit.record(caller, AuditLog.Action.READ, type, rows.referral().id(), rows.referral().patientId());
        return rows.items();
    }

    /** The parameter marks of an {@code IN (...)} list of {@code count} values. */
    public static String parameterMarks(int count) {
        return "?,".repeat(count - 1) + "?";
    }

    static <T> List<T> query(Connection c, String sql, String parameter, RowMapper<T> mapper) throws SQLException {
        return query(c, sql, List.of(parameter), mapper);
    }

    static <T> List<T> query(Connection c, String sql, List<?> parameters, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                s.setObject(i + 1, parameters.get(i));
            }
            List<T> items = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    items.add(mapper.map(r));
                }
            }
            return items;
        }
    }

    /** Whether a value is one of a fixed set; a missing value is none of them (Set.of answers null with an exception). */
    private static boolean oneOf(Set<String> allowed, String value) {
        return value != null && allowed.contains(value);
    }
}
