package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.waymark.platform.internal.plugins.PluginApprovals;
import org.waymark.platform.testing.FakeBundles;

/** The plugin-version filtering the JAX-RS host used to do itself: who counts as the core, and without approvals. */
class ServedPluginVersionsTest {
    private final Bundle core = FakeBundles.bundle("org.waymark.directory", "mvn:org.waymark/directory/0.1.0", FakeBundles.CORE);
    private final Bundle plugin = FakeBundles.bundle("org.example.leeds", "file:/data/deploy/leeds-1.0.0.kar",
            Map.of(PluginApprovals.PLUGIN_HEADER, "true"));

    @Test
    void theCoreAndAServiceWhoseBundleWentAreNotAPluginsVersion() {
        assertThat(ServedPluginVersions.isCore(reference(core))).isTrue();
        assertThat(ServedPluginVersions.isCore(reference(null))).isTrue();
        assertThat(ServedPluginVersions.isCore(reference(plugin))).isFalse();
    }

    @Test
    void withoutApprovalsEveryVersionIsCurrentAndNoneMovesPaths() {
        ServedPluginVersions versions = new ServedPluginVersions(() -> null);

        assertThat(versions.current(reference(plugin))).isTrue();
        assertThat(versions.anyWithOtherVersions(List.of(reference(plugin), reference(core)))).isFalse();
    }

    private static ServiceReference<?> reference(Bundle bundle) {
        return (ServiceReference<?>) Proxy.newProxyInstance(ServedPluginVersionsTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
