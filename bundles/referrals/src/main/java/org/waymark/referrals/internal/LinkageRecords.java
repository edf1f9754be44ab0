package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import org.waymark.api.referral.Intake.PatientOutcome;
import org.waymark.platform.db.RowIds;

/**
 * Writes the linkage trail: one decision row per decision (a rule's, with its score, or a person's) and, when a
 * person must confirm a match, the review item with its candidates. Called inside the referral's transaction, so a
 * referral never exists without the record of how it found its patient.
 */
final class LinkageRecords {
    static final String SYSTEM = "system";

    private LinkageRecords() {
    }

    /** Records how a new referral was linked and, if doubtful, queues it for review. */
    static void record(Connection c, String referralId, String area, PatientLinker.Link link, Instant now) throws SQLException {
        String outcome = switch (link.outcome()) {
            case MATCHED -> "linked";
            case CREATED -> "new-patient";
            case CREATED_FOR_REVIEW -> "review";
        };
        decision(c, referralId, link.patientId(), outcome, link.rule(), link.score(), link.detail(), SYSTEM, now);
        if (link.outcome() == PatientOutcome.CREATED_FOR_REVIEW) {
            String reviewId = RowIds.next();
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_linkage_review (id, referral_id, patient_id, area, "
                    + "reason, status, created_at) VALUES (?,?,?,?,?,?,?)")) {
                s.setString(1, reviewId);
                s.setString(2, referralId);
                s.setString(3, link.patientId());
                s.setString(4, area);
                s.setString(5, link.reviewReason());
                s.setString(6, "pending");
                s.setTimestamp(7, Timestamp.from(now));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO wm_linkage_candidate (review_id, patient_id, score, detail) VALUES (?,?,?,?)")) {
                for (PatientLinker.Candidate candidate : link.candidates()) {
                    s.setString(1, reviewId);
                    s.setString(2, candidate.patientId());
                    s.setInt(3, candidate.score());
                    s.setString(4, PatientLinker.clip(candidate.detail(), 500));
                    s.addBatch();
                }
                if (!link.candidates().isEmpty()) {
                    s.executeBatch();
                }
            }
        }
    }

    static void decision(Connection c, String referralId, String patientId, String outcome, String rule, Integer score,
                         String detail, String decidedBy, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_linkage_decision (id, referral_id, patient_id, outcome, "
                + "rule_name, score, detail, decided_by, decided_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, RowIds.next());
            s.setString(2, referralId);
            s.setString(3, patientId);
            s.setString(4, outcome);
            s.setString(5, rule);
            if (score == null) {
                s.setNull(6, Types.INTEGER);
            } else {
                s.setInt(6, score);
            }
            s.setString(7, PatientLinker.clip(detail, 500));
            s.setString(8, PatientLinker.clip(decidedBy, 64));
            s.setTimestamp(9, Timestamp.from(now));
            s.executeUpdate();
        }
    }
}
