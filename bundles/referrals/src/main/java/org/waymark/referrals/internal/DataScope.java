package org.waymark.referrals.internal;

import java.util.ArrayList;
import java.util.List;
import org.waymark.api.security.Caller;

/**
 * The rows a caller may see, as SQL: a sending client sees the referrals it sent; staff see their areas' referrals.
 * Built once here so that every query applies the same rule.
 */
record DataScope(String referralCondition, List<Object> parameters) {

    static DataScope of(Caller caller) {
        if (caller.isClient()) {
            return new DataScope("r.sender_id = ?", List.of(caller.id()));
        }
        if (caller.areas().isEmpty()) {
            return new DataScope("1 = 0", List.of());
        }
        List<Object> areas = new ArrayList<>(caller.areas());
        return new DataScope("r.area IN (" + CaseRecords.parameterMarks(areas.size()) + ")", areas);
    }

    /**
     * The patient rows reachable through a visible referral.
     *
     * <p>Derby flattens the EXISTS into a join and, for a sending client, chose to start from the sender's referrals
     * (their index on sender): reading one Patient by id walked every referral the GP system ever sent, and a
     * transaction Bundle, which reads its Patient back, fell from hundreds a second to 17 after 50,000 referrals. The
     * override (a comment elsewhere, so PostgreSQL ignores it) makes Derby look the person's referrals up by patient, through
     * the index of the foreign key (Derby does not build wm_referral_patient_idx: it would duplicate that one).
     */
    String patientCondition(String patientAlias) {
        return "EXISTS (SELECT 1 FROM wm_referral r --DERBY-PROPERTIES constraint=wm_referral_patient\n WHERE r.patient_id = "
                + patientAlias + ".id AND " + referralCondition + ")";
    }
}
