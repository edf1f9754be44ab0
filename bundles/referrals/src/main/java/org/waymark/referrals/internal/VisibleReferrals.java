package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Caller;

/** The one check that case work (contacts, notes, plans, measures) does first: is this referral the caller's to see or work on? */
final class VisibleReferrals {
    private VisibleReferrals() {
    }

    /** The referral if the caller may see it, else 404 (so a caller cannot probe other areas' ids). */
    static Referral require(Connection c, Caller caller, String referralId) throws SQLException {
        DataScope scope = DataScope.of(caller);
        List<Object> parameters = new ArrayList<>();
        parameters.add(referralId);
        parameters.addAll(scope.parameters());
        return JdbcReferralService.queryOne(c, "r.id = ? AND " + scope.referralCondition(), parameters)
                .orElseThrow(() -> WaymarkException.notFound("No referral " + PatientLinker.clip(referralId, 64) + " in your areas"));
    }

    /** As {@link #require}, for a change: only staff work on referrals, and a withdrawn one takes no more work. */
    static Referral requireWorkable(Connection c, Caller caller, String referralId) throws SQLException {
        if (caller.isClient()) {
            throw WaymarkException.forbidden("Sending systems follow referrals; link workers work on them");
        }
        Referral referral = require(c, caller, referralId);
        if (referral.status() == ReferralStatus.CANCELLED || referral.status() == ReferralStatus.ENTERED_IN_ERROR) {
            throw WaymarkException.conflict("The referral was withdrawn by its sender (" + referral.status().code()
                    + "); nothing more can be recorded on it");
        }
        return referral;
    }

    static String text(String value, String field, int max, boolean required) {
        String clean = value == null || value.isBlank() ? null : value.strip();
        if (clean == null && required) {
            throw WaymarkException.invalid(field + " is required");
        }
        if (clean != null && clean.length() > max) {
            throw WaymarkException.invalid(field + " is longer than " + max + " characters");
        }
        return clean;
    }
}
