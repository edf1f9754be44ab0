package org.waymark.api.triage;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * What a triage rule may know of a referral: no names, no NHS number, only what triage needs.
 *
 * @param referralId the referral's id
 * @param area       the area the referral belongs to
 * @param age        the person's age in whole years on the day the referral arrived, or null if the birth date is unknown
 * @param gender     administrative gender as FHIR codes it ({@code female}, {@code male}, {@code other}, {@code unknown}), or null
 * @param postcode   the person's postcode as sent, or null
 * @param codes      the referral's coded reasons as {@code system|code} (SNOMED CT: {@code http://snomed.info/sct|...})
 * @param reasonText the reason for referral as text
 * @param priority   the priority the referrer gave: routine, urgent, asap or stat
 * @param received   the day the referral arrived
 */
public record TriageFacts(String referralId, String area, Integer age, String gender, String postcode, List<String> codes,
                          String reasonText, String priority, LocalDate received) {
    public TriageFacts {
        Objects.requireNonNull(referralId, "referralId");
        Objects.requireNonNull(area, "area");
        codes = codes == null ? List.of() : List.copyOf(codes);
        reasonText = reasonText == null ? "" : reasonText;
        priority = priority == null ? "routine" : priority;
    }

    /**
     * The facts of a referral as the core holds it, with the age worked out on the day it was received (so a rule run
     * again later sees the same age).
     */
    public static TriageFacts of(String referralId, String area, LocalDate birthDate, String gender, String postcode,
                                 String reasonCode, String reasonText, String priority, LocalDate received) {
        Integer age = birthDate == null ? null : java.time.Period.between(birthDate, received).getYears();
        return new TriageFacts(referralId, area, age, gender, postcode, reasonCode == null ? List.of() : List.of(reasonCode),
                reasonText, priority, received);
    }

    /** Whether the referral carries this SNOMED CT code. */
    public boolean hasSnomedCode(String code) {
        return codes.contains("http://snomed.info/sct|" + code);
    }

    /** Whether the reason text mentions the phrase, ignoring case. */
    public boolean mentions(String phrase) {
        return reasonText.toLowerCase(java.util.Locale.ROOT).contains(phrase.toLowerCase(java.util.Locale.ROOT));
    }
}
