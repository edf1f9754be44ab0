package org.waymark.referrals.internal;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.waymark.api.referral.Demographics.BirthDatePrecision;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.PatientSearch;

/**
 * A patient search as SQL over the normalised, indexed columns (names and postcodes match from their start; a given
 * name may be any of the person's given names).
 */
final class PatientQueries {
    record Criteria(String condition, List<Object> parameters) {
    }

    static final int MAX_NAME_WORDS = 10;

    private PatientQueries() {
    }

    static Criteria criteria(PatientSearch search) {
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        if (search.id() != null) {
            conditions.add("p.id = ?");
            parameters.add(search.id());
        }
        if (search.nhsNumber() != null) {
            conditions.add("p.nhs_number = ?");
            parameters.add(search.nhsNumber());
        }
        prefix(conditions, parameters, "p.family_norm", search.family() == null ? null : PatientLinker.normalise(search.family()));
        givenName(conditions, parameters, search.given());
        anyName(conditions, parameters, search.name());
        // normalisePostcode answers null for nothing searchable ("%", "!!!"): that must match nobody, not be no criterion
        // (found probing: address-postalcode=% listed everyone in scope).
        prefix(conditions, parameters, "p.postcode_norm", search.postcode() == null ? null
                : java.util.Objects.requireNonNullElse(PatientLinker.normalisePostcode(search.postcode()), ""));
        // A stored partial birth date (1965, 1971-06) matches when its period overlaps the searched range, so
        // birthdate=1965-08-15 finds a person born "1965" and birthdate=1965 finds everyone born in 1965. birth_date
        // holds the period's first day: its last day is on or after the range's start exactly when its first day is
        // on or after the start of the year (or month) holding the range's start.
        if (search.birthDateFrom() != null) {
            LocalDate from = search.birthDateFrom();
            conditions.add("(p.birth_date >= ? OR (p.birth_date_precision = 'year' AND p.birth_date >= ?)"
                    + " OR (p.birth_date_precision = 'month' AND p.birth_date >= ?))");
            parameters.add(Date.valueOf(from));
            parameters.add(Date.valueOf(BirthDatePrecision.YEAR.start(from)));
            parameters.add(Date.valueOf(BirthDatePrecision.MONTH.start(from)));
        }
        if (search.birthDateTo() != null) {
            conditions.add("p.birth_date <= ?");
            parameters.add(Date.valueOf(search.birthDateTo()));
        }
        return new Criteria(conditions.isEmpty() ? "1 = 1" : String.join(" AND ", conditions), parameters);
    }

    /**
     * FHIR's given search matches any given name from its start: given_norm holds them all, normalised and separated
     * by spaces, so the value may start the column or follow a space.
     */
    private static void givenName(List<String> conditions, List<Object> parameters, String given) {
        if (given == null) {
            return;
        }
        String value = PatientLinker.normaliseGiven(given);
        if (value == null) {
            conditions.add("1 = 0");
            return;
        }
        conditions.add("(p.given_norm LIKE ? OR p.given_norm LIKE ?)");
        parameters.add(value + "%");
        parameters.add("% " + value + "%");
    }

    /**
     * FHIR's name search, and BaRS's patient:name ("John Smith"): every word must be found in the person's name, as
     * the start of a given name or anywhere in the family name (stored without spaces, so "der" and "berg" both find
     * Van der Berg).
     */
    private static void anyName(List<String> conditions, List<Object> parameters, String name) {
        if (name == null) {
            return;
        }
        List<String> words = java.util.Arrays.stream(name.strip().split("[\\s,]+")).map(PatientLinker::normalise)
                .filter(word -> !word.isEmpty()).distinct().toList();
        if (words.isEmpty()) {
            conditions.add("1 = 0");
            return;
        }
        if (words.size() > MAX_NAME_WORDS) {
            // Three conditions a word: seven hundred words made a statement Derby could not prepare (a 503).
            throw WaymarkException.invalid("A name search takes at most " + MAX_NAME_WORDS + " words");
        }
        for (String word : words) {
            conditions.add("(p.family_norm LIKE ? OR p.given_norm LIKE ? OR p.given_norm LIKE ?)");
            parameters.add("%" + word + "%");
            parameters.add(word + "%");
            parameters.add("% " + word + "%");
        }
    }

    private static void prefix(List<String> conditions, List<Object> parameters, String column, String value) {
        if (value == null) {
            return;
        }
        if (value.isEmpty()) {
            // Nothing searchable left (only punctuation): matches nobody rather than everybody.
            conditions.add("1 = 0");
            return;
        }
        // Normalised values hold only letters and digits, so they need no LIKE escaping.
        conditions.add(column + " LIKE ?");
        parameters.add(value + "%");
    }
}
