package org.waymark.platform.internal.demo;

import java.util.List;

import org.osgi.framework.BundleContext;
import org.waymark.api.security.Caller;
import org.waymark.platform.internal.plugins.PluginApprovals;

import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.security.Roles;
import org.waymark.platform.internal.PlatformConfig;
import org.waymark.platform.internal.security.ClientAccounts;
import org.waymark.platform.internal.security.UserAccounts;

/**
 * The demo people and GP client of the public contract, created only in an empty database and only when demo data
 * is on. Without demo data there are no default credentials at all.
 */
@Component(immediate = true, configurationPid = PlatformConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PlatformConfig.class)
public final class DemoAccounts {
    public static final Set<String> DEMO_AREAS = Set.of("sheffield", "islington");
    private static final Logger LOG = LoggerFactory.getLogger(DemoAccounts.class);

    /** The example plugins built with this distribution, approved in the demo so the README's walkthrough needs no step. */
    static final List<String> EXAMPLE_PLUGINS = List.of("org.waymark.pathfinder-sheffield", "org.waymark.pathfinder-islington");

    @Activate
    public DemoAccounts(PlatformConfig config, @Reference UserAccounts users, @Reference ClientAccounts clients,
                        @Reference PluginApprovals approvals, BundleContext context) {
        if (!config.demo() || users.hasUsers()) {
            return;
        }
        users.createDemoUser(new UserAccounts.NewUser("linkworker", "linkworker", Set.of(Roles.LINK_WORKER), DEMO_AREAS));
        users.createDemoUser(new UserAccounts.NewUser("admin", "admin", Set.of(Roles.ADMIN, Roles.LINK_WORKER), DEMO_AREAS));
        clients.createDemoClient("demo-gp", "demo-gp-secret", "sheffield");
        String version = context.getBundle().getVersion().toString();
        EXAMPLE_PLUGINS.forEach(plugin -> approvals.approve(Caller.system("demo"), plugin, version));
        LOG.info("Demo users 'linkworker' and 'admin' and demo client 'demo-gp' created; example plugins {} approved", version);
    }
}
