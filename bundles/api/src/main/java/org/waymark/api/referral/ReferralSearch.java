package org.waymark.api.referral;

import java.util.Set;

/**
 * Criteria of a referral search; every criterion is optional and they combine with AND. The caller's data scope is
 * always applied on top.
 *
 * @param text     a name or NHS number typed into the console's search box
 * @param assignee          a user name, or {@link #UNASSIGNED}
 * @param orUnassigned      with an assignee: also the referrals nobody is assigned to (a worker's working list)
 */
public record ReferralSearch(String patientId, String nhsNumber, String identifierSystem, String identifierValue,
                             Set<ReferralStatus> statuses, String assignee, boolean orUnassigned, String text, int offset,
                             int count) {
    public static final String UNASSIGNED = "-";
    public static final int MAX_COUNT = 100;

    public ReferralSearch {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        count = Math.max(0, Math.min(count, MAX_COUNT));
    }

    public static ReferralSearch all(int offset, int count) {
        return new ReferralSearch(null, null, null, null, Set.of(), null, false, null, offset, count);
    }
}
