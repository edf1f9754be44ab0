package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import org.junit.jupiter.api.Test;
import org.waymark.platform.internal.plugins.PluginApprovals;
import org.osgi.framework.Bundle;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

class JaxRsReadinessTest {

    /** A core bundle, resolved but not active; when uninstalled, Felix uninstalls it after it was listed. */
    private static Bundle coreBundle(boolean uninstalledWhileLooking) {
        Dictionary<String, String> headers = new Hashtable<>();
        headers.put("Service-Component", "OSGI-INF/a.xml");
        headers.put(PluginApprovals.CORE_HEADER, "true");
        BundleStartLevel startLevel = (BundleStartLevel) Proxy.newProxyInstance(JaxRsReadinessTest.class.getClassLoader(),
                new Class<?>[] {BundleStartLevel.class}, (proxy, method, args) -> {
                    if (uninstalledWhileLooking) {
                        // What Felix really throws (seen in FeatureMixIT when a feature mix uninstalled a bundle).
                        throw new IllegalArgumentException("Bundle is uninstalled.");
                    }
                    return true;
                });
        return (Bundle) Proxy.newProxyInstance(JaxRsReadinessTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> "org.waymark.directory";
                    case "getHeaders" -> headers;
                    case "adapt" -> startLevel;
                    case "getLocation" -> "mvn:org.waymark/directory/0.1.0";
                    case "getState" -> uninstalledWhileLooking ? Bundle.UNINSTALLED : Bundle.RESOLVED;
                    case "getBundleId" -> 42L;
                    case "hashCode" -> 42;
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private final ServiceComponentRuntime noScr = (ServiceComponentRuntime) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ServiceComponentRuntime.class}, (proxy, method, args) -> {
                throw new AssertionError("SCR is not asked about a bundle that is not active");
            });

    @Test
    void aCoreBundleMeantToStartIsSeenAsSuch() {
        var view = JaxRsReadiness.viewOf(coreBundle(false), noScr, new java.util.HashSet<>());

        assertThat(view).isNotNull();
        assertThat(view.meantToStart()).isTrue();
        assertThat(view.declaredComponents()).isEqualTo(1);
    }

    @Test
    void aBundleUninstalledWhileHealthLooksAtItIsLeftOutInsteadOfFailingTheRequest() {
        assertThat(JaxRsReadiness.viewOf(coreBundle(true), noScr, new java.util.HashSet<>())).isNull();
    }

    @Test
    void aBundleOutsideWaymarkIsNotLookedAt() {
        Bundle other = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("getSymbolicName") ? "org.apache.felix.scr" : null);

        assertThat(JaxRsReadiness.viewOf(other, null, new java.util.HashSet<>())).isNull();
    }

    private static ComponentDescriptionDTO resource(String policy, boolean defaultEnabled) {
        ComponentDescriptionDTO description = new ComponentDescriptionDTO();
        description.name = "ServiceEditResource";
        description.properties = java.util.Map.of("osgi.jaxrs.resource", "true");
        description.configurationPolicy = policy;
        description.defaultEnabled = defaultEnabled;
        return description;
    }

    private static java.util.List<ComponentConfigurationDTO> inState(int state) {
        ComponentConfigurationDTO configuration = new ComponentConfigurationDTO();
        configuration.state = state;
        return java.util.List.of(configuration);
    }

    @Test
    void aResourceScrHasNotReachedYetIsComingAndNotReady() {
        // The directory bundle active, SCR still loading its catalogue for an earlier component: this one is neither
        // enabled nor configured yet (FeatureMixIT saw UP here, then 503 when it came).
        var view = JaxRsReadiness.componentOf(resource("optional", true), false, false, java.util.List.of());

        assertThat(view.expected()).isTrue();
        assertThat(view.satisfied()).isFalse();
        assertThat(JaxRsReadiness.unserved(java.util.List.of(new JaxRsReadiness.BundleView(7, "org.waymark.directory",
                Bundle.ACTIVE, true, 1, java.util.List.of(view))), false, java.util.Set.of()))
                .containsExactly("org.waymark.directory/ServiceEditResource not satisfied yet");
    }

    @Test
    void aResourceThatNeedsAConfigurationOrIsOffByDefaultIsNotExpectedWithoutOne() {
        assertThat(JaxRsReadiness.componentOf(resource("require", true), true, false, java.util.List.of()).expected())
                .isFalse();
        assertThat(JaxRsReadiness.componentOf(resource("optional", false), false, false, java.util.List.of()).expected())
                .isFalse();
    }

    @Test
    void aConfiguredResourceIsExpectedAndSatisfiedByItsState() {
        var waiting = JaxRsReadiness.componentOf(resource("optional", true), true, false,
                inState(ComponentConfigurationDTO.UNSATISFIED_REFERENCE));
        var active = JaxRsReadiness.componentOf(resource("optional", true), true, false, inState(ComponentConfigurationDTO.ACTIVE));

        assertThat(waiting.expected()).isTrue();
        assertThat(waiting.satisfied()).isFalse();
        assertThat(active.satisfied()).isTrue();
        assertThat(active.resource()).isTrue();
    }

    @Test
    void theClimbEndsAtTheLevelKarafWasConfiguredWithNotAtItsLockLevel() {
        // Karaf: system property = config.properties' beginning level, framework property = karaf.lock.level.
        assertThat(JaxRsReadiness.beginningStartLevel("100", "1")).isEqualTo(100);
        assertThat(JaxRsReadiness.beginningStartLevel(null, "80")).isEqualTo(80);
        assertThat(JaxRsReadiness.beginningStartLevel(" x", null)).isEqualTo(1);
        assertThat(JaxRsReadiness.beginningStartLevel(null, null)).isEqualTo(1);
    }

    @Test
    void aCoreBundleWaitingForItsStartLevelIsComingOnlyWhileTheNodeClimbs() {
        JaxRsReadiness.BundleView waiting = new JaxRsReadiness.BundleView(42, "org.waymark.directory", Bundle.RESOLVED,
                true, 1, java.util.List.of());
        assertThat(JaxRsReadiness.unserved(java.util.List.of(waiting), true, java.util.Set.of()))
                .containsExactly("org.waymark.directory not started yet");
        assertThat(JaxRsReadiness.unserved(java.util.List.of(waiting), false, java.util.Set.of())).isEmpty();
    }

    @Test
    void aResourceSwitchedOffAfterItWasEnabledIsNotComing() {
        var switchedOff = JaxRsReadiness.componentOf(resource("optional", true), false, true, java.util.List.of());

        assertThat(switchedOff.expected()).isFalse();
        assertThat(JaxRsReadiness.unserved(java.util.List.of(new JaxRsReadiness.BundleView(7, "org.waymark.directory",
                Bundle.ACTIVE, true, 1, java.util.List.of(switchedOff))), false, java.util.Set.of())).isEmpty();
    }
}
