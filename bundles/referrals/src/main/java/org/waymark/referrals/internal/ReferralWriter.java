package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Intake.PatientOutcome;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * Stores one new referral inside the caller's transaction: finds its patient, inserts it with its Task, and records
 * the linkage decision. Every way a referral arrives (a plain POST, a BaRS message, a transaction Bundle) goes
 * through here, so they all link and record alike.
 */
final class ReferralWriter {
    private final PatientLinker linker = new PatientLinker();
    /** Schedules the area's triage with the referral; null where no triage runs (unit tests of linkage). */
    private final ReferralTriage triage;
    /** Schedules the profile validation of a FHIR document; null where none runs (referrals entered by hand, tests). */
    private final ReferralValidation validation;

    ReferralWriter(ReferralTriage triage, ReferralValidation validation) {
        this.triage = triage;
        this.validation = validation;
    }

    /** The sender already stored a referral with this identifier (a concurrent retry won the race). */
    static final class DuplicateIdentifier extends RuntimeException {
        DuplicateIdentifier() {
            super(null, null, false, false);
        }
    }

    record Stored(String referralId, PatientLinker.Link link) {
    }

    /** The stored width of a referral's identifier system and value. */
    static final int MAX_IDENTIFIER_LENGTH = 200;

    /**
     * Refuses an identifier longer than it is stored. Cut short, two identifiers sharing a prefix would be one referral
     * (a retry answered with another referral), and the lookup by the whole identifier would never find the cut one.
     */
    static void requireStorableIdentity(NewReferral referral) {
        if (length(referral.identifierSystem()) > MAX_IDENTIFIER_LENGTH || length(referral.identifierValue()) > MAX_IDENTIFIER_LENGTH) {
            throw WaymarkException.invalid("The referral's identifier may have at most " + MAX_IDENTIFIER_LENGTH
                    + " characters in its system and in its value");
        }
        BusinessIdentifiers.requireStorable(referral.businessIdentifiers());
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /**
     * @param sameSubject the link of an earlier referral of the same transaction about the same person, or null
     */
    Stored store(Connection c, Caller sender, String area, NewReferral referral, PatientLinker.Link sameSubject, Instant now)
            throws SQLException {
        PatientLinker.Link link;
        if (sameSubject != null) {
            link = sameSubject.outcome() == PatientOutcome.CREATED_FOR_REVIEW ? sameSubject
                    : new PatientLinker.Link(sameSubject.patientId(), sameSubject.nhsNumber(), sameSubject.warnings(),
                    PatientOutcome.MATCHED, "same-transaction-entry", null, null, null, List.of());
        } else if (referral.subject().existingPatientId() != null) {
            link = PatientLinker.Link.referrerReference(visiblePatient(c, sender, referral.subject().existingPatientId()));
        } else {
            link = linker.link(c, referral.subject(), area, now);
        }
        String id = RowIds.next();
        try {
            insertReferral(c, id, link.patientId(), sender.id(), area, referral, now);
        } catch (SQLException e) {
            if (Jdbc.isUniqueViolation(e)) {
                throw new DuplicateIdentifier();
            }
            throw e;
        }
        ReferralFlags.storeSent(c, id, referral, now);
        LinkageRecords.record(c, id, area, link, now);
        if (triage != null) {
            triage.scheduleIfRuled(c, id, area);
        }
        if (validation != null) {
            validation.scheduleIfFhir(c, id, referral.sourceFormat(), referral.sourceDocument());
        }
        return new Stored(id, link);
    }

    private static String visiblePatient(Connection c, Caller sender, String patientId) throws SQLException {
        DataScope scope = DataScope.of(sender);
        try (PreparedStatement s = c.prepareStatement("SELECT p.id FROM wm_patient p WHERE p.id = ? AND " + scope.patientCondition("p"))) {
            s.setString(1, patientId);
            int index = 2;
            for (Object parameter : scope.parameters()) {
                s.setObject(index++, parameter);
            }
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw WaymarkException.unprocessable("The referral's subject Patient/" + PatientLinker.clip(patientId, 64)
                            + " is not known to this service");
                }
                return r.getString(1);
            }
        }
    }

    private static void insertReferral(Connection c, String id, String patientId, String senderId, String area, NewReferral n,
                                       Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral (id, task_id, patient_id, sender_id, area, "
                + "identifier_system, identifier_value, status, reason_text, reason_code, priority, authored_on, requester, note, "
                + "version, created_at, updated_at, source_format, family_norm, sender_request_id, business_identifiers) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,(SELECT p.family_norm FROM wm_patient p WHERE p.id = ?),?,?)")) {
            s.setString(1, id);
            s.setString(2, RowIds.next());
            s.setString(3, patientId);
            s.setString(4, senderId);
            s.setString(5, area);
            // Whole: requireStorableIdentity refused anything longer than the columns before the retry lookup.
            s.setString(6, n.identifierSystem());
            s.setString(7, n.identifierValue());
            s.setString(8, ReferralStatus.REQUESTED.code());
            s.setString(9, PatientLinker.clip(n.reasonText(), NewReferral.MAX_REASON_TEXT));
            s.setString(10, PatientLinker.clip(n.reasonCode(), 300));
            s.setString(11, n.priority());
            s.setTimestamp(12, n.authoredOn() == null ? null : Timestamp.from(n.authoredOn()));
            s.setString(13, PatientLinker.clip(n.requester(), NewReferral.MAX_REQUESTER));
            s.setString(14, PatientLinker.clip(n.note(), NewReferral.MAX_NOTE));
            s.setLong(15, 1);
            s.setTimestamp(16, Timestamp.from(now));
            s.setTimestamp(17, Timestamp.from(now));
            s.setString(18, n.sourceFormat());
            s.setString(19, patientId);
            s.setString(20, n.senderRequestId());
            s.setString(21, BusinessIdentifiers.encode(n.businessIdentifiers()));
            s.executeUpdate();
        }
        BusinessIdentifiers.store(c, id, n.businessIdentifiers());
        SourceDocuments.store(c, id, n.sourceFormat(), n.sourceDocument());
    }
}
