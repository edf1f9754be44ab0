package org.waymark.referrals.internal;

import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.pathway.Pathway;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;

/** The pathway an area's plugin defines, as the referral page shows it; none where no plugin gives one. */
@Component(service = ReferralPathways.class)
public final class ReferralPathways {
    static final Duration TIME_LIMIT = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(ReferralPathways.class);

    /**
     * @param followUps   when follow-ups fall after the plan is agreed, as ISO-8601 periods ({@code P14D})
     * @param contactOrder contact methods to try first, in order
     */
    public record View(String id, String title, String plugin, List<Pathway.Step> steps, List<String> followUps,
                       List<String> contactOrder, boolean easyRead) {
    }

    private final PluginRegistry plugins;

    @Activate
    public ReferralPathways(@Reference PluginRegistry plugins) {
        this.plugins = plugins;
    }

    public Optional<View> forArea(String area) {
        for (PluginService<Pathway> pathway : plugins.services(Pathway.class, area)) {
            try {
                return Optional.of(plugins.call(pathway, TIME_LIMIT, p -> new View(p.id(), p.title(), pathway.pluginId(),
                        List.copyOf(p.steps()), p.followUps().stream().map(Period::toString).toList(),
                        List.copyOf(p.contactOrder()), p.easyRead())));
            } catch (PluginCallException e) {
                // The next pathway of the area (or none) applies; the guard has counted the failure.
                LOG.warn("Pathway of {} failed: {}", pathway.pluginId(), e.timedOut() ? "timed out" : String.valueOf(e.getCause()));
            }
        }
        return Optional.empty();
    }
}
