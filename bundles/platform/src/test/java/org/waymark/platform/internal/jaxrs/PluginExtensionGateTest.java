package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.waymark.platform.testing.FakeBundles;

class PluginExtensionGateTest {
    private final Set<String> approved = new HashSet<>();
    private final PluginExtensionGate gate = new PluginExtensionGate(b -> approved.contains(b.getSymbolicName()));
    private final Bundle core = bundle("org.waymark.platform", "mvn:org.waymark/platform/0.1.0");
    private final Bundle plugin = bundle("org.example.sniffer", "file:/data/deploy/sniffer.jar");

    @Test
    void anUnapprovedPluginsFilterIsLeftOutUntilItIsApproved() {
        // Found probing: such a filter read every /api caller's Authorization header while the plugin awaited approval.
        ServiceReference<?> filter = reference(plugin, Map.of(JaxRsHost.EXTENSION, "true"));
        assertThat(gate.admits(filter)).isFalse();
        assertThat(gate.anyWaiting()).isTrue();
        assertThat(gate.approvedSince()).isEmpty();

        approved.add("org.example.sniffer");
        assertThat(gate.approvedSince()).as("the host reloads its application").containsExactly(filter);
        assertThat(gate.admits(filter)).isTrue();
        assertThat(gate.anyWaiting()).isFalse();
    }

    @Test
    void theCoresExtensionsAndEveryResourceAreAdmitted() {
        assertThat(gate.admits(reference(core, Map.of(JaxRsHost.EXTENSION, "true")))).isTrue();
        assertThat(gate.admits(reference(core, Map.of(JaxRsHost.EXTENSION, true)))).isTrue();
        // A plugin's resources are shut per request by PluginApprovalFeature (404 until approved), not here.
        assertThat(gate.admits(reference(plugin, Map.of(JaxRsHost.RESOURCE, "true")))).isTrue();
        assertThat(gate.anyWaiting()).isFalse();
    }

    @Test
    void aRemovedExtensionIsNoLongerWaitedFor() {
        ServiceReference<?> filter = reference(plugin, Map.of(JaxRsHost.EXTENSION, Boolean.TRUE));
        assertThat(gate.admits(filter)).isFalse();
        gate.forget(filter);
        assertThat(gate.anyWaiting()).isFalse();
    }

    private static ServiceReference<?> reference(Bundle bundle, Map<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(PluginExtensionGateTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "getProperty" -> properties.get((String) args[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "reference of " + bundle.getSymbolicName();
                    default -> null;
                });
    }

    private static Bundle bundle(String name, String location) {
        return FakeBundles.bundle(name, location, FakeBundles.CORE);
    }
}
