package org.waymark.api.referral;

import java.util.Set;

/**
 * Criteria of a referral search; every criterion is optional and they combine with AND. The caller's data scope is
 * always applied on top.
 *
 * @param identifierSystem the system of the sender's identifier: null for any, {@link #NO_SYSTEM} for an identifier
 *                     sent without one (FHIR's {@code |value}; since 1.10)
 * @param text         a name or NHS number typed into the console's search box
 * @param assignee     a user name, or {@link #UNASSIGNED}
 * @param orUnassigned with an assignee: also the referrals nobody is assigned to (a worker's working list)
 * @param referralId   one referral (a FHIR Task search by focus)
 * @param area         the area whose service owns the referral (a FHIR Task search by owner)
 * @param authored     when the referrer wrote the referral
 * @param lastUpdated  when the referral (or its Task) last changed
 * @param priority     the referrer's priority (routine, urgent, asap, stat)
 * @param received     when the service received it (a caseload's "waiting more than N days")
 * @param oldestFirst  longest-waiting first instead of newest first; with another {@link #sortBy}, ascending by it
 * @param countLimit   count matches only up to this many and one more (a caseload shows "more than N"); 0 counts all
 * @param person       the referred person's demographics (BaRS's {@code patient:name}, {@code patient:birthdate},
 *                     {@code patient:address-postalcode}); its paging is not used (since 1.10)
 * @param sortBy       what orders the matches (FHIR's {@code _sort}); null or {@link SortKey#RECEIVED} for when the
 *                     service received them (since 1.11)
 */
public record ReferralSearch(String patientId, String nhsNumber, String identifierSystem, String identifierValue,
                             Set<ReferralStatus> statuses, String assignee, boolean orUnassigned, String text, int offset,
                             int count, String referralId, String area, TimeRange authored, TimeRange lastUpdated,
                             String priority, TimeRange received, boolean oldestFirst, int countLimit,
                             PatientSearch person, SortKey sortBy) {
    public static final String UNASSIGNED = "-";
    public static final int MAX_COUNT = 100;
    /** The {@link #identifierSystem} of an identifier sent without a system. */
    public static final String NO_SYSTEM = "";

    /** What a search's matches are ordered by. @since 1.11 */
    public enum SortKey {
        /** When the service received the referral (the default). */
        RECEIVED,
        /** When the referrer wrote it ({@code ServiceRequest.authoredOn}); referrals without one come last. */
        AUTHORED,
        /** When it, or its Task, last changed. */
        LAST_UPDATED
    }

    public ReferralSearch {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        count = Math.max(0, Math.min(count, MAX_COUNT));
        authored = authored == null ? TimeRange.ANY : authored;
        lastUpdated = lastUpdated == null ? TimeRange.ANY : lastUpdated;
        received = received == null ? TimeRange.ANY : received;
        sortBy = sortBy == null ? SortKey.RECEIVED : sortBy;
    }

    /** The criteria of version 1.10 of this API. */
    public ReferralSearch(String patientId, String nhsNumber, String identifierSystem, String identifierValue,
                          Set<ReferralStatus> statuses, String assignee, boolean orUnassigned, String text, int offset,
                          int count, String referralId, String area, TimeRange authored, TimeRange lastUpdated,
                          String priority, TimeRange received, boolean oldestFirst, int countLimit, PatientSearch person) {
        this(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned, text, offset, count,
                referralId, area, authored, lastUpdated, priority, received, oldestFirst, countLimit, person, SortKey.RECEIVED);
    }

    /** The criteria of versions 1.2 to 1.9 of this API. */
    public ReferralSearch(String patientId, String nhsNumber, String identifierSystem, String identifierValue,
                          Set<ReferralStatus> statuses, String assignee, boolean orUnassigned, String text, int offset,
                          int count, String referralId, String area, TimeRange authored, TimeRange lastUpdated,
                          String priority, TimeRange received, boolean oldestFirst, int countLimit) {
        this(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned, text, offset, count,
                referralId, area, authored, lastUpdated, priority, received, oldestFirst, countLimit, null);
    }

    /** The criteria of version 1.1 of this API. */
    public ReferralSearch(String patientId, String nhsNumber, String identifierSystem, String identifierValue,
                          Set<ReferralStatus> statuses, String assignee, boolean orUnassigned, String text, int offset,
                          int count, String referralId, String area, TimeRange authored, TimeRange lastUpdated) {
        this(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned, text, offset, count,
                referralId, area, authored, lastUpdated, null, TimeRange.ANY, false, 0);
    }

    /** The criteria of version 1.0 of this API. */
    public ReferralSearch(String patientId, String nhsNumber, String identifierSystem, String identifierValue,
                          Set<ReferralStatus> statuses, String assignee, boolean orUnassigned, String text, int offset,
                          int count) {
        this(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned, text, offset, count,
                null, null, TimeRange.ANY, TimeRange.ANY);
    }

    public static ReferralSearch all(int offset, int count) {
        return new ReferralSearch(null, null, null, null, Set.of(), null, false, null, offset, count);
    }

    public ReferralSearch withReferralId(String id) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, id, area, authored, lastUpdated, priority, received, oldestFirst, countLimit, person, sortBy);
    }

    public ReferralSearch withArea(String owningArea) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, referralId, owningArea, authored, lastUpdated, priority, received, oldestFirst, countLimit, person, sortBy);
    }

    public ReferralSearch withAuthored(TimeRange range) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, referralId, area, range, lastUpdated, priority, received, oldestFirst, countLimit, person, sortBy);
    }

    public ReferralSearch withLastUpdated(TimeRange range) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, referralId, area, authored, range, priority, received, oldestFirst, countLimit, person, sortBy);
    }

    /** @since 1.2 */
    public ReferralSearch withCaseloadFilters(String referralPriority, TimeRange receivedRange, boolean longestWaitingFirst) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, referralId, area, authored, lastUpdated, referralPriority, receivedRange, longestWaitingFirst,
                countLimit, person, sortBy);
    }

    /** @since 1.2 */
    public ReferralSearch withCountLimit(int limit) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, referralId, area, authored, lastUpdated, priority, received, oldestFirst, Math.max(0, limit), person, sortBy);
    }

    /** Ordered by {@code key}, ascending when {@code ascending} (newest first otherwise). @since 1.11 */
    public ReferralSearch withSort(SortKey key, boolean ascending) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, referralId, area, authored, lastUpdated, priority, received, ascending, countLimit, person, key);
    }

    /** @since 1.10 */
    public ReferralSearch withPerson(PatientSearch demographics) {
        return new ReferralSearch(patientId, nhsNumber, identifierSystem, identifierValue, statuses, assignee, orUnassigned,
                text, offset, count, referralId, area, authored, lastUpdated, priority, received, oldestFirst, countLimit,
                demographics, sortBy);
    }
}
