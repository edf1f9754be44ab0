package org.waymark.referrals.internal.governance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.waymark.api.governance.PersonalDataContributor;
import org.waymark.referrals.internal.InboundMessages;
import org.waymark.referrals.internal.SourceDocuments;

/**
 * The referrals bundle's own personal data: the person, their referrals (with the original message as received), the
 * stored inbound messages and their answers, linkage decisions and reviews, contact attempts, notes, appointments,
 * plans, goals, measures and the demographic corrections. Not registered as a service: {@link PersonalData} asks
 * every other contributor first and this one last, since the person's row is what the others' rows refer to.
 */
final class ReferralRecords implements PersonalDataContributor {

    /** The original documents and the answers to messages, kept compressed: exported as text by their own classes. */
    private static final String DOCUMENTS = "documentsAsReceived";
    private static final String MESSAGES = "messagesReceived";
    /** Per-referral tables, children before parents (the order deletes must follow). */
    private static final List<String[]> PER_REFERRAL = List.of(
            new String[] {"measureAnswers", "SELECT a.* FROM wm_measure_answer a JOIN wm_measure_response m ON m.id = a.response_id WHERE m.referral_id IN (%s)",
                    "DELETE FROM wm_measure_answer WHERE response_id IN (SELECT id FROM wm_measure_response WHERE referral_id IN (%s))"},
            new String[] {"measureResponses", "SELECT * FROM wm_measure_response WHERE referral_id IN (%s) ORDER BY recorded_at",
                    "DELETE FROM wm_measure_response WHERE referral_id IN (%s)"},
            new String[] {"goalProgress", "SELECT p.* FROM wm_care_goal_progress p JOIN wm_care_goal g ON g.id = p.goal_id WHERE g.referral_id IN (%s) ORDER BY p.recorded_at",
                    "DELETE FROM wm_care_goal_progress WHERE goal_id IN (SELECT id FROM wm_care_goal WHERE referral_id IN (%s))"},
            new String[] {"goals", "SELECT * FROM wm_care_goal WHERE referral_id IN (%s) ORDER BY created_at",
                    "DELETE FROM wm_care_goal WHERE referral_id IN (%s)"},
            new String[] {"plans", "SELECT * FROM wm_care_plan WHERE referral_id IN (%s)",
                    "DELETE FROM wm_care_plan WHERE referral_id IN (%s)"},
            new String[] {"appointments", "SELECT * FROM wm_case_appointment WHERE referral_id IN (%s) ORDER BY starts_at",
                    "DELETE FROM wm_case_appointment WHERE referral_id IN (%s)"},
            new String[] {"notes", "SELECT * FROM wm_case_note WHERE referral_id IN (%s) ORDER BY recorded_at",
                    "DELETE FROM wm_case_note WHERE referral_id IN (%s)"},
            new String[] {"contactAttempts", "SELECT * FROM wm_contact_attempt WHERE referral_id IN (%s) ORDER BY contacted_at",
                    "DELETE FROM wm_contact_attempt WHERE referral_id IN (%s)"},
            new String[] {"linkageCandidates", "SELECT c.* FROM wm_linkage_candidate c JOIN wm_linkage_review v ON v.id = c.review_id WHERE v.referral_id IN (%s)",
                    "DELETE FROM wm_linkage_candidate WHERE review_id IN (SELECT id FROM wm_linkage_review WHERE referral_id IN (%s))"},
            new String[] {"linkageReviews", "SELECT * FROM wm_linkage_review WHERE referral_id IN (%s) ORDER BY created_at",
                    "DELETE FROM wm_linkage_review WHERE referral_id IN (%s)"},
            new String[] {"linkageDecisions", "SELECT * FROM wm_linkage_decision WHERE referral_id IN (%s) ORDER BY decided_at",
                    "DELETE FROM wm_linkage_decision WHERE referral_id IN (%s)"},
            new String[] {MESSAGES, null,
                    "DELETE FROM wm_inbound_message WHERE referral_id IN (%s)"},
            new String[] {"flags", "SELECT * FROM wm_referral_flag WHERE referral_id IN (%s) ORDER BY raised_at",
                    "DELETE FROM wm_referral_flag WHERE referral_id IN (%s)"},
            new String[] {"consent", "SELECT * FROM wm_referral_consent WHERE referral_id IN (%s)",
                    "DELETE FROM wm_referral_consent WHERE referral_id IN (%s)"},
            new String[] {"validationIssues", "SELECT * FROM wm_referral_validation_issue WHERE referral_id IN (%s) ORDER BY referral_id, position",
                    "DELETE FROM wm_referral_validation_issue WHERE referral_id IN (%s)"},
            new String[] {"validation", "SELECT * FROM wm_referral_validation WHERE referral_id IN (%s)",
                    "DELETE FROM wm_referral_validation WHERE referral_id IN (%s)"},
            new String[] {"triage", "SELECT * FROM wm_triage WHERE referral_id IN (%s)",
                    "DELETE FROM wm_triage WHERE referral_id IN (%s)"},
            new String[] {DOCUMENTS, null, "DELETE FROM wm_referral_document WHERE referral_id IN (%s)"},
            new String[] {"referrals", "SELECT * FROM wm_referral WHERE id IN (%s) ORDER BY created_at",
                    "DELETE FROM wm_referral WHERE id IN (%s)"});

    @Override
    public String name() {
        return "referrals";
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("person", query(c, "SELECT id, nhs_number, nhs_verified, family, given, birth_date, gender, postcode, version,"
                + " created_at, updated_at FROM wm_patient WHERE id = ?", List.of(patientId)));
        out.put("corrections", query(c, "SELECT id, version, nhs_number, nhs_verified, family, given, birth_date, gender, postcode,"
                + " reason, changed_by, changed_at FROM wm_patient_history WHERE patient_id = ? ORDER BY changed_at", List.of(patientId)));
        if (!referralIds.isEmpty()) {
            List<Object> ids = new ArrayList<>(referralIds);
            for (int i = PER_REFERRAL.size() - 1; i >= 0; i--) {
                String[] table = PER_REFERRAL.get(i);
                String in = placeholders(ids.size());
                out.put(table[0], switch (table[0]) {
                    case DOCUMENTS -> SourceDocuments.export(c, ids, in);
                    case MESSAGES -> InboundMessages.export(c, ids, in);
                    default -> query(c, table[1].formatted(in), ids);
                });
            }
        }
        return out;
    }

    @Override
    public int erase(Connection c, Erasure erasure) throws SQLException {
        int rows = 0;
        if (!erasure.referralIds().isEmpty()) {
            List<Object> ids = new ArrayList<>(erasure.referralIds());
            for (String[] table : PER_REFERRAL) {
                rows += update(c, table[2].formatted(placeholders(ids.size())), ids);
            }
        }
        if (erasure.wholePerson()) {
            List<Object> patient = List.of(erasure.patientId());
            // Reviews that named this person as a possible match for someone else's referral.
            rows += update(c, "DELETE FROM wm_linkage_candidate WHERE patient_id = ?", patient);
            rows += update(c, "DELETE FROM wm_patient_history WHERE patient_id = ?", patient);
            rows += update(c, "DELETE FROM wm_patient WHERE id = ?", patient);
        }
        return rows;
    }

    static String placeholders(int count) {
        return "?,".repeat(count - 1) + "?";
    }

    static List<Map<String, Object>> query(Connection c, String sql, List<Object> values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                return PersonalDataContributor.rows(r);
            }
        }
    }

    static int update(Connection c, String sql, List<Object> values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                s.setObject(i + 1, values.get(i));
            }
            return s.executeUpdate();
        }
    }
}
