package org.waymark.referrals.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.waymark.api.error.WaymarkException;

/**
 * Limits on dates that staff type: a date that passes the format but no person could have (a birth date in 1850, a
 * phone call in 1900) is a slip of the keyboard, and kept it would skew ages, linkage and the area's reports. GP
 * systems' FHIR referrals are not held to these: their data is the record of another system.
 */
final class PlausibleDates {
    /** Older than any living person (the oldest recorded lived to 122). */
    static final int OLDEST_AGE_YEARS = 125;
    /**
     * How long before a referral was recorded a contact about it can be: a worker may talk to someone who walked in and
     * enter their referral afterwards, or enter a paper record of last month late.
     */
    static final Duration CONTACT_BEFORE_REFERRAL = Duration.ofDays(90);

    private PlausibleDates() {
    }

    static void requireBirthDate(LocalDate birthDate, LocalDate today, String field) {
        if (birthDate == null) {
            return;
        }
        if (birthDate.isAfter(today)) {
            throw WaymarkException.invalid(field + " is in the future");
        }
        if (birthDate.isBefore(today.minusYears(OLDEST_AGE_YEARS))) {
            throw WaymarkException.invalid(field + " is more than " + OLDEST_AGE_YEARS + " years ago");
        }
    }

    static void requireContactTime(Instant contactedAt, Instant referralCreated) {
        if (referralCreated != null && contactedAt.isBefore(referralCreated.minus(CONTACT_BEFORE_REFERRAL))) {
            throw WaymarkException.invalid("A contact attempt can be at most " + CONTACT_BEFORE_REFERRAL.toDays()
                    + " days before the referral was recorded");
        }
    }
}
