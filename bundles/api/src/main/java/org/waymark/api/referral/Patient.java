package org.waymark.api.referral;

import java.time.Instant;
import org.waymark.api.identity.NhsNumber;

/** A local patient record: one person, whom one or more referrals are linked to. */
public record Patient(String id, NhsNumber nhsNumber, Demographics demographics, long version, Instant lastUpdated) {
}
