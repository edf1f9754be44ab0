package org.waymark.fhir.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.PreMatching;
import javax.ws.rs.core.UriBuilder;
import org.osgi.service.component.annotations.Component;

/**
 * Sends the type-level {@code POST /fhir/{type}/$validate} to the one {@code $validate} resource, with the type as a
 * request property. JAX-RS matching picks a root resource by its path alone and never backtracks, so a
 * {@code /{type}/$validate} resource would lose {@code /ServiceRequest/$validate} to the ServiceRequest resource
 * (a longer literal path) and answer 405 there.
 */
@Component(service = ValidateRouting.class, property = {
        "osgi.jaxrs.extension=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@PreMatching
public final class ValidateRouting implements ContainerRequestFilter {
    static final String RESOURCE_TYPE = "org.waymark.fhir.validate.resourceType";
    private static final Pattern TYPE_LEVEL = Pattern.compile("/?([A-Za-z]{1,64})/\\$validate/?");

    @Override
    public void filter(ContainerRequestContext request) {
        Matcher typeLevel = TYPE_LEVEL.matcher(request.getUriInfo().getPath());
        if (!typeLevel.matches()) {
            return;
        }
        request.setProperty(RESOURCE_TYPE, typeLevel.group(1));
        String basePath = request.getUriInfo().getBaseUri().getRawPath();
        request.setRequestUri(request.getUriInfo().getBaseUri(), UriBuilder.fromUri(request.getUriInfo().getRequestUri())
                .replacePath(basePath.endsWith("/") ? basePath + "$validate" : basePath + "/$validate").build());
    }
}
