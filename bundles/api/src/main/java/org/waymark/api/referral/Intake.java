package org.waymark.api.referral;

import java.util.List;

/**
 * The answer to receiving a referral.
 *
 * @param created  false when the sender had already sent a referral with the same identifier (a safe retry)
 * @param warnings things the sender should know but that did not stop the referral, e.g. an unverified NHS number
 */
public record Intake(Referral referral, boolean created, List<String> warnings) {
    public Intake {
        warnings = List.copyOf(warnings);
    }
}
