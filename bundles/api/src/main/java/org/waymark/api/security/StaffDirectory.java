package org.waymark.api.security;

import java.util.List;
import java.util.Optional;

/**
 * The console's users as other bundles need to know them: whom a referral can be assigned to or handed over to.
 *
 * @since 1.1
 */
public interface StaffDirectory {

    /** A user who can sign in (not disabled), with their roles and areas. */
    Optional<Caller> findStaff(String username);

    /** The enabled users who work in an area, by name. */
    List<Caller> staffOf(String area);
}
