package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Demographics.BirthDatePrecision;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * Rectification (UK GDPR art. 16) with history: a correction of a person's demographics keeps the values it replaced
 * in {@code wm_patient_history}, with who corrected them, when and why, and is audited (naming the fields, never their
 * values). A verified NHS number given here is used for linkage like one from a referrer.
 */
@Component(service = Rectifications.class)
public final class Rectifications {
    private static final Pattern YEAR = Pattern.compile("\\d{4}");
    private static final Pattern YEAR_MONTH = Pattern.compile("\\d{4}-\\d{2}");
    static final Set<String> GENDERS = Set.of("male", "female", "other", "unknown");

    private final DataSource db;
    private final ReferralService referrals;
    private final AuditLog audit;
    private final Clock clock;

    /** A correction: absent fields stay as they are; a reason is required. */
    public record Correction(String nhsNumber, String family, String given, String birthDate, String gender, String postcode,
                             String reason) {
    }

    /**
     * One earlier state of the person's demographics, as it was before a correction.
     *
     * @param birthDate as FHIR writes it, at the precision known: 1950, 1950-05 or 1950-05-01
     */
    public record Previous(String id, long version, String nhsNumber, Boolean nhsVerified, String family, String given,
                           String birthDate, String gender, String postcode, String reason, String changedBy, Instant changedAt) {
    }

