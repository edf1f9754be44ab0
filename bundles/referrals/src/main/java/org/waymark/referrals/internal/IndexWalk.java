package org.waymark.referrals.internal;

/**
 * The index a staff caseload query walks, for its capped count and for its page (changeSet 8-caseload-indexes).
 * Every one of these indexes carries all the columns the working-list filters name, so Derby answers from the index
 * alone, in page order, and stops after the page or the count's cap: the cost depends on the page, not on how many
 * referrals an area holds. The hints are comments to databases other than Derby.
 *
 * @param countFrom the FROM clause of the capped count
 * @param pageFrom  the FROM clause of the page of ids
 */
record IndexWalk(String countFrom, String pageFrom) {
    private static final String REFERRAL = " FROM wm_referral r --DERBY-PROPERTIES index=";

    /**
     * @param byName      a family-name prefix search: the name index, in name order
     * @param oneAssignee a single worker's referrals or the unassigned queue: that worker's stretch of the assignee
     *                    index, newest first; counting there never visits other workers' referrals
     */
    static IndexWalk of(boolean byName, boolean oneAssignee, boolean oldestFirst) {
        if (byName) {
            return both("wm_referral_family");
        }
        String inDateOrder = oldestFirst ? "wm_referral_oldest" : "wm_referral_newest";
        if (!oneAssignee) {
            return both(inDateOrder);
        }
        // The assignee index runs newest first only (Derby reads an index one way), so an oldest-first page walks
        // the date index instead.
        return new IndexWalk(hint("wm_referral_assignee"), hint(oldestFirst ? inDateOrder : "wm_referral_assignee"));
    }

    static IndexWalk none(String from) {
        return new IndexWalk(from, from);
    }

    private static IndexWalk both(String index) {
        return new IndexWalk(hint(index), hint(index));
    }

    private static String hint(String index) {
        return REFERRAL + index + "\n";
    }
}
