package org.waymark.platform.internal.plugins;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.plugin.PluginApproval;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.DatabaseThreads;
import org.waymark.platform.db.Jdbc;

/**
 * Which plugin versions an admin has approved. Plugins are trusted code (same JVM, personal data within reach), so the
 * core uses a deployed plugin's services only once an admin approved that exact version; every install, removal and
 * approval is audited. Bundles of the Waymark distribution itself are the core, not plugins.
 * <p>
 * What holds a plugin back until its approval (migrations, JAX-RS extensions, web services, data contributors) learns
 * of approvals here ({@link #onApproval}): one check a second of the installed plugins still waiting, for approvals
 * made on another node, instead of a poller per holder.
 */
@Component(service = {PluginApprovals.class, PluginApproval.class})
public final class PluginApprovals implements PluginApproval {
    /** Manifest header a plugin carries ({@code Waymark-Plugin: true}); the archetype and the examples set it. */
    public static final String PLUGIN_HEADER = "Waymark-Plugin";
    /** Set on every bundle of the distribution by the build (the parent POM's bnd instructions). */
    public static final String CORE_HEADER = "Waymark-Core";
    private static final Logger LOG = LoggerFactory.getLogger(PluginApprovals.class);
    /** How long "not approved" is believed before the database is asked again (another node may have approved). */
    private static final long RECHECK_MILLIS = 1000;

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;
    private final BundleContext context;
    private final Map<String, Long> approved = new ConcurrentHashMap<>();
    private final Map<String, Long> refusedAt = new ConcurrentHashMap<>();
    private final SynchronousBundleListener installs = this::installed;
    /**
     * The installed bundles of each plugin that has more than one version installed: a .kar of the next version
     * dropped next to the last (their file names differ) installs beside it, and without this both were used at once,
     * every referral triaged by both, and /api/plugins listed one of them.
     */
    private final Map<String, Set<Bundle>> versions = new ConcurrentHashMap<>();
    private final Set<Runnable> listeners = new CopyOnWriteArraySet<>();
    /** Tells listeners and looks for approvals from elsewhere; reads the database, so stopped without an interrupt. */
    private final ScheduledExecutorService events = DatabaseThreads.scheduler("waymark-plugin-approvals");

    @Activate
    public PluginApprovals(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                           @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema,
                           @Reference AuditLog audit, BundleContext context) {
        this(db, audit, Clock.systemUTC(), context);
    }