    @Activate
    public Rectifications(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                          @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.referrals)") SchemaReady schema,
                          @Reference ReferralService referrals, @Reference AuditLog audit) {
        this(db, referrals, audit, Clock.systemUTC());
    }

    Rectifications(DataSource db, ReferralService referrals, AuditLog audit, Clock clock) {
        this.db = db;
        this.referrals = referrals;
        this.audit = audit;
        this.clock = clock;
    }

    public Patient correct(Caller caller, String patientId, Correction correction, Long expectedVersion) {
        if (correction == null || correction.reason() == null || correction.reason().isBlank()) {
            throw WaymarkException.invalid("A correction needs a reason");
        }
        NhsNumber nhs = correction.nhsNumber() == null ? null : NhsNumber.parse(correction.nhsNumber())
                .orElseThrow(() -> WaymarkException.invalid("An NHS number has 10 digits"));
        Demographics born = correction.birthDate() == null ? null : birthDate(correction.birthDate().strip());
        if (born != null) {
            PlausibleDates.requireBirthDate(born.birthDate(), LocalDate.now(clock), "birthDate");
        }
        // The same rules as a referral entered by hand: a person keeps a family name (a blank one left records no
        // search or linkage could find); a given name may be cleared.
        if (correction.postcode() != null && correction.postcode().strip().length() > 16) {
            // As a referral entered by hand: refused, not cut (found probing).
            throw WaymarkException.invalid("postcode is longer than 16 characters");
        }
        String family = correction.family() == null ? null : VisibleReferrals.text(correction.family(), "family", 100, true);
        String given = correction.given() == null ? null : VisibleReferrals.text(correction.given(), "given", 100, false);
        String gender = correction.gender() == null ? null : correction.gender().strip().toLowerCase(Locale.ROOT);
        if (gender != null && !GENDERS.contains(gender)) {
            throw WaymarkException.invalid("gender must be one of " + GENDERS);
        }
        Patient current = referrals.findPatient(caller, patientId)
                .orElseThrow(() -> WaymarkException.notFound("No person with this id in your areas"));
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                    "Someone else changed this person's details first; reload and try again");
        }
        Instant now = clock.instant();
        List<String> changed = new ArrayList<>();
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement history = c.prepareStatement("INSERT INTO wm_patient_history (id, patient_id, version, nhs_number,"
                    + " nhs_verified, family, given, birth_date, birth_date_precision, gender, postcode, reason, changed_by, changed_at)"
                    + " SELECT ?, id, version, nhs_number, nhs_verified, family, given, birth_date, birth_date_precision, gender,"
                    + " postcode, ?, ?, ?"
                    + " FROM wm_patient WHERE id = ? AND version = ?")) {
                history.setString(1, RowIds.next());
                history.setString(2, PatientLinker.clip(correction.reason().strip(), 500));
                history.setString(3, PatientLinker.clip(caller.id(), 128));
                history.setTimestamp(4, Timestamp.from(now));
                history.setString(5, patientId);
                history.setLong(6, current.version());
                if (history.executeUpdate() != 1) {
                    throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                            "Someone else changed this person's details first; reload and try again");
                }
            }
            StringBuilder set = new StringBuilder("version = version + 1, updated_at = ?");
            List<Object> values = new ArrayList<>(List.of(Timestamp.from(now)));
            if (nhs != null) {
                set.append(", nhs_number = ?, nhs_verified = ?, verified_nhs_number = ?");
                values.addAll(java.util.Arrays.asList(nhs.value(), nhs.verified(), nhs.verified() ? nhs.value() : null));
                changed.add("nhsNumber");
            }
            if (family != null) {
                set.append(", family = ?, family_norm = ?");
                values.add(family);
                values.add(PatientLinker.clip(PatientLinker.normalise(family), 100));
                changed.add("family");
            }
            if (correction.given() != null) {
                set.append(", given = ?, given_norm = ?");
                values.add(given);
                values.add(PatientLinker.normaliseGiven(given));
                changed.add("given");
            }
            if (born != null) {
                set.append(", birth_date = ?, birth_date_precision = ?");
                values.add(Date.valueOf(born.birthDate()));
                values.add(ReferralRows.precisionColumn(born.birthDatePrecision()));
                changed.add("birthDate");
            }
            if (gender != null) {
                set.append(", gender = ?");
                values.add(gender);
                changed.add("gender");
            }
            if (correction.postcode() != null) {
                set.append(", postcode = ?, postcode_norm = ?");
                values.add(PatientLinker.clip(correction.postcode().strip().toUpperCase(Locale.ROOT), 16));
                values.add(PatientLinker.clip(PatientLinker.normalisePostcode(correction.postcode()), 16));
                changed.add("postcode");
            }
            if (changed.isEmpty()) {
                throw WaymarkException.invalid("Nothing to correct: give at least one of nhsNumber, family, given, birthDate, gender, postcode");
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE wm_patient SET " + set + " WHERE id = ? AND version = ?")) {
                for (int i = 0; i < values.size(); i++) {
                    update.setObject(i + 1, values.get(i));
                }
                update.setString(values.size() + 1, patientId);
                update.setLong(values.size() + 2, current.version());
                if (update.executeUpdate() != 1) {
                    // Another correction of the same version committed first: this one's history row and audit entry
                    // roll back with it (found probing: of ten at once, three were told they had saved).
                    throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                            "Someone else changed this person's details first; reload and try again");
                }
            } catch (SQLException e) {
                if (Jdbc.isUniqueViolation(e)) {
                    throw WaymarkException.conflict("Another person already has this verified NHS number: check it with the referrer. If both records are the same"
                            + " person, say so in a case note; merging two established records is not offered yet");
                }
                throw e;
            }
            if (family != null) {
                // The caseload searches names on the referrals' own copy (changeSet 8-caseload-indexes).
                try (PreparedStatement copy = c.prepareStatement("UPDATE wm_referral SET family_norm = ? WHERE patient_id = ?")) {
                    copy.setString(1, PatientLinker.clip(PatientLinker.normalise(family), 100));
                    copy.setString(2, patientId);
                    copy.executeUpdate();
                }
            }
            audit.record(c, caller, AuditLog.Action.UPDATE, "Patient", patientId + " rectified " + String.join(",", changed), patientId);
            return null;
        });
        return referrals.findPatient(caller, patientId).orElseThrow();
    }

    /** A corrected birth date: a whole date, or as FHIR allows only its year (1950) or month (1950-05). */
    private static Demographics birthDate(String text) {
        try {
            if (YEAR.matcher(text).matches()) {
                return new Demographics(null, null, Year.parse(text).atDay(1), null, null, BirthDatePrecision.YEAR);
            }
            if (YEAR_MONTH.matcher(text).matches()) {
                return new Demographics(null, null, YearMonth.parse(text).atDay(1), null, null, BirthDatePrecision.MONTH);
            }
            return new Demographics(null, null, LocalDate.parse(text), null, null, BirthDatePrecision.DAY);
        } catch (DateTimeParseException e) {
            throw WaymarkException.invalid("birthDate must be a date such as 1950-05-01 (or only 1950-05, or 1950, when that is all that is known)");
        }
    }

    /** The person's earlier demographics, newest first; only for staff who may see the person. */
    public List<Previous> history(Caller caller, String patientId) {
        referrals.findPatient(caller, patientId)
                .orElseThrow(() -> WaymarkException.notFound("No person with this id in your areas"));
        return Jdbc.inTransaction(db, c -> {
            List<Previous> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, version, nhs_number, nhs_verified, family, given, birth_date,"
                    + " gender, postcode, reason, changed_by, changed_at, birth_date_precision FROM wm_patient_history WHERE patient_id = ? ORDER BY changed_at DESC, version DESC")) {
                s.setString(1, patientId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        boolean verified = r.getBoolean(4);
                        out.add(new Previous(r.getString(1), r.getLong(2), r.getString(3), r.wasNull() ? null : verified,
                                r.getString(5), r.getString(6), ReferralRows.birthDateText(r.getDate(7), r.getString(13)), r.getString(8),
                                r.getString(9), r.getString(10), r.getString(11), r.getTimestamp(12).toInstant()));
                    }
                }
            }
            audit.record(c, caller, AuditLog.Action.READ, "PatientHistory", patientId, patientId);
            return out;
        });
    }
}
