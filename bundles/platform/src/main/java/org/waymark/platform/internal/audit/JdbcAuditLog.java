package org.waymark.platform.internal.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.AuditTrail;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/** The audit trail, append-only in the wm_audit table, and read back by person. */
@Component(service = {AuditLog.class, AuditTrail.class})
public final class JdbcAuditLog implements AuditLog, AuditTrail {
    static final int MAX_ENTRIES = 1000;

    private final DataSource db;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public JdbcAuditLog(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                        @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this.db = db;
    }

    @Override
    public void record(Caller caller, Action action, String resourceType, String resourceId, String patientId) {
        Jdbc.inTransaction(db, c -> insert(c, caller, action, resourceType, resourceId, patientId));
    }

    @Override
    public void record(Connection transaction, Caller caller, Action action, String resourceType, String resourceId,
                       String patientId) {
        try {
            insert(transaction, caller, action, resourceType, resourceId, patientId);
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }

    private int insert(Connection c, Caller caller, Action action, String resourceType, String resourceId, String patientId)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO wm_audit (occurred_at, actor, actor_kind, action_type, resource_type, resource_id, patient_id) VALUES (?,?,?,?,?,?,?)")) {
            s.setTimestamp(1, Timestamp.from(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
            s.setString(2, truncate(caller.id(), 128));
            s.setString(3, caller.kind().name());
            s.setString(4, action.name());
            s.setString(5, resourceType);
            s.setString(6, truncate(resourceId, 200));
            s.setString(7, patientId);
            return s.executeUpdate();
        }
    }

    @Override
    public List<Entry> forPatient(String patientId, Set<Action> actions, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, occurred_at, actor, action_type, resource_type, resource_id FROM wm_audit"
                + " WHERE patient_id = ?");
        if (!actions.isEmpty()) {
            sql.append(" AND action_type IN (").append("?,".repeat(actions.size() - 1)).append("?)");
        }
        sql.append(" ORDER BY id DESC FETCH FIRST ? ROWS ONLY");
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int index = 1;
                s.setString(index++, patientId);
                for (Action action : actions) {
                    s.setString(index++, action.name());
                }
                s.setInt(index, Math.max(1, Math.min(limit, MAX_ENTRIES)));
                List<Entry> entries = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        entries.add(new Entry(r.getLong(1), r.getTimestamp(2).toInstant(), r.getString(3),
                                Action.valueOf(r.getString(4)), r.getString(5), r.getString(6)));
                    }
                }
                return entries;
            }
        });
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
