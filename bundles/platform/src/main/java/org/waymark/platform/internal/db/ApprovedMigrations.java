package org.waymark.platform.internal.db;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;

/**
 * Runs a bundle's migrations only once the core may use the bundle: at once for the core's own bundles, for a
 * deployed plugin only after an admin approved its version. A changelog is arbitrary SQL against every table of the
 * deployment; run at deploy time, an unapproved plugin could approve itself ({@code wm_plugin_approval}, with no
 * audit entry), copy people's records into its own tables or rewrite the audit trail before anyone looked at it.
 * A plugin waiting for approval has no {@link SchemaReady}, so its components that need their tables wait too.
 */
final class ApprovedMigrations {
    private static final Logger LOG = LoggerFactory.getLogger(ApprovedMigrations.class);

    private final Predicate<Bundle> usable;
    private final Function<Bundle, ServiceRegistration<SchemaReady>> migrate;
    private final Set<Tracked> waiting = ConcurrentHashMap.newKeySet();

    /**
     * @param usable  whether the core may use the bundle now (its approval, for a plugin)
     * @param migrate runs the bundle's migrations and registers its {@link SchemaReady}; null when they failed
     */
    ApprovedMigrations(Predicate<Bundle> usable, Function<Bundle, ServiceRegistration<SchemaReady>> migrate) {
        this.usable = usable;
        this.migrate = migrate;
    }

    /** A started bundle with a changelog: migrated now, or kept waiting for its approval. */
    Tracked add(Bundle bundle) {
        Tracked tracked = new Tracked(bundle);
        if (usable.test(bundle)) {
            tracked.migrate();
        } else {
            waiting.add(tracked);
            LOG.info("Plugin {} {} awaits approval: its migrations run once an admin approves it",
                    bundle.getSymbolicName(), bundle.getVersion());
            recheck(); // approved in the meantime
        }
        return tracked;
    }

    /** Migrates the waiting plugins approved since (here, on another node or from the command line). */
    void recheck() {
        for (Tracked tracked : waiting) {
            if (usable.test(tracked.bundle) && waiting.remove(tracked)) {
                tracked.migrate();
            }
        }
    }

    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    void remove(Tracked tracked) {
        waiting.remove(tracked);
        tracked.unregister();
    }

    /** One bundle's state: its {@link SchemaReady} once migrated. */
    final class Tracked {
        private final Bundle bundle;
        private ServiceRegistration<SchemaReady> registration;
        private boolean removed;

        Tracked(Bundle bundle) {
            this.bundle = bundle;
        }

        synchronized void migrate() {
            if (!removed && registration == null) {
                registration = migrate.apply(bundle);
            }
        }

        synchronized void unregister() {
            removed = true;
            if (registration != null) {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework is shutting down
                }
                registration = null;
            }
        }

        synchronized boolean migrated() {
            return registration != null;
        }
    }
}
