package org.waymark.api.referral;

import java.util.Arrays;
import java.util.Optional;

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

    public static Optional<ReferralStatus> fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }
}
