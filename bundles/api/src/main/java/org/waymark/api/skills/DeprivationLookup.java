package org.waymark.api.skills;

import java.util.OptionalInt;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns a postcode into a deprivation decile (1 = most deprived tenth of the country), as an area's own lookup gives it
 * (e.g. the English Index of Multiple Deprivation through the ONS Postcode Directory). Registered by a plugin, usually
 * with {@code waymark.area}; reports group people by decile only where an area supplies one. Called through the
 * plugin guard, so it should answer from memory.
 */
@ConsumerType
@FunctionalInterface
public interface DeprivationLookup {

    /** The decile (1 to 10) for the postcode, or empty when the lookup does not know it. */
    OptionalInt decile(String postcode);
}
