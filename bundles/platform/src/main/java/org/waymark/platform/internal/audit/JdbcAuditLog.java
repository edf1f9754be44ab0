package org.waymark.platform.internal.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/** The audit trail, append-only in the wm_audit table. */
@Component(service = AuditLog.class)
public final class JdbcAuditLog implements AuditLog {
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
            s.setTimestamp(1, Timestamp.from(clock.instant()));
            s.setString(2, truncate(caller.id(), 128));
            s.setString(3, caller.kind().name());
            s.setString(4, action.name());
            s.setString(5, resourceType);
            s.setString(6, truncate(resourceId, 200));
            s.setString(7, patientId);
            return s.executeUpdate();
        }
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
