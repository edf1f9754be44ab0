package org.waymark.platform.internal.plugins;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.plugin.PluginRegistry;

/**
 * The services a plugin's components declare (their DS descriptions), whether or not they are registered now. An
 * unapproved plugin's components that need its tables are not registered until its migrations have run after the
 * approval, so the registered services alone left them out of what the admin was asked to approve.
 */
final class DeclaredServices {
    /**
     * One component that offers services.
     *
     * @param component  the component's name (by default its class)
     * @param interfaces the service interfaces it declares
     * @param properties its declared service properties
     * @param waitingFor what keeps it from starting now, or empty: {@code tables}, {@code configuration}, another
     *                   service's interface name, {@code activation failed} or {@code disabled}
     * @param needsTables it references the plugin's {@link SchemaReady}: it starts only once its migrations ran
     */
    record Declared(String component, List<String> interfaces, Map<String, Object> properties, Optional<String> waitingFor,
                    boolean needsTables) {
        String area() {
            Object area = properties.get(PluginRegistry.AREA);
            return area == null || area.toString().isBlank() ? null : area.toString();
        }
    }

    static final String TABLES = "tables";

    private final ServiceComponentRuntime scr;

    DeclaredServices(ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    /** The bundle's components that offer services; empty where it has none (or registers them by hand). */
    List<Declared> of(Bundle bundle) {
        List<Declared> declared = new ArrayList<>();
        if (scr == null) {
            return declared;
        }
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            if (description.serviceInterfaces == null || description.serviceInterfaces.length == 0) {
                continue;
            }
            boolean needsTables = description.references != null && Arrays.stream(description.references)
                    .anyMatch(DeclaredServices::isSchemaReady);
            declared.add(new Declared(description.name, List.of(description.serviceInterfaces),
                    description.properties == null ? Map.of() : description.properties,
                    waitingFor(description, scr.isComponentEnabled(description), scr.getComponentConfigurationDTOs(description)),
                    needsTables));
        }
        return declared;
    }

    static Optional<String> waitingFor(ComponentDescriptionDTO description, boolean enabled,
                                       java.util.Collection<ComponentConfigurationDTO> configurations) {
        if (!enabled) {
            return Optional.of("disabled");
        }
        if (configurations.isEmpty()) {
            // An enabled component without configurations waits for the configuration its policy requires.
            return Optional.of("configuration");
        }
        for (ComponentConfigurationDTO configuration : configurations) {
            if (configuration.state == ComponentConfigurationDTO.ACTIVE || configuration.state == ComponentConfigurationDTO.SATISFIED) {
                return Optional.empty();
            }
        }
        ComponentConfigurationDTO first = configurations.iterator().next();
        if (first.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
            return Optional.of("activation failed");
        }
        if (first.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
            return Optional.of("configuration");
        }
        if (first.unsatisfiedReferences != null) {
            for (UnsatisfiedReferenceDTO unsatisfied : first.unsatisfiedReferences) {
                Optional<ReferenceDTO> reference = description.references == null ? Optional.empty()
                        : Arrays.stream(description.references).filter(r -> r.name.equals(unsatisfied.name)).findFirst();
                if (reference.isPresent()) {
                    return Optional.of(isSchemaReady(reference.get()) ? TABLES : reference.get().interfaceName);
                }
            }
        }
        return Optional.of("a service it needs");
    }

    private static boolean isSchemaReady(ReferenceDTO reference) {
        return SchemaReady.class.getName().equals(reference.interfaceName);
    }
}
