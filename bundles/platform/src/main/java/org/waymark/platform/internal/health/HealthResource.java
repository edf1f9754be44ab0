package org.waymark.platform.internal.health;

import org.waymark.platform.internal.plugins.PluginApprovals;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.security.PermitAll;
import javax.sql.DataSource;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.platform.internal.features.FeatureMix;
import org.waymark.platform.internal.jaxrs.JaxRsReadiness;
import org.waymark.api.security.Roles;

/**
 * Readiness: UP only when the area's feature mix is applied, every installed Waymark feature is started, every
 * installed Waymark bundle is active, each of their components is satisfied and the database answers. Anyone may ask; only admins see which part is down.
 */
@Component(service = HealthResource.class, property = "osgi.jaxrs.resource=true")
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private final BundleContext context;
    private final DataSource db;
    private final ServiceComponentRuntime scr;
    private final JaxRsReadiness endpoints;
    private final String node;
    private final FeatureMix features;

    @Activate
    public HealthResource(BundleContext context, @Reference(target = "(dataSourceName=waymark)") DataSource db,
                          @Reference ServiceComponentRuntime scr, @Reference JaxRsReadiness endpoints,
                          @Reference org.waymark.platform.internal.jobs.JobRunner jobs, @Reference FeatureMix features) {
        this.context = context;
        this.features = features;
        this.node = jobs.store().nodeId();
        this.endpoints = endpoints;
        this.db = db;
        this.scr = scr;
    }

    @GET
    @PermitAll
    public Response health(@Context SecurityContext security) {
        Map<String, String> problems = new TreeMap<>();
        checkDatabase(problems);
        checkBundles(problems);
        problems.putAll(features.problems());
        if (!endpoints.settled()) {
            problems.put("http", String.join("; ", endpoints.problems()));
        }
        boolean up = problems.isEmpty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        boolean admin = CallerPrincipal.callerOf(security.getUserPrincipal()).map(c -> c.hasRole(Roles.ADMIN)).orElse(false);
        if (admin) {
            body.put("problems", problems);
            // Which node answered, as named in job leases: lets an operator see who holds a job.
            body.put("node", node);
        }
        return Response.status(up ? 200 : 503).entity(body).build();
    }

    private void checkDatabase(Map<String, String> problems) {
        try (Connection connection = db.getConnection()) {
            if (!connection.isValid(2)) {
                problems.put("database", "not answering");
            }
        } catch (SQLException e) {
            problems.put("database", "SQLState " + e.getSQLState());
        }
    }

    private void checkBundles(Map<String, String> problems) {
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            // A broken plugin is isolated and shown on /api/plugins; it must not take the node out of a load balancer.
            if (name == null || !name.startsWith("org.waymark.") || PluginApprovals.isPlugin(bundle)) {
                continue;
            }
            boolean fragment = bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (bundle.getState() != expected) {
                problems.put(name, "bundle not active");
                continue;
            }
            for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                if (!scr.isComponentEnabled(description)) {
                    continue;
                }
                for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                    if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                            || configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                            || configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        problems.put(name + "/" + description.name, "component not satisfied");
                    }
                }
            }
        }
    }
}
