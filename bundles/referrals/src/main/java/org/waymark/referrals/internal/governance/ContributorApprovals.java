package org.waymark.referrals.internal.governance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.osgi.framework.Bundle;

/**
 * Which {@code PersonalDataContributor}s the subject access export, retention and merges may call. They are bound
 * directly, not through the platform's plugin registry, and are handed the transaction and the person's id. Found
 * probing: a plugin dropped into deploy/ and never approved (nor listed by /api/plugins) was called by every export
 * with its transaction, and by throwing made every subject access request answer 503. Waymark's own bundles are
 * always called; a plugin's contributor once an admin has approved that version of the plugin (it holds no tables
 * before: its migrations wait for the approval too).
 */
final class ContributorApprovals {
    /** The manifest header of a plugin, as the platform reads it ({@code PluginApprovals.PLUGIN_HEADER}). */
    static final String PLUGIN_HEADER = "Waymark-Plugin";

    private final Predicate<Bundle> approved;

    ContributorApprovals(Predicate<Bundle> approved) {
        this.approved = approved;
    }

    /** The approvals as the platform records them, read from its table. */
    static ContributorApprovals of(DataSource db) {
        return new ContributorApprovals(bundle -> approvedInDatabase(db, bundle));
    }

    /** Whether a contributor of this bundle may be called; null: registered without a bundle (tests, the core). */
    boolean callable(Bundle bundle) {
        return bundle == null || !isPlugin(bundle) || approved.test(bundle);
    }

    /** The platform's rule: a plugin carries the header or was installed from elsewhere than the distribution. */
    static boolean isPlugin(Bundle bundle) {
        return bundle.getHeaders("").get(PLUGIN_HEADER) != null || !bundle.getLocation().startsWith("mvn:org.waymark/");
    }

    private static boolean approvedInDatabase(DataSource db, Bundle bundle) {
        try (Connection c = db.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT 1 FROM wm_plugin_approval WHERE plugin_id = ? AND plugin_version = ?")) {
            select.setString(1, bundle.getSymbolicName());
            select.setString(2, bundle.getVersion().toString());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            // Unknown: the contributor is left out, as the plugin's other services are while the database is away.
            return false;
        }
    }
}
