package org.waymark.api.referral;

import java.time.LocalDate;

/** What a referrer tells us about the person, each part optional. */
public record Demographics(String family, String given, LocalDate birthDate, String gender, String postcode) {
    public static final Demographics NONE = new Demographics(null, null, null, null, null);
}
