package org.waymark.console.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

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

    /**
     * A panel as the console places it; {@code area} null: every area. {@code script}: where its script is, with the
     * version of the plugin in the address, so that a browser never runs an earlier version's script after an upgrade.
     */
    public record Panel(String id, String title, String element, String placement, String area, String plugin, String script) {
    }

    /** A panel's script and the version of it (see {@link #version}). */
    public record Script(String text, String version) {
    }

    private final PluginRegistry plugins;
    private final Function<Object, String> versions;

    @Activate
    public ConsolePanels(@Reference PluginRegistry plugins) {
        this(plugins, ConsolePanels::bundleVersion);
    }

    /** @param versions the version of the plugin a panel service comes from (see {@link #bundleVersion}) */
    ConsolePanels(PluginRegistry plugins, Function<Object, String> versions) {
        this.plugins = plugins;
        this.versions = versions;
    }

    /**
     * The plugin bundle's version and when it was installed or updated: a plugin rebuilt under the same version (a
     * snapshot) and dropped in again is another script too.
     */
    static String bundleVersion(Object service) {
        Bundle bundle = FrameworkUtil.getBundle(service.getClass());
        return bundle == null ? "0" : bundle.getVersion() + "-" + Long.toString(bundle.getLastModified(), 36);
    }

    /** The address of a panel's script, with the version of it: another version, another address. */
    static String scriptAddress(String id, String version) {
        return "/console/panels/" + id + ".js?v=" + URLEncoder.encode(version, StandardCharsets.UTF_8);
    }

    /** The panels of the given areas (a panel without an area shows everywhere). */
    public List<Panel> panels(java.util.Set<String> areas) {
        List<Panel> panels = new ArrayList<>();
        for (PluginService<ConsolePanel> panel : plugins.services(ConsolePanel.class, null)) {
            if (panel.area() != null && !areas.contains(panel.area())) {
                continue;
            }
            try {
                String version = versions.apply(panel.service());
                Panel described = plugins.call(panel, TIME_LIMIT, p -> new Panel(p.id(), p.title(), p.element(),
                        p.placement().name().toLowerCase(java.util.Locale.ROOT), panel.area(), panel.pluginId(),
                        p.id() == null ? null : scriptAddress(p.id(), version)));
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
    public Optional<Script> script(String id) {
        for (PluginService<ConsolePanel> panel : plugins.services(ConsolePanel.class, null)) {
            try {
                String script = plugins.call(panel, TIME_LIMIT, p -> id.equals(p.id()) ? p.script() : null);
                if (script != null) {
                    return Optional.of(new Script(script, versions.apply(panel.service())));
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
