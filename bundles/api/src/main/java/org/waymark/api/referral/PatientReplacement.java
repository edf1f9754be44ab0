package org.waymark.api.referral;

import java.time.Instant;

/**
 * A patient record that no longer exists because it was merged into another: senders and staff may still hold its
 * id (a referral answer, a bookmark), so a read of it says where the person's record is now.
 *
 * @param patientId  the record that was merged away
 * @param replacedBy the record that holds the person now (the end of a chain of merges)
 * @param mergedAt   when the record was merged away
 * @since 1.6
 */
public record PatientReplacement(String patientId, String replacedBy, Instant mergedAt) {
}
