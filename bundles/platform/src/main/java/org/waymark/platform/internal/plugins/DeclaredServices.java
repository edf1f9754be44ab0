package org.waymark.platform.internal.plugins;

import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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

    private static final String SERVICE_COMPONENT = "Service-Component";

    /**
     * What SCR has read of a bundle's components.
     *
     * @param offering its components that offer services; empty where it has none (or registers them by hand)
     * @param read     how many component descriptions SCR holds for it
     * @param named    how many description files its {@code Service-Component} header names (each describes one or more)
     * @param unread   SCR holds fewer descriptions than that, and has for {@link #UNREADABLE_AFTER}: it could not read
     *                 some (SCR logged why); false while SCR reads them, one file after another, after the bundle started
     */
    record Components(List<Declared> offering, int read, int named, boolean unread) {
        /** Every description is read, so {@link #offering} is whole (a listing taken meanwhile named only some). */
        boolean allRead() {
            return read >= named;
        }
    }

    /** SCR reads a bundle's descriptions within milliseconds of its start; longer means one could not be read. */
    static final Duration UNREADABLE_AFTER = Duration.ofSeconds(30);

    private final ServiceComponentRuntime scr;
    private final Clock clock;
    /** Bundles whose descriptions SCR had not all read when last listed, and since when. */
    private final Map<Long, Instant> incompleteSince = new ConcurrentHashMap<>();

    DeclaredServices(ServiceComponentRuntime scr, Clock clock) {
        this.scr = scr;
        this.clock = clock;
    }

    Components of(Bundle bundle) {
        List<Declared> declared = new ArrayList<>();
        if (scr == null) {
            return new Components(declared, 0, 0, false);
        }
        ComponentDescriptionDTO[] descriptions = scr.getComponentDescriptionDTOs(bundle).toArray(ComponentDescriptionDTO[]::new);
        for (ComponentDescriptionDTO description : descriptions) {
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
        int named = bundle.getState() == Bundle.ACTIVE ? descriptionFiles(bundle) : 0;
        boolean unread = false;
        if (descriptions.length < named) {
            Instant since = incompleteSince.computeIfAbsent(bundle.getBundleId(), id -> clock.instant());
            unread = !clock.instant().isBefore(since.plus(UNREADABLE_AFTER));
        } else {
            incompleteSince.remove(bundle.getBundleId());
        }
        return new Components(declared, descriptions.length, named, unread);
    }

    /** Forgets the bundles that are gone (an uninstalled plugin's descriptions are never read). */
    void keepOnly(java.util.Collection<Long> bundleIds) {
        incompleteSince.keySet().retainAll(bundleIds);
    }

    /**
     * How many component description files the bundle's {@code Service-Component} header names, read as SCR reads it: a
     * {@code *} in the file name is matched in that folder.
     */
    static int descriptionFiles(Bundle bundle) {
        String header = bundle.getHeaders("").get(SERVICE_COMPONENT);
        if (header == null || header.isBlank()) {
            return 0;
        }
        int files = 0;
        for (String clause : header.split(",")) {
            String location = clause.split(";")[0].trim();
            if (location.isEmpty()) {
                continue;
            }
            int slash = location.lastIndexOf('/');
            String folder = slash <= 0 ? "/" : location.substring(0, slash);
            String name = location.substring(slash + 1);
            if (name.contains("*")) {
                Enumeration<URL> found = bundle.findEntries(folder, name, false);
                files += found == null ? 0 : Collections.list(found).size();
            } else if (bundle.getEntry(location) != null) {
                files++;
            }
        }
        return files;
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
