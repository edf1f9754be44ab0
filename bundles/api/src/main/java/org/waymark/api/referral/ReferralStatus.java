package org.waymark.api.referral;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Where a referral stands; each value is also the status of the referral's FHIR Task (Gravity SDOH pattern). */
public enum ReferralStatus {
    REQUESTED("requested"),
    ACCEPTED("accepted"),
    REJECTED("rejected"),
    IN_PROGRESS("in-progress"),
    ON_HOLD("on-hold"),
    FAILED("failed"),
    COMPLETED("completed"),
    CANCELLED("cancelled"),
    ENTERED_IN_ERROR("entered-in-error");

    private final String code;

    ReferralStatus(String code) {
        this.code = code;
    }

    /** The FHIR Task status code. */
    public String code() {
        return code;
    }

    public boolean isClosed() {
        return this == REJECTED || this == FAILED || this == COMPLETED || this == CANCELLED || this == ENTERED_IN_ERROR;
    }

    /** Where a link worker may move a referral from here; closed referrals stay closed. */
    public Set<ReferralStatus> next() {
        return switch (this) {
            case REQUESTED -> EnumSet.of(ACCEPTED, REJECTED, CANCELLED);
            case ACCEPTED -> EnumSet.of(IN_PROGRESS, ON_HOLD, COMPLETED, FAILED, CANCELLED);
            case IN_PROGRESS -> EnumSet.of(ON_HOLD, COMPLETED, FAILED, CANCELLED);
            case ON_HOLD -> EnumSet.of(IN_PROGRESS, COMPLETED, FAILED, CANCELLED);
            case REJECTED, FAILED, COMPLETED, CANCELLED, ENTERED_IN_ERROR -> EnumSet.noneOf(ReferralStatus.class);
        };
    }

    /** Statuses the referrer must be told the reason for (FHIR Task.statusReason). */
    public boolean needsReason() {
        return this == REJECTED || this == ON_HOLD || this == FAILED || this == CANCELLED;
    }

    public static Optional<ReferralStatus> fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }
}
