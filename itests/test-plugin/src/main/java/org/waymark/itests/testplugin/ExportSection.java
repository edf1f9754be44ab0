package org.waymark.itests.testplugin;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.governance.PersonalDataContributor;

/**
 * A section of the subject access export. PathfinderPluginIT checks that the core does not call it (it is handed the
 * export's transaction) while the plugin awaits approval, and does once it is approved.
 */
@Component(service = PersonalDataContributor.class)
public final class ExportSection implements PersonalDataContributor {
    @Override
    public String name() {
        return "test-plugin";
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection transaction, String patientId, Set<String> referralIds) {
        return Map.of("marker", List.of(Map.of("called", true)));
    }

    @Override
    public int erase(Connection transaction, Erasure erasure) {
        return 0;
    }
}
