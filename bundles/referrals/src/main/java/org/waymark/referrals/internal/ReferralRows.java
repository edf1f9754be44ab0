package org.waymark.referrals.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Demographics.BirthDatePrecision;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;

/** Maps rows of wm_referral (joined with the patient's NHS number) and wm_patient to domain records. */
final class ReferralRows {
    static final String REFERRAL_COLUMNS = "r.id, r.task_id, r.patient_id, p.nhs_number, p.nhs_verified, p.given, p.family, r.sender_id, r.area, "
            + "r.identifier_system, r.identifier_value, r.status, r.status_reason, r.reason_text, r.reason_code, r.priority, "
            + "r.authored_on, r.requester, r.note, r.assignee, r.version, r.created_at, r.updated_at, r.outcome, r.episode_code, r.business_identifiers";
    static final String REFERRAL_FROM = " FROM wm_referral r JOIN wm_patient p ON p.id = r.patient_id";
    static final String PATIENT_COLUMNS = "p.id, p.nhs_number, p.nhs_verified, p.family, p.given, p.birth_date, p.gender, "
            + "p.postcode, p.version, p.updated_at, p.birth_date_precision";

    private ReferralRows() {
    }

    static Referral referral(ResultSet r) throws SQLException {
        return new Referral(r.getString(1), r.getString(2), r.getString(3), nhsNumber(r.getString(4), r.getBoolean(5)),
                displayName(r.getString(6), r.getString(7)), r.getString(8), r.getString(9), r.getString(10), r.getString(11),
                ReferralStatus.fromCode(r.getString(12)).orElseThrow(), r.getString(13), r.getString(14), r.getString(15),
                r.getString(16), instant(r.getTimestamp(17)), r.getString(18), r.getString(19), r.getString(20),
                r.getLong(21), instant(r.getTimestamp(22)), instant(r.getTimestamp(23)), r.getString(24), r.getString(25),
                BusinessIdentifiers.decode(r.getString(26)));
    }

    static Patient patient(ResultSet r) throws SQLException {
        java.sql.Date birth = r.getDate(6);
        LocalDate birthDate = birth == null ? null : birth.toLocalDate();
        return new Patient(r.getString(1), nhsNumber(r.getString(2), r.getBoolean(3)),
                new Demographics(r.getString(4), r.getString(5), birthDate, r.getString(7), r.getString(8),
                        precision(r.getString(11))),
                r.getLong(9), instant(r.getTimestamp(10)));
    }

    /** wm_patient.birth_date_precision: 'year' or 'month' for a partial birth date, null for a whole one. */
    static String precisionColumn(BirthDatePrecision precision) {
        return precision == null || precision == BirthDatePrecision.DAY ? null : precision.name().toLowerCase(Locale.ROOT);
    }

    static BirthDatePrecision precision(String column) {
        return column == null ? BirthDatePrecision.DAY : BirthDatePrecision.valueOf(column.toUpperCase(Locale.ROOT));
    }

    /** A stored birth date as FHIR writes it at its precision (1965, 1971-06, 1965-08-15), or null. */
    static String birthDateText(java.sql.Date birthDate, String precisionColumn) {
        return birthDate == null ? null : precision(precisionColumn).format(birthDate.toLocalDate());
    }

    private static String displayName(String given, String family) {
        String name = ((given == null ? "" : given) + " " + (family == null ? "" : family)).strip();
        return name.isEmpty() ? null : name;
    }

    private static NhsNumber nhsNumber(String value, boolean verified) {
        return value == null ? null : new NhsNumber(value, verified);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
