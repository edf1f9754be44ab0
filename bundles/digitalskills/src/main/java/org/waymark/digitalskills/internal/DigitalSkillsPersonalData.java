package org.waymark.digitalskills.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.governance.PersonalDataContributor;

/**
 * The digital skills part of a person's data: their assessments (as answered, with the scores), inclusion plans,
 * follow-ups and self-assessment links, all kept per referral, and the equality-monitoring answer (their ethnic
 * group, special-category data), kept per person. The link's token digest is a credential, not data about the
 * person, and is left out of the export.
 */
@Component(service = PersonalDataContributor.class)
public final class DigitalSkillsPersonalData implements PersonalDataContributor {

    @Override
    public String name() {
        return "digital-skills";
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        // Only the given referrals: the caller may not see the person's referrals in other areas.
        Selection referrals = new Selection(referralIds, null);
        out.put("assessments", PersonalDataContributor.select(c, "SELECT id, referral_id, patient_id, area, mode, taken_by, taken_at,"
                + " overall, response FROM ds_assessment WHERE " + referrals.where() + " ORDER BY taken_at, id", referrals.values()));
        out.put("assessmentScores", PersonalDataContributor.select(c, "SELECT s.assessment_id, s.skill_area, s.score, s.level"
                + " FROM ds_assessment_score s JOIN ds_assessment a ON a.id = s.assessment_id WHERE s.assessment_id IN"
                + " (SELECT id FROM ds_assessment WHERE " + referrals.where() + ") ORDER BY a.taken_at, s.assessment_id, s.skill_area",
                referrals.values()));
        out.put("plans", PersonalDataContributor.select(c, "SELECT referral_id, patient_id, area, doc, version, agreed_on, agreed_by,"
                + " updated_at, updated_by FROM ds_plan WHERE " + referrals.where() + " ORDER BY agreed_on, referral_id", referrals.values()));
        out.put("followUps", PersonalDataContributor.select(c, "SELECT id, referral_id, patient_id, area, seq, label, due_on, worker,"
                + " status, assessment_id, done_at, reminded_at FROM ds_follow_up WHERE " + referrals.where()
                + " ORDER BY referral_id, seq", referrals.values()));
        out.put("selfAssessmentLinks", PersonalDataContributor.select(c, "SELECT referral_id, patient_id, area, created_by, created_at,"
                + " expires_at, used_at FROM ds_link WHERE " + referrals.where() + " ORDER BY created_at", referrals.values()));
        out.put("equality", PersonalDataContributor.select(c, "SELECT patient_id, ethnicity, updated_at, updated_by FROM ds_equality"
                + " WHERE patient_id = ?", List.of(patientId)));
        return out;
    }

    @Override
    public int erase(Connection c, Erasure erasure) throws SQLException {
        // For the whole person, rows of their referrals erased before this contributor existed go too.
        Selection rows = new Selection(erasure.referralIds(), erasure.wholePerson() ? erasure.patientId() : null);
        int erased = 0;
        // Scores before their assessments (a foreign key); follow-ups name an assessment too, so they go first as well.
        erased += PersonalDataContributor.execute(c, "DELETE FROM ds_assessment_score WHERE assessment_id IN"
                + " (SELECT id FROM ds_assessment WHERE " + rows.where() + ")", rows.values());
        erased += PersonalDataContributor.execute(c, "DELETE FROM ds_follow_up WHERE " + rows.where(), rows.values());
        erased += PersonalDataContributor.execute(c, "DELETE FROM ds_assessment WHERE " + rows.where(), rows.values());
        erased += PersonalDataContributor.execute(c, "DELETE FROM ds_plan WHERE " + rows.where(), rows.values());
        erased += PersonalDataContributor.execute(c, "DELETE FROM ds_link WHERE " + rows.where(), rows.values());
        if (erasure.wholePerson()) {
            // Equality answers are the person's, not a referral's: they stay while another referral of theirs remains.
            erased += PersonalDataContributor.execute(c, "DELETE FROM ds_equality WHERE patient_id = ?", List.of(erasure.patientId()));
        }
        return erased;
    }

