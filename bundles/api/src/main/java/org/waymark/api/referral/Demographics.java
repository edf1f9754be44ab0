package org.waymark.api.referral;

import java.time.LocalDate;

/**
 * What a referrer tells us about the person, each part optional.
 *
 * @param given              every given name, in order, separated by single spaces
 * @param birthDate          the first day of the birth date's period: a birth date known only to the year is January
 *                           1st of that year, one known to the month the 1st of that month
 * @param birthDatePrecision how much of the birth date is known; null exactly when the birth date is
 */
public record Demographics(String family, String given, LocalDate birthDate, String gender, String postcode,
                           BirthDatePrecision birthDatePrecision) {
    public static final Demographics NONE = new Demographics(null, null, null, null, null, null);

    /** FHIR's date precisions for a birth date (YYYY, YYYY-MM, YYYY-MM-DD). */
    public enum BirthDatePrecision {
        YEAR, MONTH, DAY;

        /** The first day of the period this precision leaves of a date. */
        public LocalDate start(LocalDate date) {
            return switch (this) {
                case YEAR -> date.withDayOfYear(1);
                case MONTH -> date.withDayOfMonth(1);
                case DAY -> date;
            };
        }

        /** The last day of the period this precision leaves of a date. */
        public LocalDate end(LocalDate date) {
            return switch (this) {
                case YEAR -> date.withDayOfYear(date.lengthOfYear());
                case MONTH -> date.withDayOfMonth(date.lengthOfMonth());
                case DAY -> date;
            };
        }

        /** As FHIR writes a date of this precision: 1965, 1971-06 or 1965-08-15. */
        public String format(LocalDate date) {
            String day = date.toString();
            return switch (this) {
                case YEAR -> day.substring(0, day.length() - 6);
                case MONTH -> day.substring(0, day.length() - 3);
                case DAY -> day;
            };
        }
    }

    public Demographics {
        if (birthDate == null) {
            birthDatePrecision = null;
        } else {
            // Callers that know only whole dates need not say so; a partial date is kept as its period's first day so
            // two descriptions of one partial date compare equal.
            birthDatePrecision = birthDatePrecision == null ? BirthDatePrecision.DAY : birthDatePrecision;
            birthDate = birthDatePrecision.start(birthDate);
        }
    }

    /** A description whose birth date, if any, is a whole date. */
    public Demographics(String family, String given, LocalDate birthDate, String gender, String postcode) {
        this(family, given, birthDate, gender, postcode, birthDate == null ? null : BirthDatePrecision.DAY);
    }

    /** The birth date at the precision it is known, as FHIR writes it, or null. */
    public String birthDateText() {
        return birthDate == null ? null : birthDatePrecision.format(birthDate);
    }
}
