package org.waymark.platform.internal.jaxrs;

import java.util.List;
import java.util.Set;

/** Every HTTP route currently served by JAX-RS resources, with what it requires; for admins and the route walk test. */
public interface RouteInventory {

    /** {@code consumes}: the media types the route reads (empty: any or none), so a caller can send a body it accepts. */
    record Route(String method, String path, boolean open, Set<String> roles, String bundle, List<String> consumes) {
    }

    List<Route> routes();
}