    /**
     * The rows name the person as well as the referral, so they follow the person to the record that stays; of two
     * equality answers (one per record), the more recent one stands, as it would had the person answered again.
     */
    @Override
    public int merge(Connection c, Merge merge) throws SQLException {
        List<Object> ids = List.of(merge.intoPatientId(), merge.fromPatientId());
        int moved = renameInResponses(c, merge);
        for (String table : List.of("ds_assessment", "ds_plan", "ds_follow_up", "ds_link")) {
            moved += PersonalDataContributor.execute(c, "UPDATE " + table + " SET patient_id = ? WHERE patient_id = ?", ids);
        }
        // Whichever answer is older goes (ties keep the stayer's), then the survivor, if it was the other's, moves.
        moved += PersonalDataContributor.execute(c, "DELETE FROM ds_equality WHERE patient_id = ? AND EXISTS (SELECT 1 FROM ds_equality n "
                + "WHERE n.patient_id = ? AND n.updated_at > ds_equality.updated_at)", ids);
        moved += PersonalDataContributor.execute(c, "DELETE FROM ds_equality WHERE patient_id = ? AND EXISTS (SELECT 1 FROM ds_equality n "
                + "WHERE n.patient_id = ?)", List.of(merge.fromPatientId(), merge.intoPatientId()));
        moved += PersonalDataContributor.execute(c, "UPDATE ds_equality SET patient_id = ? WHERE patient_id = ?", ids);
        return moved;
    }

    /**
     * The assessments are served as FHIR QuestionnaireResponses as they were stored, and those name the Patient (its
     * subject, and a self-assessment's author and source): they name the record that stays from now on, as a new
     * version, as the moved ServiceRequests do (found probing: they still named the removed Patient).
     */
    private static int renameInResponses(Connection c, Merge merge) throws SQLException {
        String was = "Patient/" + merge.fromPatientId();
        String now = Instant.now().toString();
        List<String[]> changed = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, response FROM ds_assessment WHERE patient_id = ?")) {
            s.setString(1, merge.fromPatientId());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ObjectNode response = (ObjectNode) FhirJson.MAPPER.readTree(r.getString(2));
                    for (String field : List.of("subject", "author", "source")) {
                        if (response.path(field).path("reference").asText().equals(was)) {
                            ((ObjectNode) response.get(field)).put("reference", "Patient/" + merge.intoPatientId());
                        }
                    }
                    ObjectNode meta = response.with("meta");
                    meta.put("versionId", Integer.toString(Integer.parseInt(meta.path("versionId").asText("1")) + 1));
                    meta.put("lastUpdated", now);
                    changed.add(new String[] {r.getString(1), FhirJson.MAPPER.writeValueAsString(response)});
                }
            } catch (JsonProcessingException e) {
                throw new SQLException("A stored assessment is not JSON; the merge is refused rather than leave it behind", e);
            }
        }
        for (String[] response : changed) {
            PersonalDataContributor.execute(c, "UPDATE ds_assessment SET response = ? WHERE id = ?", List.of(response[1], response[0]));
        }
        return changed.size();
    }

    /** Rows of the given referrals, and of the person too when patientId is given; {@code 1 = 0} when neither. */
    private record Selection(String where, List<Object> values) {
        Selection(Set<String> referralIds, String patientId) {
            this(where(referralIds, patientId), values(referralIds, patientId));
        }

        private static String where(Set<String> referralIds, String patientId) {
            List<String> conditions = new ArrayList<>();
            if (!referralIds.isEmpty()) {
                conditions.add("referral_id IN (" + "?,".repeat(referralIds.size() - 1) + "?)");
            }
            if (patientId != null) {
                conditions.add("patient_id = ?");
            }
            return conditions.isEmpty() ? "1 = 0" : "(" + String.join(" OR ", conditions) + ")";
        }

        private static List<Object> values(Set<String> referralIds, String patientId) {
            List<Object> values = new ArrayList<>(referralIds);
            if (patientId != null) {
                values.add(patientId);
            }
            return values;
        }
    }
}
