package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.waymark.api.referral.Demographics.BirthDatePrecision;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Subject;

/**
 * The known patients a new referral might be about, found through indexed columns only (same birth date or one
 * whose period overlaps it when either is known only to the month or year, family
 * name starting alike, the same unverified NHS number as sent), each lookup capped, so that linkage never scans the
 * whole table. Only patients with a referral in the same area are considered: staff of one area must not see, in a
 * review, people known only to another.
 */
final class PatientCandidates {
    /** Per lookup; a birth date shared by more patients than this in one area is not a useful candidate set anyway. */
    static final int CAP = 200;
    private static final int FAMILY_PREFIX = 4;

    private PatientCandidates() {
    }

    static List<Patient> find(Connection c, Subject subject, String area) throws SQLException {
        return find(c, subject, area, false);
    }

    /**
     * @param unnumberedOnly only patients without a verified NHS number, looked for by birth date alone: asked in the
     *                       database, not filtered after it, so that people with verified numbers sharing the birth
     *                       date cannot fill the lookup's cap and hide the one unnumbered record that is this person.
     *                       Not by family name: this runs for every new verified number, and the filter is checked
     *                       row by row, so a common family name (thousands of Smiths) would be read whole each time,
     *                       where a birth date in one area is shared by a few dozen people at most
     */
    static List<Patient> find(Connection c, Subject subject, String area, boolean unnumberedOnly) throws SQLException {
        Map<String, Patient> found = new LinkedHashMap<>();
        String only = unnumberedOnly ? " AND p.verified_nhs_number IS NULL" : "";
        if (subject.nhsNumber() != null) {
            query(c, "", "p.nhs_number = ?" + only, area, found, subject.nhsNumber().value());
        }
        LocalDate born = subject.demographics().birthDate();
        if (born != null) {
            BirthDatePrecision precision = subject.demographics().birthDatePrecision();
            if (precision == BirthDatePrecision.DAY) {
                // The same day, or a partial date stored as the first day of the same month or year.
                query(c, BY_BIRTH_DATE, "p.birth_date IN (?, ?, ?)" + only, area, found, Date.valueOf(born),
                        Date.valueOf(BirthDatePrecision.MONTH.start(born)), Date.valueOf(BirthDatePrecision.YEAR.start(born)));
            } else {
                query(c, BY_BIRTH_DATE, "p.birth_date BETWEEN ? AND ?" + only, area, found, Date.valueOf(born),
                        Date.valueOf(precision.end(born)));
            }
        }
        String family = subject.demographics().family() == null ? "" : PatientLinker.normalise(subject.demographics().family());
        if (family.length() >= 2 && !unnumberedOnly) {
            String prefix = family.substring(0, Math.min(FAMILY_PREFIX, family.length()));
            query(c, "", "p.family_norm LIKE ?" + only, area, found, prefix + "%");
        }
        return List.copyOf(found.values());
    }

    /**
     * Names the birth-date index to Derby (a comment to any other database). For "verified_nhs_number IS NULL" Derby
     * chose the unique index on verified numbers and read every unnumbered person (30,127 rows a lookup at 300,000
     * people, a tenth of them unnumbered), where this index holds both columns and reads a few entries.
     */
    static final String BY_BIRTH_DATE = " --DERBY-PROPERTIES index=WM_PATIENT_BIRTH_UNNUMBERED\n";

    private static void query(Connection c, String indexHint, String condition, String area, Map<String, Patient> found,
                              Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ReferralRows.PATIENT_COLUMNS + " FROM wm_patient p" + indexHint
                + " WHERE " + condition + " AND EXISTS (SELECT 1 FROM wm_referral r WHERE r.patient_id = p.id AND r.area = ?)"
                + " FETCH FIRST " + CAP + " ROWS ONLY")) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.setString(values.length + 1, area);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Patient patient = ReferralRows.patient(r);
                    found.putIfAbsent(patient.id(), patient);
                }
            }
        }
    }
}
