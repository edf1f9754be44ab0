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
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.plugin.PluginApproval;
import org.waymark.platform.internal.BundlesStarted;
import org.waymark.platform.internal.plugins.PluginApprovals;

/**
 * The extender that gives every bundle its own tables: a bundle names its Liquibase changelog in the
 * {@value #HEADER} manifest header, and its migrations run when it starts, before any of its components that
 * reference {@link SchemaReady} for it. A plugin hot-deployed into a running server brings its tables the same way,
 * once an admin has approved it ({@link ApprovedMigrations}).
 */
@Component(immediate = true)
public final class MigrationExtender {
    static final String HEADER = "Waymark-Migrations";
    private static final Logger LOG = LoggerFactory.getLogger(MigrationExtender.class);

    /** Liquibase finds its executors and commands only once its activator has run (see {@link BundlesStarted}). */
    static final List<String> LIQUIBASE_BUNDLES = List.of("org.liquibase.core");

    private final LiquibaseMigrator migrator;
    private final BundleTracker<ApprovedMigrations.Tracked> tracker;
    private final BundlesStarted liquibase;
    private final ApprovedMigrations migrations;
    /** Started once Liquibase is: approvals that come before wait for it. */
    private volatile boolean started;
    private volatile PluginApproval.Registration approvalEvents;
    /**
     * Optional and dynamic: the approvals need the platform's own tables, which this extender creates. Until they are
     * there, no plugin counts as approved.
     */
    private volatile PluginApprovals approvals;

    private final MigrationFailures failures;

    @Activate
    public MigrationExtender(BundleContext context, @Reference(target = "(dataSourceName=waymark)") DataSource dataSource,
                             @Reference MigrationFailures failures) {
        this.migrator = new LiquibaseMigrator(dataSource);
        this.failures = failures;
        Customizer customizer = new Customizer(context);
        this.migrations = new ApprovedMigrations(this::usable, customizer::migrate);
        this.tracker = new BundleTracker<>(context, Bundle.STARTING | Bundle.ACTIVE, customizer);
        this.liquibase = BundlesStarted.whenStarted(context, LIQUIBASE_BUNDLES, "running migrations", this::start);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setApprovals(PluginApprovals approvals) {
        this.approvals = approvals;
        this.approvalEvents = approvals.onApproval(this::recheck);
    }

    void unsetApprovals(PluginApprovals gone) {
        if (approvals == gone) {
            approvals = null;
            approvalEvents.close();
        }
    }

    private boolean usable(Bundle bundle) {
        PluginApprovals current = approvals;
        return !PluginApprovals.isPlugin(bundle) || (current != null && current.usable(bundle));
    }

    private void start() {
        migrator.releaseStaleLock();
        tracker.open();
        started = true;
    }

    /** Runs the migrations of waiting plugins approved since (on the approvals' thread, which reads the database). */
    private void recheck() {
        try {
            if (started && migrations.anyWaiting()) {
                migrations.recheck();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not look at the plugins waiting for approval: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        liquibase.close(); // returns once a start running in Liquibase's starting thread has finished; none follows
        started = false;
        tracker.close();
    }

    private final class Customizer implements BundleTrackerCustomizer<ApprovedMigrations.Tracked> {
        private final BundleContext context;

        Customizer(BundleContext context) {
            this.context = context;
        }

        @Override
        public ApprovedMigrations.Tracked addingBundle(Bundle bundle, BundleEvent event) {
            return bundle.getHeaders("").get(HEADER) == null ? null : migrations.add(bundle);
        }

        ServiceRegistration<SchemaReady> migrate(Bundle bundle) {
            String changelog = bundle.getHeaders("").get(HEADER);
            String name = bundle.getSymbolicName();
            long started = System.nanoTime();
            boolean ran;
            try {
                ran = migrator.migrate(bundle, changelog.strip());
            } catch (RuntimeException e) {
                // No SchemaReady: the bundle's components stay unsatisfied and health reports DOWN.
                LOG.error("Migrations of bundle {} failed; its components will not start", name, e);
                failures.failed(bundle, e.getMessage() == null ? e.toString() : e.getMessage());
                return null;
            }
            failures.forget(bundle);
            LOG.info("Schema of {} is up to date ({} in {} ms)", name, ran ? "migrated" : "unchanged",
                    (System.nanoTime() - started) / 1_000_000);
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(SchemaReady.BUNDLE_PROPERTY, name);
            return context.registerService(SchemaReady.class, () -> name, properties);
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, ApprovedMigrations.Tracked tracked) {
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, ApprovedMigrations.Tracked tracked) {
            migrations.remove(tracked);
            failures.forget(bundle);
        }
    }
}
