package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Requirement;

/** Found probing: a plugin jar importing a package nothing exports was installed, never started, and never listed. */
class UnresolvedBundlesTest {
    private static final String MISSING = "(&(osgi.wiring.package=org.example.missing)(version>=1.0.0)(!(version>=2.0.0)))";
    private static final String PRESENT = "(&(osgi.wiring.package=org.waymark.api.triage)(version>=1.1.0)(!(version>=2.0.0)))";

    @Test
    void anUnresolvedBundleNamesWhatNothingProvides() {
        Bundle bundle = bundle(Bundle.INSTALLED, List.of(requirement(MISSING, Map.of()), requirement(PRESENT, Map.of()),
                requirement("(osgi.wiring.package=org.example.optional)", Map.of("resolution", "optional"))));

        assertThat(UnresolvedBundles.reason(bundle, wiring())).hasValueSatisfying(reason -> assertThat(reason)
                .contains("the package org.example.missing (version 1.0.0 or later, before 2.0.0)")
                .doesNotContain("org.waymark.api.triage", "org.example.optional", "filter"));
    }

    @Test
    void aResolvedBundleHasNoReason() {
        assertThat(UnresolvedBundles.reason(bundle(Bundle.ACTIVE, List.of(requirement(MISSING, Map.of()))), wiring())).isEmpty();
    }

    @Test
    void onlyJarsFromTheDeployFolderCount() {
        assertThat(UnresolvedBundles.deployedJar(bundle(Bundle.INSTALLED, List.of()))).isTrue();
    }

    /** Providers only for what is not org.example's. */
    private static FrameworkWiring wiring() {
        return (FrameworkWiring) Proxy.newProxyInstance(UnresolvedBundlesTest.class.getClassLoader(), new Class<?>[] {FrameworkWiring.class},
                (proxy, method, args) -> method.getName().equals("findProviders")
                        ? (((Requirement) args[0]).getDirectives().get("filter").contains("org.example") ? List.of() : List.of(new Object()))
                        : null);
    }

    private static Requirement requirement(String filter, Map<String, String> more) {
        Map<String, String> directives = new java.util.HashMap<>(more);
        directives.put("filter", filter);
        return (Requirement) Proxy.newProxyInstance(UnresolvedBundlesTest.class.getClassLoader(), new Class<?>[] {Requirement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getDirectives" -> directives;
                    case "getNamespace" -> "osgi.wiring.package";
                    case "getAttributes" -> Map.of();
                    default -> null;
                });
    }

    private static Bundle bundle(int state, List<Requirement> requirements) {
        BundleRevision revision = (BundleRevision) Proxy.newProxyInstance(UnresolvedBundlesTest.class.getClassLoader(),
                new Class<?>[] {BundleRevision.class}, (proxy, method, args) -> method.getName().equals("getRequirements") ? requirements : null);
        return (Bundle) Proxy.newProxyInstance(UnresolvedBundlesTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getState" -> state;
                    case "adapt" -> args[0] == BundleRevision.class ? revision : null;
                    case "getSymbolicName" -> "org.example.leeds";
                    case "getVersion" -> Version.parseVersion("1.0.0");
                    case "getLocation" -> "file:/data/deploy/leeds-1.0.0.jar";
                    default -> null;
                });
    }
}
