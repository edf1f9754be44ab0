package org.waymark.itests.testplugin;

import java.util.Map;
import javax.annotation.security.PermitAll;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;
import org.osgi.service.component.annotations.Component;

/**
 * The smallest pathfinder plugin there is: one public JAX-RS resource on the platform's whiteboard. HotDeployIT drops
 * this bundle into {@code $WAYMARK_DATA/deploy} and expects {@code GET /api/hello-plugin} to appear and disappear with it.
 */
@Component(service = HelloResource.class, property = {"osgi.jaxrs.resource=true"})
@Path("/hello-plugin")
@PermitAll
public final class HelloResource {
    public static final String GREETING = "hello from a hot-deployed plugin";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> hello() {
        return Map.of("message", GREETING);
    }
}
