package org.waymark.api.security;

import java.util.Set;

/** The roles Waymark knows. Plugins may check them but do not add to them. */
public final class Roles {
    public static final String LINK_WORKER = "link-worker";
    public static final String ADMIN = "admin";
    /** A machine client (GP system) that sends referrals and follows their Tasks. */
    public static final String REFERRER = "referrer";

    public static final Set<String> USER_ROLES = Set.of(LINK_WORKER, ADMIN);

    private Roles() {
    }
}
