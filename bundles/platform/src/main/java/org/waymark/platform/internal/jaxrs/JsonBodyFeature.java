package org.waymark.platform.internal.jaxrs;

import java.io.File;
import java.io.InputStream;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import javax.annotation.Priority;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.DynamicFeature;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.FeatureContext;
import javax.ws.rs.core.Form;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.ext.ReaderInterceptor;
import javax.ws.rs.ext.ReaderInterceptorContext;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.http.OptionalBody;

/**
 * A resource method that takes a JSON body refuses a request without one (no body, an empty one, or the JSON literal
 * {@code null}) with a 400. Jersey and Jackson hand the method {@code null} for all three, and methods read that as
 * "nothing to keep": an empty PUT of a care plan erased "what matters to me", an empty POST of an assignee unassigned
 * the referral (found probing /api). Clearing is said with a body such as {@code {"assignee": null}}.
 * Methods that take the body as bytes, text or a stream read it themselves and are left alone, as is a body marked
 * {@link OptionalBody}.
 */
final class JsonBodyFeature implements DynamicFeature {
    static final String REQUIRED = "A JSON body is required";
    private static final Set<String> NO_BODY = Set.of("OPTIONS", "HEAD", "GET");
    private static final Set<Class<?>> READ_AS_IS = Set.of(byte[].class, char[].class, String.class, InputStream.class,
            Reader.class, File.class, Form.class, MultivaluedMap.class);

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        if (method != null && requiresJsonBody(method)) {
            context.register(new RequireJsonBody());
        }
    }

    /** Whether the method's entity parameter (the one JAX-RS fills from the body, not by annotation) is read as JSON. */
    static boolean requiresJsonBody(Method method) {
        Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < annotations.length; i++) {
            if (!injected(annotations[i])) {
                return !READ_AS_IS.contains(method.getParameterTypes()[i])
                        && Arrays.stream(annotations[i]).noneMatch(OptionalBody.class::isInstance);
            }
        }
        return false;
    }

    private static boolean injected(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            String name = annotation.annotationType().getName();
            if (name.startsWith("javax.ws.rs.") || name.startsWith("org.glassfish.jersey.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The filter sees a request without a body, for which Jersey calls no interceptor; the interceptor sees the body
     * that reads as {@code null}. After authentication, so that a caller without credentials still learns that first.
     */
    @Priority(Priorities.ENTITY_CODER)
    static final class RequireJsonBody implements ContainerRequestFilter, ReaderInterceptor {
        @Override
        public void filter(ContainerRequestContext request) {
            // Jersey answers OPTIONS (and HEAD) for a route through the same method's filters: those carry no body.
            if (!request.hasEntity() && !NO_BODY.contains(request.getMethod())) {
                throw WaymarkException.invalid(REQUIRED);
            }
        }

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws java.io.IOException {
            Object body = context.proceed();
            if (body == null) {
                throw WaymarkException.invalid(REQUIRED);
            }
            return body;
        }
    }
}
