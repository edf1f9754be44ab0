package org.waymark.platform.internal.plugins;

import java.util.Optional;
import java.util.function.Function;
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
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.internal.security.AccessControlFeature;

/**
 * A deployed plugin's REST resources answer only once an admin approved the plugin, like its other services: until
 * then they do not exist for callers (404). Checked on each request, so an approval takes effect at once.
 */
public final class PluginApprovalFeature implements DynamicFeature {
    /** What every caller but an admin is told of a route that is not served yet: the same as of an unknown address. */
    static final String NOTHING_HERE = "Nothing is found at this address";

    private final Supplier<PluginApprovals> approvals;
    private final Function<ContainerRequestContext, Optional<Caller>> callers;

    /**
     * @param callers authenticates a request as the platform does (throws {@link WaymarkException} on bad credentials)
     */
    public PluginApprovalFeature(Supplier<PluginApprovals> approvals, Function<ContainerRequestContext, Optional<Caller>> callers) {
        this.approvals = approvals;
        this.callers = callers;
    }

    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        Bundle bundle = FrameworkUtil.getBundle(resourceInfo.getResourceClass());
        if (bundle != null && PluginApprovals.isPlugin(bundle) && !isJaxRsRuntime(bundle)) {
            context.register(new Gate(bundle, AccessControlFeature.Policy.of(resourceInfo.getResourceClass(),
                    resourceInfo.getResourceMethod()).open()));
        }
    }

    /**
     * Jersey answers OPTIONS with resource methods of its own, from a bundle that is no more a plugin than any other
     * library of the distribution; gated, every OPTIONS was a 404 naming Jersey and its version, before authentication.
     */
    private static boolean isJaxRsRuntime(Bundle bundle) {
        return bundle.equals(FrameworkUtil.getBundle(ResourceConfig.class));
    }

    /**
     * Before the platform's authentication, so that nothing of the plugin runs first. Only an admin, who can list the
     * plugins anyway, learns which plugin and version waits: the route answered everyone, strangers included, with the
     * plugin's name and version. Others get what they would get of any route: 401 without credentials where the route
     * needs them (deny by default), else the 404 of an unknown address.
     */
    @Priority(Priorities.AUTHENTICATION - 100)
    final class Gate implements ContainerRequestFilter {
        private final Bundle bundle;
        private final boolean open;

        Gate(Bundle bundle, boolean open) {
            this.bundle = bundle;
            this.open = open;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            PluginApprovals current = approvals.get();
            if (current != null && current.usable(bundle)) {
                return;
            }
            Optional<Caller> caller;
            try {
                caller = callers.apply(request);
            } catch (WaymarkException badCredentials) {
                if (!open) {
                    throw badCredentials; // as the route itself would answer once approved
                }
                caller = Optional.empty();
            }
            if (caller.isEmpty() && !open) {
                throw new WaymarkException(WaymarkException.Kind.UNAUTHENTICATED, "Authentication is required");
            }
            if (caller.isPresent() && caller.get().hasRole(Roles.ADMIN)) {
                throw WaymarkException.notFound(current == null
                        ? "Plugin " + bundle.getSymbolicName() + " " + bundle.getVersion()
                          + " is installed, but its approval cannot be read now (the database does not answer)"
                        : "Plugin " + bundle.getSymbolicName() + " " + bundle.getVersion()
                          + " is installed but not approved by an admin (or a later approved version is used instead)");
            }
            throw WaymarkException.notFound(NOTHING_HERE);
        }
    }
}
