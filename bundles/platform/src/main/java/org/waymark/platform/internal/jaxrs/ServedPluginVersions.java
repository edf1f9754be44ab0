package org.waymark.platform.internal.jaxrs;

import java.util.Collection;
import java.util.function.Supplier;
import org.osgi.framework.ServiceReference;
import org.waymark.platform.internal.plugins.PluginApprovals;

/**
 * Which installed version of a plugin the JAX-RS applications serve. Two versions of a plugin installed side by side
 * (an upgrade dropped beside the last one) have the same paths, and Jersey serves a path once: only the version the
 * approvals call current is served (see {@link PluginApprovals#current}), and an approval can move the paths from one
 * version to the other.
 */
final class ServedPluginVersions {
    /** Optional: while the database is away there are no approvals, and every version counts as current. */
    private final Supplier<PluginApprovals> approvals;

    ServedPluginVersions(Supplier<PluginApprovals> approvals) {
        this.approvals = approvals;
    }

    /** The core's own services, and those of bundles gone meanwhile, are never a plugin's version. */
    static boolean isCore(ServiceReference<?> reference) {
        return reference.getBundle() == null || !PluginApprovals.isPlugin(reference.getBundle());
    }

    /** Not a plugin version another installed version of it stands in for: they would serve the same paths. */
    boolean current(ServiceReference<?> reference) {
        PluginApprovals current = approvals.get();
        return current == null || current.current(reference.getBundle());
    }

    /** Whether an approval may have moved paths between versions of a plugin some of these services come from. */
    boolean anyWithOtherVersions(Collection<? extends ServiceReference<?>> references) {
        PluginApprovals current = approvals.get();
        return current != null && references.stream().anyMatch(r -> !isCore(r) && current.hasOtherVersions(r.getBundle()));
    }
}
