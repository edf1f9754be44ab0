package org.waymark.referrals.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;

/** A plugin registry holding the services a test lists, calling them directly and wrapping what they throw as the guard does. */
final class ListedPlugins implements PluginRegistry {
    private final List<PluginService<?>> services = new ArrayList<>();

    <S> ListedPlugins with(S service, String pluginId, String area) {
        services.add(new PluginService<>(service, pluginId, area));
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> List<PluginService<S>> services(Class<S> type, String area) {
        return services.stream().filter(s -> type.isInstance(s.service()) && (area == null || s.appliesTo(area)))
                .map(s -> (PluginService<S>) s).toList();
    }

    @Override
    public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
        try {
            return call.apply(service.service());
        } catch (Exception e) {
            throw new PluginCallException(service.pluginId() + " failed", e, false);
        }
    }
}
