package org.waymark.platform.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.waymark.api.db.SchemaReady;
import org.waymark.platform.internal.plugins.PluginApprovals;
import org.waymark.platform.testing.FakeBundles;

class ApprovedMigrationsTest {
    private final Set<String> approved = new HashSet<>();
    private final List<String> migrated = new ArrayList<>();
    private final List<String> unregistered = new ArrayList<>();
    private final ApprovedMigrations migrations = new ApprovedMigrations(
            b -> !PluginApprovals.isPlugin(b) || approved.contains(b.getSymbolicName()), this::migrate);

    @Test
    void theCoresBundlesAreMigratedAtOnce() {
        migrations.add(bundle("org.waymark.referrals", "mvn:org.waymark/referrals/0.1.0", false));
        assertThat(migrated).containsExactly("org.waymark.referrals");
        assertThat(migrations.anyWaiting()).isFalse();
    }

    @Test
    void aPluginsChangelogRunsOnlyOnceItIsApproved() {
        // Found probing: a deployed, unapproved plugin's changelog inserted its own row into wm_plugin_approval.
        ApprovedMigrations.Tracked plugin = migrations.add(bundle("org.example.evil", "file:/data/deploy/evil.jar", true));
        assertThat(migrated).as("nothing runs before approval").isEmpty();
        assertThat(plugin.migrated()).isFalse();
        migrations.recheck();
        assertThat(migrated).isEmpty();

        approved.add("org.example.evil");
        migrations.recheck();
        assertThat(migrated).containsExactly("org.example.evil");
        assertThat(plugin.migrated()).as("its SchemaReady is registered").isTrue();
        migrations.recheck();
        assertThat(migrated).as("once").hasSize(1);

        migrations.remove(plugin);
        assertThat(unregistered).containsExactly("org.example.evil");
    }

    @Test
    void aPluginRemovedWhileWaitingIsNeverMigrated() {
        ApprovedMigrations.Tracked plugin = migrations.add(bundle("org.example.gone", "file:/data/deploy/gone.kar", true));
        migrations.remove(plugin);
        approved.add("org.example.gone");
        migrations.recheck();
        assertThat(migrated).isEmpty();
        assertThat(migrations.anyWaiting()).isFalse();
    }

    @SuppressWarnings("unchecked")
    private ServiceRegistration<SchemaReady> migrate(Bundle bundle) {
        migrated.add(bundle.getSymbolicName());
        return (ServiceRegistration<SchemaReady>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("unregister")) {
                        unregistered.add(bundle.getSymbolicName());
                    }
                    return null;
                });
    }

    private static Bundle bundle(String name, String location, boolean plugin) {
        Map<String, String> headers = new HashMap<>(Map.of(MigrationExtender.HEADER, "db/changelog.xml"));
        headers.putAll(FakeBundles.CORE);
        if (plugin) {
            headers.put(PluginApprovals.PLUGIN_HEADER, "true");
        }
        return FakeBundles.bundle(name, location, headers);
    }
}
