package org.waymark.api.security;

import java.util.Set;

/**
 * Who is making a request: a person signed in to the console or API, or a machine client (a GP system) holding an
 * OAuth2 token. Resources take their authorisation decisions from this, never from request headers directly.
 *
 * @param id        user name or client id
 * @param kind      person or machine client
 * @param roles     roles granted (see {@link Roles})
 * @param areas     areas whose data the caller may see; empty for a client
 * @param anySender for a machine client: may send as any sender identity (integration-test clients only)
 */
public record Caller(String id, Kind kind, Set<String> roles, Set<String> areas, boolean anySender) {

    public enum Kind { USER, CLIENT }

    public Caller {
        roles = Set.copyOf(roles);
        areas = Set.copyOf(areas);
    }

    /** False for a null role (an immutable set would throw on it). */
    public boolean hasRole(String role) {
        return role != null && roles.contains(role);
    }

    public boolean isClient() {
        return kind == Kind.CLIENT;
    }

    /** Whether this caller may see data of the given area. Admins see the areas they administer, like everyone else. */
    public boolean mayAccessArea(String area) {
        return kind == Kind.USER && area != null && areas.contains(area);
    }

    /** The system itself, for work that no person or client started (demo data, scheduled jobs). */
    public static Caller system(String purpose) {
        return new Caller("system:" + purpose, Kind.USER, Set.of(Roles.ADMIN), Set.of(), false);
    }
}
