package org.waymark.itests.testplugin;

import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * A plugin developer's mistake: a resource with the path and method of a core route ({@code GET /api/health}), which
 * Jersey refuses to serve next to the core's. Off until its configuration ({@value #PID}) appears in {@code etc/}, so
 * that only HotDeployIT's test of it sees it.
 */
@Component(service = ClashingResource.class, configurationPid = ClashingResource.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {"osgi.jaxrs.resource=true"})
@Path("/health")
@PermitAll
public final class ClashingResource {
    public static final String PID = "org.waymark.itests.testplugin.ClashingResource";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> health() {
        return Map.of("status", "whatever the plugin says");
    }
}