    PluginApprovals(DataSource db, AuditLog audit, Clock clock, BundleContext context) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.context = context;
        if (context != null) {
            context.addBundleListener(installs);
            for (Bundle bundle : context.getBundles()) {
                track(bundle, true);
            }
            events.scheduleWithFixedDelay(this::lookForApprovalsFromElsewhere, RECHECK_MILLIS, RECHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Deactivate
    void stop() {
        if (context != null) {
            context.removeBundleListener(installs);
        }
        listeners.clear();
        // A listener may be running a plugin's migrations: it finishes first (see DatabaseThreads).
        DatabaseThreads.stop(events, Duration.ofSeconds(20));
    }

    @Override
    public Registration onApproval(Runnable listener) {
        listeners.add(listener);
        tell(Set.of(listener));
        return () -> listeners.remove(listener);
    }

    /**
     * Only while someone listens, and only for the plugin versions the core was refused for (those it holds something
     * of back) that are still installed: another node's approval reaches this one within a second, at one small query
     * per waiting plugin. Not every bundle the rule calls a plugin: every third-party bundle is one by location, and
     * asking for all of them was 150 queries a second that starved the pool under load (FaultIT) and held up a
     * refresh of the database bundle (FeaturesIT).
     */
    void lookForApprovalsFromElsewhere() {
        if (listeners.isEmpty() || refusedAt.isEmpty()) {
            return;
        }
        try {
            Set<String> installed = new java.util.HashSet<>();
            for (Bundle bundle : context.getBundles()) {
                installed.add(bundle.getSymbolicName() + '@' + bundle.getVersion());
            }
            refusedAt.keySet().retainAll(installed);
            boolean any = false;
            for (String key : Set.copyOf(refusedAt.keySet())) {
                int at = key.lastIndexOf('@');
                if (approved(key.substring(0, at), key.substring(at + 1))) {
                    any = true;
                }
            }
            if (any) {
                listeners.forEach(PluginApprovals::run);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not look for plugin approvals: {}", e.toString());
        }
    }

    private void tell(Set<Runnable> whom) {
        try {
            events.execute(() -> whom.stream().filter(listeners::contains).forEach(PluginApprovals::run));
        } catch (RejectedExecutionException stopping) {
            // Stopping: what waits for an approval is stopping too.
        }
    }

    private static void run(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.warn("A plugin approval listener failed: {}", e.toString());
        }
    }

    /**
     * A deployed plugin rather than a bundle of the distribution: it carries the plugin header, came from elsewhere,
     * or lacks the core's mark. The Maven group alone said "core" for a .kar built under org.waymark without the
     * plugin header: it was used unapproved and never listed in /api/plugins.
     */
    public static boolean isPlugin(Bundle bundle) {
        // The raw headers (locale ""): the marker is never localised, and localising the headers on every call cost
        // intake time.
        java.util.Dictionary<String, String> headers = bundle.getHeaders("");
        return headers.get(PLUGIN_HEADER) != null || headers.get(CORE_HEADER) == null
                || !bundle.getLocation().startsWith("mvn:org.waymark/");
    }

    @Override
    public boolean usable(Bundle bundle) {
        return bundle == null || !isPlugin(bundle)
                || (approved(bundle.getSymbolicName(), bundle.getVersion().toString()) && supersededBy(bundle).isEmpty());
    }

    /**
     * The later approved version of the same plugin installed beside this one, which the core uses instead: one
     * version of a plugin is in use at a time, and an upgrade takes over once the admin approves it.
     */
    public Optional<Bundle> supersededBy(Bundle bundle) {
        Set<Bundle> installed = bundle == null || bundle.getSymbolicName() == null ? null : versions.get(bundle.getSymbolicName());
        if (installed == null || installed.size() < 2) {
            return Optional.empty();
        }
        return installed.stream().filter(other -> other.getBundleId() != bundle.getBundleId()
                        && other.getState() != Bundle.UNINSTALLED && other.getVersion().compareTo(bundle.getVersion()) > 0
                        && approved(other.getSymbolicName(), other.getVersion().toString()))
                .max(java.util.Comparator.comparing(Bundle::getVersion));
    }

    /**
     * Whether the core offers this bundle's routes: every bundle but a plugin version that another installed version
     * stands in for (a later approved one, or while this one waits for approval, an approved one). Two versions of a
     * plugin serve the same paths, and Jersey serves a path once.
     */
    public boolean current(Bundle bundle) {
        if (bundle == null || !isPlugin(bundle) || !hasOtherVersions(bundle)) {
            return true;
        }
        if (approved(bundle.getSymbolicName(), bundle.getVersion().toString())) {
            return supersededBy(bundle).isEmpty();
        }
        return versions.getOrDefault(bundle.getSymbolicName(), Set.of()).stream().noneMatch(other ->
                other.getBundleId() != bundle.getBundleId() && other.getState() != Bundle.UNINSTALLED
                        && approved(other.getSymbolicName(), other.getVersion().toString()));
    }

    /** Whether another version of this plugin is installed beside it. */
    public boolean hasOtherVersions(Bundle bundle) {
        Set<Bundle> installed = bundle == null || bundle.getSymbolicName() == null ? null : versions.get(bundle.getSymbolicName());
        return installed != null && installed.size() > 1;
    }

    private void track(Bundle bundle, boolean installed) {
        String name = bundle.getSymbolicName();
        if (name == null || !isPlugin(bundle)) {
            return;
        }
        if (installed) {
            versions.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(bundle);
        } else {
            versions.computeIfPresent(name, (n, set) -> {
                set.removeIf(b -> b.getBundleId() == bundle.getBundleId());
                return set.isEmpty() ? null : set;
            });
        }
    }

    public boolean approved(String pluginId, String version) {
        String key = pluginId + '@' + version;
        if (approved.containsKey(key)) {
            return true;
        }
        long now = clock.millis();
        Long refused = refusedAt.get(key);
        if (refused != null && now - refused < RECHECK_MILLIS) {
            return false;
        }
        boolean found = approvedInDatabase(pluginId, version);
        if (found) {
            approved.put(key, now);
            refusedAt.remove(key);
        } else {
            refusedAt.put(key, now);
        }
        return found;
    }

    private boolean approvedInDatabase(String pluginId, String version) {
        try (Connection c = db.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT 1 FROM wm_plugin_approval WHERE plugin_id = ? AND plugin_version = ?")) {
            select.setString(1, pluginId);
            select.setString(2, version);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            // Without the database nobody can tell: the plugin stays out of use until it answers again.
            LOG.warn("Could not read plugin approvals: {}", e.getMessage());
            return false;
        }
    }

    /** Who approved this version and when, if anyone. */
    public Optional<String> approvedBy(String pluginId, String version) {
        try (Connection c = db.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT approved_by FROM wm_plugin_approval WHERE plugin_id = ? AND plugin_version = ?")) {
            select.setString(1, pluginId);
            select.setString(2, version);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }

    /** Approves a plugin version (again is harmless) and audits who did. */
    public void approve(Caller admin, String pluginId, String version) {
        if (!pluginId.matches("[A-Za-z0-9._-]{1,200}") || !version.matches("[A-Za-z0-9._-]{1,100}")) {
            throw org.waymark.api.error.WaymarkException.invalid("A plugin id and version are letters, digits, dots, hyphens and underscores");
        }
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement exists = c.prepareStatement(
                    "SELECT 1 FROM wm_plugin_approval WHERE plugin_id = ? AND plugin_version = ?")) {
                exists.setString(1, pluginId);
                exists.setString(2, version);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return null;
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO wm_plugin_approval (plugin_id, plugin_version, approved_by, approved_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, pluginId);
                insert.setString(2, version);
                insert.setString(3, admin.id());
                insert.setTimestamp(4, Timestamp.from(clock.instant()));
                insert.executeUpdate();
            }
            audit.record(c, admin, AuditLog.Action.ADMIN, "Plugin", "approve " + pluginId + " " + version, null);
            return null;
        });
        refusedAt.remove(pluginId + '@' + version);
        LOG.info("Plugin {} {} approved by {}", pluginId, version, admin.id());
        tell(listeners);
    }

    private void installed(BundleEvent event) {
        if (event.getType() == BundleEvent.INSTALLED || event.getType() == BundleEvent.UNINSTALLED) {
            track(event.getBundle(), event.getType() == BundleEvent.INSTALLED);
        }
        audited(event);
    }

    private void audited(BundleEvent event) {
        Bundle bundle = event.getBundle();
        String what = switch (event.getType()) {
            case BundleEvent.INSTALLED -> "install";
            case BundleEvent.UPDATED -> "update";
            case BundleEvent.UNINSTALLED -> "uninstall";
            default -> null;
        };
        if (what == null || !isPlugin(bundle) || bundle.getSymbolicName() == null) {
            return;
        }
        try {
            audit.record(Caller.system("deploy"), AuditLog.Action.ADMIN, "Plugin",
                    what + " " + bundle.getSymbolicName() + " " + bundle.getVersion(), null);
        } catch (RuntimeException e) {
            // The install itself happened; a database that is away for a moment must not stop Karaf's deployer.
            LOG.warn("Could not audit the {} of plugin {}: {}", what, bundle.getSymbolicName(), e.getMessage());
        }
    }
}
