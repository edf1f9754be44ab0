package org.waymark.platform.internal.jaxrs;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import javax.annotation.Priority;
import javax.ws.rs.FormParam;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.DynamicFeature;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.FeatureContext;
import javax.ws.rs.core.MediaType;
import org.waymark.api.error.WaymarkException;

/**
 * A resource method that reads form fields refuses any other body with a 415. {@code @Consumes} alone does not do
 * it: Jersey matches a request without a Content-Type to any method, and then fails to read its {@code @FormParam}s
 * with an IllegalStateException, a 500 (found by walking every route: {@code POST /oauth2/token} without a body).
 */
final class FormBodyFeature implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        if (method != null && readsFormFields(method)) {
            context.register(new RequireFormBody());
        }
    }

    static boolean readsFormFields(Method method) {
        for (Annotation[] parameter : method.getParameterAnnotations()) {
            for (Annotation annotation : parameter) {
                if (annotation instanceof FormParam) {
                    return true;
                }
            }
        }
        return false;
    }

    /** After authentication, so that a caller without credentials still learns that first. */
    @Priority(Priorities.ENTITY_CODER)
    static final class RequireFormBody implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            MediaType type = request.getMediaType();
            if (type == null || !MediaType.APPLICATION_FORM_URLENCODED_TYPE.isCompatible(type)) {
                throw new WaymarkException(WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE,
                        "The body must be form fields (" + MediaType.APPLICATION_FORM_URLENCODED + ")");
            }
        }
    }
}
