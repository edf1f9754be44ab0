package org.waymark.api.plugin;

/**
 * A service contributed by a plugin (or by the core through the same SPI), as the registry hands it out.
 *
 * @param pluginId the contributing bundle's symbolic name
 * @param area     the area it applies to, or null for all areas
 */
public record PluginService<S>(S service, String pluginId, String area) {

    /** Whether this service applies to referrals of the given area. */
    public boolean appliesTo(String referralArea) {
        return area == null || area.equals(referralArea);
    }
}
