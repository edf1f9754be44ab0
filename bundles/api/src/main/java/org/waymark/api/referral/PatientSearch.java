package org.waymark.api.referral;

import java.time.LocalDate;

/**
 * Criteria of a patient search; every criterion is optional and they combine with AND. Names and postcodes match
 * from their start, ignoring case, accents, spaces and punctuation (as FHIR string searches do). The caller's data
 * scope is always applied on top.
 *
 * @param nhsNumber      ten digits, matched as sent (verified or not)
 * @param birthDateFrom  earliest birth date, inclusive
 * @param birthDateTo    latest birth date, inclusive
 * @param name           any part of the name, as FHIR's {@code name} and BaRS's {@code patient:name}: each word matches
 *                       the family name or one of the given names from its start (since 1.10)
 * @param id             one Patient by its id, as FHIR's {@code _id} (since 1.11)
 */
public record PatientSearch(String nhsNumber, String family, String given, LocalDate birthDateFrom, LocalDate birthDateTo,
                            String postcode, int offset, int count, String name, String id) {
    public PatientSearch {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        count = Math.max(0, Math.min(count, ReferralSearch.MAX_COUNT));
    }

    /** The criteria of version 1.10 of this API. */
    public PatientSearch(String nhsNumber, String family, String given, LocalDate birthDateFrom, LocalDate birthDateTo,
                         String postcode, int offset, int count, String name) {
        this(nhsNumber, family, given, birthDateFrom, birthDateTo, postcode, offset, count, name, null);
    }

    /** The criteria of versions before 1.10 of this API. */
    public PatientSearch(String nhsNumber, String family, String given, LocalDate birthDateFrom, LocalDate birthDateTo,
                         String postcode, int offset, int count) {
        this(nhsNumber, family, given, birthDateFrom, birthDateTo, postcode, offset, count, null, null);
    }

    /** The same criteria for one Patient only. @since 1.11 */
    public PatientSearch withId(String patientId) {
        return new PatientSearch(nhsNumber, family, given, birthDateFrom, birthDateTo, postcode, offset, count, name, patientId);
    }

    /** Whether it names anything about the person beyond paging. @since 1.10 */
    public boolean namesSomeone() {
        return id != null || nhsNumber != null || family != null || given != null || birthDateFrom != null || birthDateTo != null
                || postcode != null || name != null;
    }

    public static PatientSearch byNhsNumber(String nhsNumber, int offset, int count) {
        return new PatientSearch(nhsNumber, null, null, null, null, null, offset, count);
    }
}
