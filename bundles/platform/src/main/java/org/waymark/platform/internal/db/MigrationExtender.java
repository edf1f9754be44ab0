package org.waymark.platform.internal.db;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import javax.sql.DataSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.platform.internal.BundlesStarted;

/**
 * The extender that gives every bundle its own tables: a bundle names its Liquibase changelog in the
 * {@value #HEADER} manifest header, and its migrations run when it starts, before any of its components that
 * reference {@link SchemaReady} for it. A plugin hot-deployed into a running server brings its tables the same way.
 */
@Component(immediate = true)
public final class MigrationExtender {
    static final String HEADER = "Waymark-Migrations";
    private static final Logger LOG = LoggerFactory.getLogger(MigrationExtender.class);

    /** Liquibase finds its executors and commands only once its activator has run (see {@link BundlesStarted}). */
    static final List<String> LIQUIBASE_BUNDLES = List.of("org.liquibase.core");

    private final LiquibaseMigrator migrator;
    private final BundleTracker<ServiceRegistration<SchemaReady>> tracker;
    private final BundlesStarted liquibase;

    @Activate
    public MigrationExtender(BundleContext context, @Reference(target = "(dataSourceName=waymark)") DataSource dataSource) {
        this.migrator = new LiquibaseMigrator(dataSource);
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, new Customizer(context));
        this.liquibase = BundlesStarted.whenStarted(context, LIQUIBASE_BUNDLES, "running migrations", this::start);
    }

    private void start() {
        migrator.releaseStaleLock();
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        liquibase.close(); // returns once a start running in Liquibase's starting thread has finished; none follows
        tracker.close();
    }

    private final class Customizer implements BundleTrackerCustomizer<ServiceRegistration<SchemaReady>> {
        private final BundleContext context;

        Customizer(BundleContext context) {
            this.context = context;
        }

        @Override
        public ServiceRegistration<SchemaReady> addingBundle(Bundle bundle, BundleEvent event) {
            String changelog = bundle.getHeaders("").get(HEADER);
            if (changelog == null) {
                return null;
            }
            String name = bundle.getSymbolicName();
            long started = System.nanoTime();
            boolean ran;
            try {
                ran = migrator.migrate(bundle, changelog.strip());
            } catch (RuntimeException e) {
                // No SchemaReady: the bundle's components stay unsatisfied and health reports DOWN.
                LOG.error("Migrations of bundle {} failed; its components will not start", name, e);
                return null;
            }
            LOG.info("Schema of {} is up to date ({} in {} ms)", name, ran ? "migrated" : "unchanged",
                    (System.nanoTime() - started) / 1_000_000);
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(SchemaReady.BUNDLE_PROPERTY, name);
            return context.registerService(SchemaReady.class, () -> name, properties);
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, ServiceRegistration<SchemaReady> registration) {
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, ServiceRegistration<SchemaReady> registration) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is shutting down
            }
        }
    }
}
