package org.waymark.api.referral;

import java.util.Objects;

/**
 * A link worker's change of a referral's status.
 *
 * @param reason  why (required for {@link ReferralStatus#needsReason()} statuses), shown to the referrer
 * @param outcome what came of the referral, for a closing status; goes to the referrer in the Task's output
 * @since 1.2
 */
public record StatusChange(ReferralStatus status, String reason, String outcome) {
    public StatusChange {
        Objects.requireNonNull(status, "status");
        reason = blankToNull(reason);
        outcome = blankToNull(outcome);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
