package org.waymark.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.waymark.api.console.ConsolePanel;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;

/**
 * Found probing: after a plugin's upgrade was approved, the console kept running the earlier version's panel script:
 * the script's address was the same for every version, so the page that had loaded it (and the browser) kept it.
 */
class ConsolePanelsTest {
    /** The installed panel, as the registry hands it out: swapped for an upgrade. */
    private final AtomicReference<ConsolePanel> installed = new AtomicReference<>(panel("letters v1"));
    private final Map<ConsolePanel, String> versions = new java.util.IdentityHashMap<>();
    private final ConsolePanels panels = new ConsolePanels(registry(), versions::get);

    @Test
    void anUpgradedPluginsPanelScriptHasAnotherAddressAndTheNewScript() {
        versions.put(installed.get(), "1.0.0-abc");
        ConsolePanels.Panel before = panels.panels(Set.of("sheffield")).get(0);
        assertThat(before.script()).isEqualTo("/console/panels/sheffield-letters.js?v=1.0.0-abc");
        assertThat(panels.script("sheffield-letters").orElseThrow()).isEqualTo(new ConsolePanels.Script("letters v1", "1.0.0-abc"));

        installed.set(panel("letters v2"));
        versions.put(installed.get(), "1.1.0-abd");

        ConsolePanels.Panel after = panels.panels(Set.of("sheffield")).get(0);
        assertThat(after.script()).isNotEqualTo(before.script()).isEqualTo("/console/panels/sheffield-letters.js?v=1.1.0-abd");
        assertThat(panels.script("sheffield-letters").orElseThrow().text()).isEqualTo("letters v2");
    }

    @Test
    void onlyTheAddressOfTheVersionServedMayBeKeptByTheBrowser() {
        assertThat(PanelScriptServlet.cacheControl("1.1.0-abd", "1.1.0-abd")).contains("max-age");
        assertThat(PanelScriptServlet.cacheControl("1.0.0-abc", "1.1.0-abd")).as("an earlier version's address").isEqualTo("no-store");
        assertThat(PanelScriptServlet.cacheControl(null, "1.1.0-abd")).as("no version asked").isEqualTo("no-store");
    }

    @Test
    void theVersionOfAPanelOutsideAnyBundleIsStillAnAddress() {
        assertThat(ConsolePanels.bundleVersion(new Object())).isEqualTo("0");
        assertThat(ConsolePanels.scriptAddress("a-b", "1.0.0+x y")).isEqualTo("/console/panels/a-b.js?v=1.0.0%2Bx+y");
    }

    private PluginRegistry registry() {
        return new PluginRegistry() {
            @Override
            @SuppressWarnings("unchecked")
            public <S> List<PluginService<S>> services(Class<S> type, String area) {
                List<PluginService<S>> services = new ArrayList<>();
                services.add(new PluginService<>((S) installed.get(), "org.waymark.pathfinder-sheffield", "sheffield"));
                return services;
            }

            @Override
            public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
                try {
                    return call.apply(service.service());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
    }

    private static ConsolePanel panel(String script) {
        return new ConsolePanel() {
            @Override
            public String id() {
                return "sheffield-letters";
            }

            @Override
            public String title() {
                return "Letters posted";
            }

            @Override
            public String element() {
                return "sheffield-letters";
            }

            @Override
            public Placement placement() {
                return Placement.REFERRAL;
            }

            @Override
            public String script() {
                return script;
            }
        };
    }
}
