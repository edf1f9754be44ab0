package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.waymark.api.db.SchemaReady;

/**
 * Found probing: before approval, /api/plugins left out a plugin's services that wait for its own tables (they are
 * not registered until its migrations ran), so the admin approved more than they were shown.
 */
class DeclaredServicesTest {
    @Test
    void aComponentWaitingForThePluginsTablesSaysSo() {
        ComponentDescriptionDTO letters = description("org.example.LetterChannel", reference("schema", SchemaReady.class.getName()),
                reference("db", "javax.sql.DataSource"));

        assertThat(DeclaredServices.waitingFor(letters, true, List.of(configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE, "schema"))))
                .contains(DeclaredServices.TABLES);
        assertThat(DeclaredServices.waitingFor(letters, true, List.of(configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE, "db"))))
                .contains("javax.sql.DataSource");
    }

    @Test
    void aStartedComponentWaitsForNothing() {
        ComponentDescriptionDTO rule = description("org.example.Rule");

        assertThat(DeclaredServices.waitingFor(rule, true, List.of(configuration(ComponentConfigurationDTO.SATISFIED)))).isEmpty();
        assertThat(DeclaredServices.waitingFor(rule, true, List.of(configuration(ComponentConfigurationDTO.ACTIVE)))).isEmpty();
        assertThat(DeclaredServices.waitingFor(rule, true, List.of(configuration(ComponentConfigurationDTO.FAILED_ACTIVATION))))
                .contains("activation failed");
        assertThat(DeclaredServices.waitingFor(rule, true, List.of())).as("a required configuration missing").contains("configuration");
        assertThat(DeclaredServices.waitingFor(rule, false, List.of())).contains("disabled");
    }

    @Test
    void theDeclaredAreaIsTheServicePropertys() {
        DeclaredServices.Declared declared = new DeclaredServices.Declared("x", List.of("a.B"), Map.of("waymark.area", "leeds"),
                java.util.Optional.empty(), false);
        assertThat(declared.area()).isEqualTo("leeds");
    }

    private static ComponentDescriptionDTO description(String name, ReferenceDTO... references) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = name;
        description.serviceInterfaces = new String[] {"org.waymark.api.notify.NotificationChannel"};
        description.references = references;
        description.properties = Map.of();
        return description;
    }

    private static ReferenceDTO reference(String name, String interfaceName) {
        ReferenceDTO reference = new ReferenceDTO();
        reference.name = name;
        reference.interfaceName = interfaceName;
        return reference;
    }

    private static ComponentConfigurationDTO configuration(int state, String... unsatisfied) {
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        configuration.unsatisfiedReferences = java.util.Arrays.stream(unsatisfied).map(n -> {
            UnsatisfiedReferenceDTO dto = new UnsatisfiedReferenceDTO();
            dto.name = n;
            return dto;
        }).toArray(UnsatisfiedReferenceDTO[]::new);
        return configuration;
    }
}
