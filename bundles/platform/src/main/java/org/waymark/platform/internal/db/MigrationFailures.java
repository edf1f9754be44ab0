package org.waymark.platform.internal.db;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Component;

/**
 * Bundles whose migrations failed, and why, for as long as they are installed: their components that need their tables
 * never start, and an admin looking at /api/plugins must see that rather than "active" (found probing a plugin whose
 * {@code Waymark-Migrations} header named a changelog it did not carry: the log said so, the plugin list did not).
 */
@Component(service = MigrationFailures.class)
public final class MigrationFailures {
    private final Map<Long, String> failures = new ConcurrentHashMap<>();

    void failed(Bundle bundle, String why) {
        failures.put(bundle.getBundleId(), why);
    }

    void forget(Bundle bundle) {
        failures.remove(bundle.getBundleId());
    }

    /** Why this bundle's migrations failed, if they did. */
    public Optional<String> of(Bundle bundle) {
        return Optional.ofNullable(failures.get(bundle.getBundleId()));
    }
}
