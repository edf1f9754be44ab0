package org.waymark.api.plugin;

import java.time.Duration;
import java.util.List;

/**
 * The core's view of plugin services (the whiteboard): services come and go at any time, so callers ask for them
 * each time they need them and never keep them. Every call into a plugin goes through {@link #call}, which applies a
 * time limit, isolates exceptions, counts failures and takes a plugin that keeps failing out of use.
 */
public interface PluginRegistry {

    /** The service property naming the area a plugin service applies to; absent: every area. */
    String AREA = "waymark.area";

    /**
     * The usable services of a type for an area, in service ranking order: those of plugins marked failed are left
     * out.
     *
     * @param area the area concerned: services for other areas are left out; null for every service of the type
     */
    <S> List<PluginService<S>> services(Class<S> type, String area);

    /**
     * Calls a plugin service with a time limit. Exceptions and time-outs are counted against the plugin (enough of
     * them in a row mark it failed) and rethrown as {@link PluginCallException}, whose cause is the plugin's own
     * exception.
     */
    <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException;

    @FunctionalInterface
    interface PluginCall<S, T> {
        T apply(S service) throws Exception;
    }
}
