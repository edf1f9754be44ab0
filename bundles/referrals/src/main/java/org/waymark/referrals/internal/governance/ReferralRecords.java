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
import org.waymark.referrals.internal.CaseRecords;
import org.waymark.referrals.internal.InboundMessages;
import org.waymark.referrals.internal.PatientMerges;
import org.waymark.referrals.internal.SourceDocuments;

/**
 * The referrals bundle's own personal data: the person, their referrals (with the original message as received), the
 * stored inbound messages and their answers, linkage decisions and reviews, contact attempts, notes, appointments,
 * plans, goals, measures and the demographic corrections. Not registered as a service: {@link PersonalData} asks
 * every other contributor first and this one last, since the person's row is what the others' rows refer to.
 */
final class ReferralRecords implements PersonalDataContributor {

    /** How one section of the export reads the rows of the given referrals. */
    @FunctionalInterface
    private interface SectionExport {
        List<Map<String, Object>> rows(Connection c, List<Object> referralIds) throws SQLException;
    }

    /** A per-referral table: its section of the export, and the statement that erases its rows (IN list as %s). */
    private record PerReferral(String section, SectionExport export, String delete) {
    }

    /** A table exported as its rows are stored. */
    private static PerReferral table(String section, String select, String delete) {
        return new PerReferral(section, (c, ids) -> query(c, select.formatted(CaseRecords.parameterMarks(ids.size())), ids), delete);
    }

    /**
     * Per-referral tables, children before parents (the order deletes must follow). The original documents and the
     * answers to messages are kept compressed, so their own classes export them as text.
     */
    private static final List<PerReferral> PER_REFERRAL = List.of(
            table("measureAnswers", "SELECT a.* FROM wm_measure_answer a JOIN wm_measure_response m ON m.id = a.response_id WHERE m.referral_id IN (%s)",
                    "DELETE FROM wm_measure_answer WHERE response_id IN (SELECT id FROM wm_measure_response WHERE referral_id IN (%s))"),
            table("measureResponses", "SELECT * FROM wm_measure_response WHERE referral_id IN (%s) ORDER BY recorded_at",
                    "DELETE FROM wm_measure_response WHERE referral_id IN (%s)"),
            table("goalProgress", "SELECT p.* FROM wm_care_goal_progress p JOIN wm_care_goal g ON g.id = p.goal_id WHERE g.referral_id IN (%s) ORDER BY p.recorded_at",
                    "DELETE FROM wm_care_goal_progress WHERE goal_id IN (SELECT id FROM wm_care_goal WHERE referral_id IN (%s))"),
            table("goals", "SELECT * FROM wm_care_goal WHERE referral_id IN (%s) ORDER BY created_at",
                    "DELETE FROM wm_care_goal WHERE referral_id IN (%s)"),
            table("plans", "SELECT * FROM wm_care_plan WHERE referral_id IN (%s)",
                    "DELETE FROM wm_care_plan WHERE referral_id IN (%s)"),
            table("appointments", "SELECT * FROM wm_case_appointment WHERE referral_id IN (%s) ORDER BY starts_at",
                    "DELETE FROM wm_case_appointment WHERE referral_id IN (%s)"),
            table("notes", "SELECT * FROM wm_case_note WHERE referral_id IN (%s) ORDER BY recorded_at",
                    "DELETE FROM wm_case_note WHERE referral_id IN (%s)"),
            table("contactAttempts", "SELECT * FROM wm_contact_attempt WHERE referral_id IN (%s) ORDER BY contacted_at",
                    "DELETE FROM wm_contact_attempt WHERE referral_id IN (%s)"),
            table("linkageCandidates", "SELECT c.* FROM wm_linkage_candidate c JOIN wm_linkage_review v ON v.id = c.review_id WHERE v.referral_id IN (%s)",
                    "DELETE FROM wm_linkage_candidate WHERE review_id IN (SELECT id FROM wm_linkage_review WHERE referral_id IN (%s))"),
            table("linkageReviews", "SELECT * FROM wm_linkage_review WHERE referral_id IN (%s) ORDER BY created_at",
                    "DELETE FROM wm_linkage_review WHERE referral_id IN (%s)"),
            table("linkageDecisions", "SELECT * FROM wm_linkage_decision WHERE referral_id IN (%s) ORDER BY decided_at",
                    "DELETE FROM wm_linkage_decision WHERE referral_id IN (%s)"),
            new PerReferral("messagesReceived", InboundMessages::export, "DELETE FROM wm_inbound_message WHERE referral_id IN (%s)"),
            table("flags", "SELECT * FROM wm_referral_flag WHERE referral_id IN (%s) ORDER BY raised_at",
                    "DELETE FROM wm_referral_flag WHERE referral_id IN (%s)"),
            table("consent", "SELECT * FROM wm_referral_consent WHERE referral_id IN (%s)",
                    "DELETE FROM wm_referral_consent WHERE referral_id IN (%s)"),
            table("validationIssues", "SELECT * FROM wm_referral_validation_issue WHERE referral_id IN (%s) ORDER BY referral_id, position",
                    "DELETE FROM wm_referral_validation_issue WHERE referral_id IN (%s)"),
            table("validation", "SELECT * FROM wm_referral_validation WHERE referral_id IN (%s)",
                    "DELETE FROM wm_referral_validation WHERE referral_id IN (%s)"),
            table("triage", "SELECT * FROM wm_triage WHERE referral_id IN (%s)",
                    "DELETE FROM wm_triage WHERE referral_id IN (%s)"),
            table("businessIdentifiers", "SELECT * FROM wm_referral_identifier WHERE referral_id IN (%s) ORDER BY referral_id, seq",
                    "DELETE FROM wm_referral_identifier WHERE referral_id IN (%s)"),
            new PerReferral("documentsAsReceived", SourceDocuments::export, "DELETE FROM wm_referral_document WHERE referral_id IN (%s)"),
            table("referrals", "SELECT * FROM wm_referral WHERE id IN (%s) ORDER BY created_at",
                    "DELETE FROM wm_referral WHERE id IN (%s)"));

