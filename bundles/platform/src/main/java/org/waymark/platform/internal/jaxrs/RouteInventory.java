package org.waymark.platform.internal.jaxrs;

import java.util.List;
import java.util.Set;

/** Every HTTP route currently served by JAX-RS resources, with what it requires; for admins and the route walk test. */
public interface RouteInventory {

    record Route(String method, String path, boolean open, Set<String> roles, String bundle) {
    }

    List<Route> routes();
}
