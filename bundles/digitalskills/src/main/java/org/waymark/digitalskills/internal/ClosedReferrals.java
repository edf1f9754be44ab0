package org.waymark.digitalskills.internal;

import java.util.Set;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

/**
 * Digital skills work on a closed referral (completed, rejected, cancelled, failed, entered in error) can be read but
 * not changed: nothing more is planned, scheduled or sent to the person for it, as a closed referral is not assigned
 * any more either.
 */
final class ClosedReferrals {
    private ClosedReferrals() {
    }

    /** The referral, if it is open; a 409 otherwise. */
    static Referral requireOpen(Referral referral) {
        if (referral.status().isClosed()) {
            throw WaymarkException.conflict("A " + referral.status().code()
                    + " referral is closed: its digital skills work can be read but not changed");
        }
        return referral;
    }

    /** The system, reading one area's referral for work no person started (a reminder job, a person's own link). */
    static Caller systemIn(String area, String purpose) {
        return new Caller("system:" + purpose, Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of(area), false);
    }
}