    @Override
    public String name() {
        return "referrals";
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("person", query(c, "SELECT id, nhs_number, nhs_verified, family, given, birth_date, birth_date_precision, gender, postcode, version,"
                + " created_at, updated_at FROM wm_patient WHERE id = ?", List.of(patientId)));
        out.put("corrections", query(c, "SELECT id, version, nhs_number, nhs_verified, family, given, birth_date, birth_date_precision, gender, postcode,"
                + " reason, changed_by, changed_at FROM wm_patient_history WHERE patient_id = ? ORDER BY changed_at", List.of(patientId)));
        List<Object> records = recordsOf(c, patientId);
        out.put("mergedRecords", query(c, "SELECT id, from_patient_id, into_patient_id, referrals_moved, review_id, reason, merged_by,"
                + " merged_at FROM wm_patient_merge WHERE into_patient_id IN (" + CaseRecords.parameterMarks(records.size())
                + ") ORDER BY merged_at", records));
        if (!referralIds.isEmpty()) {
            List<Object> ids = new ArrayList<>(referralIds);
            for (int i = PER_REFERRAL.size() - 1; i >= 0; i--) {
                PerReferral table = PER_REFERRAL.get(i);
                out.put(table.section(), table.export().rows(c, ids));
            }
        }
        return out;
    }

    @Override
    public int erase(Connection c, Erasure erasure) throws SQLException {
        int rows = 0;
        if (!erasure.referralIds().isEmpty()) {
            List<Object> ids = new ArrayList<>(erasure.referralIds());
            for (PerReferral table : PER_REFERRAL) {
                rows += update(c, table.delete().formatted(CaseRecords.parameterMarks(ids.size())), ids);
            }
        }
        if (erasure.wholePerson()) {
            List<Object> patient = List.of(erasure.patientId());
            // Reviews that named this person as a possible match for someone else's referral.
            rows += update(c, "DELETE FROM wm_linkage_candidate WHERE patient_id = ?", patient);
            rows += update(c, "DELETE FROM wm_patient_history WHERE patient_id = ?", patient);
            List<Object> records = recordsOf(c, erasure.patientId());
            rows += update(c, "DELETE FROM wm_patient_merge WHERE into_patient_id IN (" + CaseRecords.parameterMarks(records.size())
                    + ")", records);
            rows += update(c, "DELETE FROM wm_patient WHERE id = ?", patient);
        }
        return rows;
    }

    /** The person's id and every id merged into it: the merge records name them all. */
    private static List<Object> recordsOf(Connection c, String patientId) throws SQLException {
        List<Object> records = new ArrayList<>();
        records.add(patientId);
        records.addAll(PatientMerges.formerIds(c, patientId));
        return records;
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
