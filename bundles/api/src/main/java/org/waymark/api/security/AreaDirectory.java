package org.waymark.api.security;

import java.util.Optional;
import java.util.Set;

/**
 * Which areas the deployment's users and machine clients belong to, for deciding who may change what about them
 * (an admin acts on the people and systems of their own areas only).
 *
 * @since 1.2
 */
public interface AreaDirectory {

    /** The areas of a console user, enabled or not; empty when there is no such user. */
    Optional<Set<String>> areasOfUser(String username);

    /** The area of a machine client (a GP system), enabled or not; empty when there is no such client. */
    Optional<String> areaOfClient(String clientId);

    /** Every area the deployment serves: those its users and clients belong to. */
    Set<String> areas();

    /**
     * Whether the caller administers every area of the deployment: the only callers who may act on what belongs to no
     * known area. On a deployment that serves one area, that is each of its admins.
     */
    default boolean administersEveryArea(Caller caller) {
        return caller.hasRole(Roles.ADMIN) && !caller.areas().isEmpty() && caller.areas().containsAll(areas());
    }
}
