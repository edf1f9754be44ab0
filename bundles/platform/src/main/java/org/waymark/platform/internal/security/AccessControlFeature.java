package org.waymark.platform.internal.security;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;
import javax.annotation.Priority;
import javax.annotation.security.PermitAll;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Priorities;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.container.DynamicFeature;
import javax.ws.rs.container.ResourceInfo;
import javax.ws.rs.core.FeatureContext;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;

/**
 * Deny by default: every resource method needs an authenticated caller unless it is marked {@link PermitAll};
 * {@link RolesAllowed} (on the method, else on the class) narrows it to those roles. Data scope (which referrals a
 * caller may see) is checked by the services, which know the data.
 */
public final class AccessControlFeature implements DynamicFeature {
    private final Authenticator authenticator;
    private final boolean recogniseCallersOnOpenRoutes;

    /**
     * @param recogniseCallersOnOpenRoutes false where the Authorization header of an open route is not a person's
     *                                     (the token endpoint reads client credentials itself)
     */
    public AccessControlFeature(Authenticator authenticator, boolean recogniseCallersOnOpenRoutes) {
        this.authenticator = authenticator;
        this.recogniseCallersOnOpenRoutes = recogniseCallersOnOpenRoutes;
    }

    /** What a resource method requires; also used by the test that walks every route. */
    public record Policy(boolean open, Set<String> roles) {
        public static Policy of(Class<?> resourceClass, Method method) {
            if (method.isAnnotationPresent(PermitAll.class)) {
                return new Policy(true, Set.of());
            }
            RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
            if (roles == null) {
                roles = resourceClass.getAnnotation(RolesAllowed.class);
            }
            if (roles == null && resourceClass.isAnnotationPresent(PermitAll.class)) {
                return new Policy(true, Set.of());
            }
            return new Policy(false, roles == null ? Set.of() : Set.of(roles.value()));
        }
    }

    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        context.register(new Filter(Policy.of(resourceInfo.getResourceClass(), resourceInfo.getResourceMethod())));
    }

    @Priority(Priorities.AUTHENTICATION)
    private final class Filter implements ContainerRequestFilter {
        private final Policy policy;

        Filter(Policy policy) {
            this.policy = policy;
        }

        @Override
        public void filter(ContainerRequestContext request) throws IOException {
            Optional<Caller> caller;
            if (policy.open() && !recogniseCallersOnOpenRoutes) {
                return;
            }
            if (policy.open()) {
                // Open routes still recognise good credentials (admins see health details) but never fail on bad ones
                // (a locked-out user is still refused: see LoginGuard).
                try {
                    caller = authenticator.authenticate(request);
                } catch (WaymarkException ignored) {
                    caller = Optional.empty();
                }
            } else {
                caller = authenticator.authenticate(request);
                if (caller.isEmpty()) {
                    throw new WaymarkException(WaymarkException.Kind.UNAUTHENTICATED, "Authentication is required");
                }
                if (!policy.roles().isEmpty() && policy.roles().stream().noneMatch(caller.get()::hasRole)) {
                    throw WaymarkException.forbidden("Your role does not allow this");
                }
            }
            caller.ifPresent(c -> request.setSecurityContext(new CallerSecurityContext(c, request.getSecurityContext().isSecure())));
        }
    }
}
