package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.waymark.api.db.SchemaReady;
import org.waymark.platform.testing.MutableClock;

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

    /**
     * Found in a CI run: SCR reads a started plugin's description files one after another, and a listing taken meanwhile
     * offered the admin a plugin to approve with three of its five services.
     */
    @Test
    void aPluginIsWholeOnlyOnceSCRHasReadEveryDescriptionItNames() {
        Bundle plugin = bundleWith("OSGI-INF/a.xml, OSGI-INF/b.xml,OSGI-INF/c.xml", List.of("OSGI-INF/a.xml", "OSGI-INF/b.xml",
                "OSGI-INF/c.xml"));
        List<ComponentDescriptionDTO> read = new java.util.ArrayList<>(List.of(description("org.example.A")));
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
        DeclaredServices declared = new DeclaredServices(scr(read), clock);

        DeclaredServices.Components reading = declared.of(plugin);
        assertThat(reading.allRead()).isFalse();
        assertThat(reading.unread()).as("still reading").isFalse();
        assertThat(reading.offering()).hasSize(1);

        read.add(description("org.example.B"));
        read.add(description("org.example.C"));
        DeclaredServices.Components whole = declared.of(plugin);
        assertThat(whole.allRead()).isTrue();
        assertThat(whole.offering()).hasSize(3);
    }

    @Test
    void descriptionsStillUnreadLongAfterTheStartCouldNotBeRead() {
        Bundle plugin = bundleWith("OSGI-INF/*.xml", List.of("OSGI-INF/a.xml", "OSGI-INF/broken.xml"));
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:00:00Z"));
        DeclaredServices declared = new DeclaredServices(scr(List.of(description("org.example.A"))), clock);

        assertThat(declared.of(plugin).unread()).isFalse();
        clock.advance(DeclaredServices.UNREADABLE_AFTER.minusSeconds(1));
        assertThat(declared.of(plugin).unread()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        DeclaredServices.Components unread = declared.of(plugin);
        assertThat(unread.unread()).isTrue();
        assertThat(unread.read()).isEqualTo(1);
        assertThat(unread.named()).as("the wildcard matched in its folder").isEqualTo(2);
    }

    @Test
    void aBundleWithoutDescriptionsOrWithFilesItDoesNotHoldIsWhole() {
        assertThat(DeclaredServices.descriptionFiles(bundleWith(null, List.of()))).isZero();
        assertThat(DeclaredServices.descriptionFiles(bundleWith("OSGI-INF/gone.xml", List.of()))).as("SCR skips it too").isZero();
        assertThat(new DeclaredServices(scr(List.of()), Clock.systemUTC()).of(bundleWith(null, List.of())).allRead()).isTrue();
    }

    /** An active bundle holding these entries, with this Service-Component header. */
    private static Bundle bundleWith(String serviceComponent, List<String> entries) {
        Hashtable<String, String> headers = new Hashtable<>();
        if (serviceComponent != null) {
            headers.put("Service-Component", serviceComponent);
        }
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> 7L;
                    case "getState" -> Bundle.ACTIVE;
                    case "getHeaders" -> headers;
                    case "getEntry" -> entries.contains((String) args[0]) ? new URL("file:/" + args[0]) : null;
                    case "findEntries" -> {
                        String folder = ((String) args[0]).replaceAll("^/|/$", "");
                        java.util.regex.Pattern name = java.util.regex.Pattern.compile(((String) args[1]).replace(".", "\\.")
                                .replace("*", ".*"));
                        List<URL> found = new java.util.ArrayList<>();
                        for (String entry : entries) {
                            if (entry.startsWith(folder + "/") && name.matcher(entry.substring(folder.length() + 1)).matches()) {
                                found.add(new URL("file:/" + entry));
                            }
                        }
                        yield found.isEmpty() ? null : Collections.enumeration(found);
                    }
                    default -> null;
                });
    }

    /** SCR holding these descriptions for any bundle, each enabled and active. */
    private static ServiceComponentRuntime scr(List<ComponentDescriptionDTO> descriptions) {
        return (ServiceComponentRuntime) Proxy.newProxyInstance(ServiceComponentRuntime.class.getClassLoader(),
                new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getComponentDescriptionDTOs" -> List.copyOf(descriptions);
                    case "isComponentEnabled" -> true;
                    case "getComponentConfigurationDTOs" -> List.of(configuration(ComponentConfigurationDTO.ACTIVE));
                    default -> throw new AssertionError("not modelled: " + method.getName());
                });
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
