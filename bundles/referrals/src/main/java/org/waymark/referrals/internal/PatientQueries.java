package org.waymark.referrals.internal;

import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.waymark.api.referral.PatientSearch;

/** A patient search as SQL over the normalised, indexed columns (names and postcodes match from their start). */
final class PatientQueries {
    record Criteria(String condition, List<Object> parameters) {
    }

    private PatientQueries() {
    }

    static Criteria criteria(PatientSearch search) {
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        if (search.nhsNumber() != null) {
            conditions.add("p.nhs_number = ?");
            parameters.add(search.nhsNumber());
        }
        prefix(conditions, parameters, "p.family_norm", search.family() == null ? null : PatientLinker.normalise(search.family()));
        prefix(conditions, parameters, "p.given_norm", search.given() == null ? null : PatientLinker.normalise(search.given()));
        // normalisePostcode answers null for nothing searchable ("%", "!!!"): that must match nobody, not be no criterion
        // (found probing: address-postalcode=% listed everyone in scope).
        prefix(conditions, parameters, "p.postcode_norm", search.postcode() == null ? null
                : java.util.Objects.requireNonNullElse(PatientLinker.normalisePostcode(search.postcode()), ""));
        if (search.birthDateFrom() != null) {
            conditions.add("p.birth_date >= ?");
            parameters.add(Date.valueOf(search.birthDateFrom()));
        }
        if (search.birthDateTo() != null) {
            conditions.add("p.birth_date <= ?");
            parameters.add(Date.valueOf(search.birthDateTo()));
        }
        return new Criteria(conditions.isEmpty() ? "1 = 1" : String.join(" AND ", conditions), parameters);
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
