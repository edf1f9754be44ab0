package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Subject;

/**
 * Links a new referral to a local patient inside the referral's transaction: an exact verified NHS number links to
 * the existing patient; anything else creates a new patient record. An unverified number (failed mod-11 check) is
 * stored as sent but never used to link, and the sender is warned.
 */
final class PatientLinker {

    record Link(String patientId, NhsNumber nhsNumber, List<String> warnings) {
    }

    Link link(Connection c, Subject subject, Instant now) throws SQLException {
        NhsNumber nhs = subject.nhsNumber();
        if (nhs != null && nhs.verified()) {
            Optional<String> existing = findVerified(c, nhs.value());
            if (existing.isPresent()) {
                return new Link(existing.get(), nhs, List.of());
            }
            // Another transaction may create the same patient at the same moment: the unique index decides, and
            // the loser links to the winner's record.
            Savepoint beforeInsert = c.setSavepoint();
            try {
                return new Link(insert(c, nhs, subject.demographics(), now), nhs, List.of());
            } catch (SQLIntegrityConstraintViolationException concurrentlyCreated) {
                c.rollback(beforeInsert);
                return new Link(findVerified(c, nhs.value()).orElseThrow(() -> concurrentlyCreated), nhs, List.of());
            }
        }
        List<String> warnings = nhs == null ? List.of()
                : List.of("The NHS number fails its check digit: it is stored as sent, unverified, and was not used to link the patient");
        return new Link(insert(c, nhs, subject.demographics(), now), nhs, warnings);
    }

    private static Optional<String> findVerified(Connection c, String nhsNumber) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM wm_patient WHERE verified_nhs_number = ?")) {
            s.setString(1, nhsNumber);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    private static String insert(Connection c, NhsNumber nhs, Demographics d, Instant now) throws SQLException {
        String id = UUID.randomUUID().toString();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_patient (id, nhs_number, nhs_verified, verified_nhs_number, "
                + "family, given, family_norm, birth_date, gender, postcode, version, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, id);
            s.setString(2, nhs == null ? null : nhs.value());
            s.setBoolean(3, nhs != null && nhs.verified());
            s.setString(4, nhs != null && nhs.verified() ? nhs.value() : null);
            s.setString(5, clip(d.family(), 100));
            s.setString(6, clip(d.given(), 100));
            s.setString(7, d.family() == null ? null : clip(normalise(d.family()), 100));
            s.setDate(8, d.birthDate() == null ? null : Date.valueOf(d.birthDate()));
            s.setString(9, d.gender());
            s.setString(10, d.postcode() == null ? null : clip(d.postcode().toUpperCase(Locale.ROOT).replace(" ", ""), 16));
            s.setLong(11, 1);
            s.setTimestamp(12, Timestamp.from(now));
            s.setTimestamp(13, Timestamp.from(now));
            s.executeUpdate();
        }
        return id;
    }

    /** Lower case without accents or punctuation, so that searches by family name prefix are plain index scans. */
    static String normalise(String name) {
        String decomposed = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD);
        return decomposed.replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
