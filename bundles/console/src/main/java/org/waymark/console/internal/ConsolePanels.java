package org.waymark.console.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.console.ConsolePanel;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;

/** The panels plugins add to the console, asked for afresh each time: plugins come and go without a restart. */
@Component(service = ConsolePanels.class)
public final class ConsolePanels {
    static final Duration TIME_LIMIT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(ConsolePanels.class);

    /** A panel as the console places it; {@code area} null: every area. */
    public record Panel(String id, String title, String element, String placement, String area, String plugin) {
    }

    private final PluginRegistry plugins;

    @Activate
    public ConsolePanels(@Reference PluginRegistry plugins) {
        this.plugins = plugins;
    }

    /** The panels of the given areas (a panel without an area shows everywhere). */
    public List<Panel> panels(java.util.Set<String> areas) {
        List<Panel> panels = new ArrayList<>();
        for (PluginService<ConsolePanel> panel : plugins.services(ConsolePanel.class, null)) {
            if (panel.area() != null && !areas.contains(panel.area())) {
                continue;
            }
            try {
                Panel described = plugins.call(panel, TIME_LIMIT, p -> new Panel(p.id(), p.title(), p.element(),
                        p.placement().name().toLowerCase(java.util.Locale.ROOT), panel.area(), panel.pluginId()));
                if (valid(described)) {
                    panels.add(described);
                } else {
                    LOG.warn("Console panel of {} left out: its id or element name is not usable", panel.pluginId());
                }
            } catch (PluginCallException e) {
                LOG.warn("Console panel of {} left out: {}", panel.pluginId(), e.timedOut() ? "timed out" : String.valueOf(e.getCause()));
            }
        }
        return panels;
    }

    /** The panel's script, if a plugin in use offers a panel with this id. */
    public Optional<String> script(String id) {
        for (PluginService<ConsolePanel> panel : plugins.services(ConsolePanel.class, null)) {
            try {
                String script = plugins.call(panel, TIME_LIMIT, p -> id.equals(p.id()) ? p.script() : null);
                if (script != null) {
                    return Optional.of(script);
                }
            } catch (PluginCallException e) {
                LOG.warn("Console panel of {} failed: {}", panel.pluginId(), e.timedOut() ? "timed out" : String.valueOf(e.getCause()));
            }
        }
        return Optional.empty();
    }

    /** The console puts ids into paths and element names into the page: only safe shapes get there. */
    static boolean valid(Panel panel) {
        return panel.id() != null && panel.id().matches("[a-z0-9-]{1,64}") && panel.element() != null
                && panel.element().matches("[a-z][a-z0-9]*-[a-z0-9-]{1,60}") && panel.title() != null && !panel.title().isBlank();
    }
}
