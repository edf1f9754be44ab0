package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.waymark.api.plugin.PluginApproval;
import org.waymark.api.security.Caller;
import org.waymark.platform.internal.audit.JdbcAuditLog;
import org.waymark.platform.testing.FakeBundles;
import org.waymark.platform.testing.TestDatabase;

class PluginApprovalsTest {
    private static final Caller ADMIN = new Caller("admin", Caller.Kind.USER, Set.of("admin"), Set.of("sheffield"), false);
    private final Bundle core = FakeBundles.bundle("org.waymark.directory", "mvn:org.waymark/directory/0.1.0", FakeBundles.CORE);
    private final Bundle example = FakeBundles.bundle("org.waymark.pathfinder-sheffield",
            "mvn:org.waymark/pathfinder-sheffield/0.1.0", Map.of(PluginApprovals.PLUGIN_HEADER, "true"));
    private final Bundle deployed = FakeBundles.bundle("org.example.grabber", "file:/data/deploy/grabber.jar", Map.of());
    /** A plugin by the rule (not from the distribution) that never offered the core anything to hold back. */
    private final Bundle thirdParty = FakeBundles.bundle("com.fasterxml.jackson.core.jackson-core", "mvn:com.fasterxml.jackson.core/jackson-core/2.17.2", Map.of());
    private final AtomicInteger connections = new AtomicInteger();
    private DataSource db;
    private PluginApprovals approvals;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.migrated("db/platform.xml");
        DataSource counted = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        connections.incrementAndGet();
                    }
                    return method.invoke(db, args);
                });
        approvals = new PluginApprovals(counted, new JdbcAuditLog(db, null), Clock.systemUTC(),
                context(List.of(core, example, deployed, thirdParty)));
    }

    @AfterEach
    void stop() {
        approvals.stop();
    }

    @Test
    void aBundleOfTheWaymarkGroupBuiltElsewhereIsAPluginNotTheCore() {
        // A .kar built under groupId org.waymark gets mvn:org.waymark/ locations, but not the build's core mark.
        Bundle lookalike = FakeBundles.bundle("org.waymark.leeds", "mvn:org.waymark/leeds/1.0.0", Map.of());

        assertThat(PluginApprovals.isPlugin(lookalike)).isTrue();
        assertThat(PluginApprovals.isPlugin(core)).isFalse();
        assertThat(PluginApprovals.isPlugin(example)).as("the example plugins carry both marks").isTrue();
    }

    @Test
    void theCoreIsUsableAndAPluginOnceItsVersionIsApproved() {
        assertThat(approvals.usable(null)).as("registered by the core's own code").isTrue();
        assertThat(approvals.usable(core)).isTrue();
        assertThat(approvals.usable(example)).as("an example plugin shipped with the distribution is a plugin too").isFalse();
        assertThat(approvals.usable(deployed)).isFalse();

        approvals.approve(ADMIN, "org.example.grabber", "1.0.0");
        assertThat(approvals.usable(deployed)).isTrue();
        assertThat(approvals.usable(example)).isFalse();
    }

    @Test
    void ofTwoVersionsOfAPluginInstalledSideBySideOnlyOneIsUsedAndAnApprovedUpgradeTakesOver() {
        Bundle last = FakeBundles.bundle("org.example.leeds", "file:/data/deploy/leeds-1.0.0.kar", Map.of(), "1.0.0");
        Bundle next = FakeBundles.bundle("org.example.leeds", "file:/data/deploy/leeds-1.1.0.kar", Map.of(), "1.1.0");
        approvals.stop();
        approvals = new PluginApprovals(db, new JdbcAuditLog(db, null), Clock.systemUTC(), context(List.of(core, last, next)));
        approvals.approve(ADMIN, "org.example.leeds", "1.0.0");

        // The upgrade waits for its approval; the last version goes on working, and keeps its routes meanwhile.
        assertThat(approvals.usable(last)).isTrue();
        assertThat(approvals.usable(next)).isFalse();
        assertThat(approvals.current(last)).isTrue();
        assertThat(approvals.current(next)).as("its routes would clash with those in use").isFalse();

        approvals.approve(ADMIN, "org.example.leeds", "1.1.0");
        assertThat(approvals.usable(next)).isTrue();
        assertThat(approvals.usable(last)).as("never both: each referral would be triaged twice").isFalse();
        assertThat(approvals.supersededBy(last)).contains(next);
        assertThat(approvals.current(next)).isTrue();
        assertThat(approvals.current(last)).isFalse();
        assertThat(approvals.current(core)).isTrue();
    }

    @Test
    void listenersHearOnceAtFirstAndThenOfEachApprovalHere() throws Exception {
        Semaphore calls = new Semaphore(0);
        PluginApproval.Registration registration = approvals.onApproval(calls::release);
        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("told once at first").isTrue();

        approvals.approve(ADMIN, "org.example.grabber", "1.0.0");
        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("told of the approval").isTrue();

        registration.close();
        approvals.approve(ADMIN, "org.waymark.pathfinder-sheffield", "1.0.0");
        approvals.onApproval(() -> { }).close(); // queued behind any call to the closed listener
        assertThat(calls.tryAcquire(2, TimeUnit.SECONDS)).as("not told once closed").isFalse();
    }

    @Test
    void listenersHearOfAnApprovalMadeOnAnotherNode() throws Exception {
        Semaphore calls = new Semaphore(0);
        approvals.onApproval(calls::release);
        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(approvals.usable(deployed)).isFalse();

        // Another node shares the database: its approval is a row this node did not write.
        try (Connection c = db.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO wm_plugin_approval (plugin_id, plugin_version, approved_by, approved_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, "org.example.grabber");
            insert.setString(2, "1.0.0");
            insert.setString(3, "admin-on-node-2");
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("told within the recheck").isTrue();
        assertThat(approvals.usable(deployed)).isTrue();
    }

    @Test
    void onlyThePluginsTheCoreWasRefusedForAreLookedForNotEveryBundleFromElsewhere() {
        // Found in CI: looking for every bundle not from the distribution (every third-party one) was 150 queries a
        // second, which starved the pool under load and held up a refresh of the database bundle.
        approvals.onApproval(() -> { });
        connections.set(0);
        approvals.lookForApprovalsFromElsewhere();
        assertThat(connections.get()).as("nothing held back: nothing to ask (the plugin held back: the test below)").isZero();
    }

    private static BundleContext context(List<Bundle> bundles) {
        return (BundleContext) Proxy.newProxyInstance(PluginApprovalsTest.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundles" -> bundles.toArray(new Bundle[0]);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
