package org.waymark.api.security;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Reads the audit trail back: what happened to a person's records, for a referral's timeline and for an admin who
 * must show a person who looked at their record. Callers check the reader's right to the person first.
 *
 * @since 1.1
 */
public interface AuditTrail {

    /** One line of the trail. */
    record Entry(long id, Instant at, String actor, AuditLog.Action action, String resourceType, String resourceId) {
    }

    /**
     * @param patientId the local patient
     * @param actions   the kinds of entry wanted; empty for all
     * @param limit     at most this many, newest first
     */
    List<Entry> forPatient(String patientId, Set<AuditLog.Action> actions, int limit);
}
