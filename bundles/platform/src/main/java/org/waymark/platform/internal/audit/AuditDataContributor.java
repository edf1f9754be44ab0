package org.waymark.platform.internal.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.governance.PersonalDataContributor;

/**
 * The audit entries about a person, for the subject access export (who read or changed their record, and when).
 * Retention keeps them: they hold only ids, and removing rows would break the tamper-evident chain.
 */
@Component(service = PersonalDataContributor.class)
public final class AuditDataContributor implements PersonalDataContributor {

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, occurred_at, actor, actor_kind, action_type, resource_type,"
                + " resource_id FROM wm_audit WHERE patient_id = ? ORDER BY id")) {
            s.setString(1, patientId);
            try (ResultSet r = s.executeQuery()) {
                return Map.of("entries", PersonalDataContributor.rows(r));
            }
        }
    }

    @Override
    public int erase(Connection c, Erasure erasure) {
        return 0;
    }
}
