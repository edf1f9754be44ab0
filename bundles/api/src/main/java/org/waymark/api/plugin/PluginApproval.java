package org.waymark.api.plugin;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.framework.Bundle;

/**
 * Whether the core may use what a bundle offers. Plugins are trusted code in the same JVM, with personal data within
 * reach, so the core takes a deployed plugin's services, migrations, extensions, commands and data contributors only
 * once an admin has approved that exact version; Waymark's own bundles are always usable. Anything in the core that
 * holds something of a plugin back asks here, so that there is one rule and one record of approvals.
 */
@ProviderType
public interface PluginApproval {

    /**
     * Whether the core may use this bundle's contributions now.
     *
     * @param bundle the contributing bundle; null (registered without one: the core's own code, tests) is usable
     */
    boolean usable(Bundle bundle);

    /**
     * Calls {@code listener} soon after it is added (a plugin may have been approved while the caller was looking) and
     * then after every approval: at once for one made on this node, within about a second for one made on another
     * node of the same database. Calls come one at a time from a thread that reads the database, never from the
     * approving request; a listener looks again at what it holds back. Close the returned registration to stop.
     */
    Registration onApproval(Runnable listener);

    /** A listener's registration; closing it twice is harmless. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
