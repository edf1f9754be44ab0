package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Subject;

/**
 * The known patients a new referral might be about, found through indexed columns only (same birth date, family
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
        Map<String, Patient> found = new LinkedHashMap<>();
        if (subject.nhsNumber() != null) {
            query(c, "p.nhs_number = ?", subject.nhsNumber().value(), area, found);
        }
        if (subject.demographics().birthDate() != null) {
            query(c, "p.birth_date = ?", Date.valueOf(subject.demographics().birthDate()), area, found);
        }
        String family = subject.demographics().family() == null ? "" : PatientLinker.normalise(subject.demographics().family());
        if (family.length() >= 2) {
            String prefix = family.substring(0, Math.min(FAMILY_PREFIX, family.length()));
            query(c, "p.family_norm LIKE ?", prefix + "%", area, found);
        }
        return List.copyOf(found.values());
    }

    private static void query(Connection c, String condition, Object value, String area, Map<String, Patient> found)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ReferralRows.PATIENT_COLUMNS + " FROM wm_patient p WHERE "
                + condition + " AND EXISTS (SELECT 1 FROM wm_referral r WHERE r.patient_id = p.id AND r.area = ?)"
                + " FETCH FIRST " + CAP + " ROWS ONLY")) {
            s.setObject(1, value);
            s.setString(2, area);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Patient patient = ReferralRows.patient(r);
                    found.putIfAbsent(patient.id(), patient);
                }
            }
        }
    }
}
