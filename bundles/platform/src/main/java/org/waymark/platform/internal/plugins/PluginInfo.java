package org.waymark.platform.internal.plugins;

import java.time.Instant;
import java.util.List;

/**
 * A plugin as an admin sees it.
 *
 * @param id            the bundle's symbolic name
 * @param builtIn       part of the Waymark distribution rather than deployed by an area
 * @param state         {@code active}, {@code failed}, {@code inactive} (bundle not started),
 *                      {@code awaiting-approval} (deployed, not yet approved by an admin: its services are not used) or
 *                      {@code superseded} (a later approved version of it is installed beside it and used instead)
 * @param approvedBy    the admin who approved this version of a deployed plugin; null for built-in services
 * @param contributions what it adds, e.g. {@code NotificationChannel email}
 */
public record PluginInfo(String id, String name, String version, boolean builtIn, String state, String area,
                         List<String> contributions, String approvedBy, long calls, long errors, long timeouts, String lastError,
                         Instant lastErrorAt) {
}
