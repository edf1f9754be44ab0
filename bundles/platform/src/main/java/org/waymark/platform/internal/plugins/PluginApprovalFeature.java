package org.waymark.platform.internal.plugins;

import java.util.function.Supplier;

import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.DynamicFeature;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.FeatureContext;

import org.glassfish.jersey.server.ResourceConfig;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.waymark.api.error.WaymarkException;

/**
 * A deployed plugin's REST resources answer only once an admin approved the plugin, like its other services: until
 * then they do not exist for callers (404). Checked on each request, so an approval takes effect at once.
 */
public final class PluginApprovalFeature implements DynamicFeature {
    private final Supplier<PluginApprovals> approvals;

    public PluginApprovalFeature(Supplier<PluginApprovals> approvals) {
        this.approvals = approvals;
    }

    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        Bundle bundle = FrameworkUtil.getBundle(resourceInfo.getResourceClass());
        if (bundle != null && PluginApprovals.isPlugin(bundle) && !isJaxRsRuntime(bundle)) {
            context.register(new Gate(bundle));
        }
    }

    /**
     * Jersey answers OPTIONS with resource methods of its own, from a bundle that is no more a plugin than any other
     * library of the distribution; gated, every OPTIONS was a 404 naming Jersey and its version, before authentication.
     */
    private static boolean isJaxRsRuntime(Bundle bundle) {
        return bundle.equals(FrameworkUtil.getBundle(ResourceConfig.class));
    }

    /** Before authentication: an unapproved plugin's route is not there, whoever asks. */
    @Priority(Priorities.AUTHENTICATION - 100)
    private final class Gate implements ContainerRequestFilter {
        private final Bundle bundle;

        Gate(Bundle bundle) {
            this.bundle = bundle;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            PluginApprovals current = approvals.get();
            if (current == null || !current.usable(bundle)) {
                throw WaymarkException.notFound("Plugin " + bundle.getSymbolicName() + " " + bundle.getVersion()
                        + " is installed but not approved by an admin");
            }
        }
    }
}
