package org.waymark.itests.testplugin;

import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.container.ContainerResponseFilter;
import org.osgi.service.component.annotations.Component;

/**
 * A JAX-RS extension: it sees every request of the {@code /api} application, headers included. PathfinderPluginIT
 * checks that it applies only once the plugin is approved (the header it adds marks the answers it saw).
 */
@Component(service = ContainerResponseFilter.class, property = {"osgi.jaxrs.extension=true"})
public final class SeesEveryRequest implements ContainerResponseFilter {
    public static final String HEADER = "X-Test-Plugin-Saw";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(HEADER, "this request");
    }
}
