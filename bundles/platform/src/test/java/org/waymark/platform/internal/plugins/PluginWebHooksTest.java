package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.waymark.platform.testing.FakeBundles;

class PluginWebHooksTest {
    private final Set<String> approved = new HashSet<>();
    private final PluginWebHooks.WebVisibility visibility =
            new PluginWebHooks.WebVisibility(b -> approved.contains(b.getSymbolicName()));
    private final Bundle whiteboard = bundle("org.ops4j.pax.web.pax-web-extender-whiteboard", "mvn:org.ops4j.pax.web/x/8");
    private final Bundle platform = bundle("org.waymark.platform", "mvn:org.waymark/platform/0.1.0");
    private final Bundle plugin = bundle("org.example.sniffer", "file:/data/deploy/sniffer.jar");

    @Test
    void anUnapprovedPluginsServletFilterIsHiddenFromTheWebServerUntilApproved() {
        // Found probing: such a filter on /* read every client secret at /oauth2/token before anyone approved it.
        ServiceReference<?> filter = reference(plugin, Map.of(Constants.OBJECTCLASS, new String[] {"javax.servlet.Filter"},
                "osgi.http.whiteboard.filter.pattern", "/*"));
        assertThat(visibility.hidden(filter, whiteboard)).isTrue();
        assertThat(visibility.hidden(filter, plugin)).as("its own bundle sees it").isFalse();
        assertThat(visibility.hidden(filter, platform)).as("Waymark lists it as awaiting approval").isFalse();
        assertThat(visibility.approvedSince()).isEmpty();

        approved.add("org.example.sniffer");
        assertThat(visibility.approvedSince()).as("restarted once, to be seen").containsExactly(plugin);
        assertThat(visibility.approvedSince()).isEmpty();
        assertThat(visibility.hidden(filter, whiteboard)).isFalse();
    }

    @Test
    void onlyWebServicesOfPluginsAreHidden() {
        ServiceReference<?> triage = reference(plugin, Map.of(Constants.OBJECTCLASS, new String[] {"org.waymark.api.triage.TriageRule"}));
        assertThat(visibility.hidden(triage, whiteboard)).isFalse();
        ServiceReference<?> servlet = reference(plugin, Map.of(Constants.OBJECTCLASS, new String[] {"javax.servlet.Servlet"}));
        assertThat(visibility.hidden(servlet, whiteboard)).as("by type, without the whiteboard properties").isTrue();
        ServiceReference<?> coreServlet = reference(platform, Map.of(Constants.OBJECTCLASS, new String[] {"javax.servlet.Servlet"},
                "osgi.http.whiteboard.servlet.pattern", "/api/*"));
        assertThat(visibility.hidden(coreServlet, whiteboard)).isFalse();
    }

    private static ServiceReference<?> reference(Bundle bundle, Map<String, Object> properties) {
        return (ServiceReference<?>) Proxy.newProxyInstance(PluginWebHooksTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getPropertyKeys" -> properties.keySet().toArray(new String[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private static Bundle bundle(String name, String location) {
        return FakeBundles.bundle(name, location, FakeBundles.CORE);
    }
}
