package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.governance.PersonalDataContributor.Erasure;
import org.waymark.api.governance.PersonalDataContributor.Merge;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.testing.TestDatabase;

/** The digital skills part of the subject access export and of retention. */
class DigitalSkillsPersonalDataTest {
    /** Rows each referral has below: an assessment, its two scores, a plan, a follow-up and a link. */
    private static final int ROWS_PER_REFERRAL = 6;
    private static final List<String> PER_REFERRAL_TABLES = List.of("ds_assessment", "ds_plan", "ds_follow_up", "ds_link");
    private static final Instant AT = Instant.parse("2026-03-02T10:00:00Z");

    private final DigitalSkillsPersonalData data = new DigitalSkillsPersonalData();
    private DataSource db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/digitalskills.xml");
        Jdbc.inTransaction(db, c -> {
            referral(c, "ra1", "pa", "sheffield");
            referral(c, "ra2", "pa", "islington");
            referral(c, "rb1", "pb", "sheffield");
            equality(c, "pa", "mixed");
            equality(c, "pb", "white");
            return null;
        });
    }

    @Test
    void theExportHoldsThePersonsRowsOfTheGivenReferralsWithTheAnswersAsTextAndNoLinkDigest() {
        Map<String, List<Map<String, Object>>> export = Jdbc.inTransaction(db, c -> data.export(c, "pa", Set.of("ra1")));

        assertThat(export).containsOnlyKeys("assessments", "assessmentScores", "plans", "followUps", "selfAssessmentLinks", "equality");
        assertThat(export.get("assessments")).singleElement().satisfies(a -> {
            assertThat(a).containsEntry("id", "assessment-ra1").containsEntry("referral_id", "ra1").containsEntry("overall", 50);
            assertThat(a.get("response")).isInstanceOf(String.class).asString()
                    .contains("\"resourceType\":\"QuestionnaireResponse\"", "ra1");
        });
        assertThat(export.get("assessmentScores")).extracting(s -> s.get("assessment_id") + "/" + s.get("skill_area"))
                .containsExactly("assessment-ra1/communicating", "assessment-ra1/foundation");
        assertThat(export.get("plans")).singleElement().satisfies(p -> assertThat(p).containsEntry("doc", "{\"goals\":[\"nhs-app\"]}"));
        assertThat(export.get("followUps")).singleElement().satisfies(f -> assertThat(f).containsEntry("assessment_id", "assessment-ra1"));
        assertThat(export.get("selfAssessmentLinks")).singleElement().satisfies(l -> {
            assertThat(l).containsEntry("referral_id", "ra1").containsEntry("created_by", "linkworker");
            assertThat(l).as("the digest is a credential").doesNotContainKey("token_digest");
        });
        assertThat(export.get("equality")).singleElement().satisfies(e -> assertThat(e).containsEntry("ethnicity", "mixed"));
        assertThat(export.values()).flatMap(rows -> rows).as("nothing of the other person, nor of the referral not asked for")
                .allSatisfy(row -> assertThat(row.values()).doesNotContain("pb", "rb1", "ra2", "white"));
    }

    @Test
    void anExportWithoutVisibleReferralsHoldsOnlyThePersonsOwnAnswers() {
        Map<String, List<Map<String, Object>>> export = Jdbc.inTransaction(db, c -> data.export(c, "pa", Set.of()));

        assertThat(export.get("assessments")).isEmpty();
        assertThat(export.get("followUps")).isEmpty();
        assertThat(export.get("equality")).singleElement().satisfies(e -> assertThat(e).containsEntry("ethnicity", "mixed"));
    }

    @Test
    void erasingAReferralLeavesThePersonsOtherReferralAndTheirEqualityAnswer() throws Exception {
        int erased = Jdbc.inTransaction(db, c -> data.erase(c, new Erasure("pa", Set.of("ra1"), false)));

        assertThat(erased).isEqualTo(ROWS_PER_REFERRAL);
        for (String table : PER_REFERRAL_TABLES) {
            assertThat(referralsIn(table)).as(table).containsExactlyInAnyOrder("ra2", "rb1");
        }
        assertThat(count("SELECT COUNT(*) FROM ds_assessment_score WHERE assessment_id = 'assessment-ra1'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM ds_assessment_score")).isEqualTo(4);
        assertThat(count("SELECT COUNT(*) FROM ds_equality WHERE patient_id = 'pa'")).isEqualTo(1);
    }

    @Test
    void erasingThePersonRemovesTheirEqualityAnswerAndRowsOfReferralsErasedEarlier() throws Exception {
        // ra2 was erased (from wm_referral) before digital skills took part in retention: its rows were left behind.
        int erased = Jdbc.inTransaction(db, c -> data.erase(c, new Erasure("pa", Set.of("ra1"), true)));

        assertThat(erased).isEqualTo(2 * ROWS_PER_REFERRAL + 1);
        for (String table : PER_REFERRAL_TABLES) {
            assertThat(referralsIn(table)).as(table).containsExactly("rb1");
        }
        assertThat(count("SELECT COUNT(*) FROM ds_assessment_score")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM ds_equality WHERE patient_id = 'pa'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM ds_equality WHERE patient_id = 'pb'")).isEqualTo(1);
        assertThat(Jdbc.inTransaction(db, c -> data.export(c, "pb", Set.of("rb1"))).get("assessments")).hasSize(1);
    }

    private static void referral(Connection c, String referralId, String patientId, String area) throws SQLException {
        String assessmentId = "assessment-" + referralId;
        insert(c, "INSERT INTO ds_assessment (id, referral_id, patient_id, area, mode, taken_by, taken_at, overall, response)"
                + " VALUES (?, ?, ?, ?, 'worker', 'linkworker', ?, 50, ?)", assessmentId, referralId, patientId, area, Timestamp.from(AT),
                "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"" + assessmentId + "\",\"meta\":{\"versionId\":\"1\"},"
                        + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},\"basedOn\":\"" + referralId + "\"}");
        insert(c, "INSERT INTO ds_assessment_score (assessment_id, skill_area, score, level) VALUES (?, 'foundation', 60, 'developing')",
                assessmentId);
        insert(c, "INSERT INTO ds_assessment_score (assessment_id, skill_area, score, level) VALUES (?, 'communicating', 40, 'developing')",
                assessmentId);
        insert(c, "INSERT INTO ds_plan (referral_id, patient_id, area, doc, version, agreed_on, agreed_by, updated_at, updated_by)"
                + " VALUES (?, ?, ?, '{\"goals\":[\"nhs-app\"]}', 1, ?, 'linkworker', ?, 'linkworker')", referralId, patientId, area,
                Date.valueOf(LocalDate.of(2026, 3, 2)), Timestamp.from(AT));
        insert(c, "INSERT INTO ds_follow_up (id, referral_id, patient_id, area, seq, label, due_on, worker, status, assessment_id,"
                + " done_at) VALUES (?, ?, ?, ?, 1, '2 weeks', ?, 'linkworker', 'done', ?, ?)", "follow-up-" + referralId, referralId,
                patientId, area, Date.valueOf(LocalDate.of(2026, 3, 16)), assessmentId, Timestamp.from(AT));
        insert(c, "INSERT INTO ds_link (token_digest, referral_id, patient_id, area, created_by, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, 'linkworker', ?, ?)", "digest-" + referralId, referralId, patientId, area, Timestamp.from(AT),
                Timestamp.from(AT.plusSeconds(14 * 86400)));
    }

    @Test
    void aMergeMovesEveryRowToTheRecordThatStaysAndTheNewerEqualityAnswerStands() throws Exception {
        Jdbc.inTransaction(db, c -> {
            insert(c, "UPDATE ds_equality SET updated_at = ?, ethnicity = 'asian' WHERE patient_id = 'pa'", Timestamp.from(AT.plusSeconds(60)));
            return null;
        });

        int moved = Jdbc.inTransaction(db, c -> data.merge(c, new Merge("pa", "pb")));

        assertThat(count("SELECT COUNT(*) FROM ds_assessment WHERE patient_id = 'pa'") + count("SELECT COUNT(*) FROM ds_plan WHERE patient_id = 'pa'")
                + count("SELECT COUNT(*) FROM ds_follow_up WHERE patient_id = 'pa'") + count("SELECT COUNT(*) FROM ds_link WHERE patient_id = 'pa'")
                + count("SELECT COUNT(*) FROM ds_equality WHERE patient_id = 'pa'")).as("nothing left under the record that went").isZero();
        assertThat(count("SELECT COUNT(*) FROM ds_assessment WHERE patient_id = 'pb'")).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM ds_equality WHERE patient_id = 'pb' AND ethnicity = 'asian'")).as("the newer answer").isEqualTo(1);
        assertThat(moved).as("two rows in each of four tables, two equality rows, two responses renamed").isEqualTo(2 * 4 + 2 + 2);
        // Found probing: the assessments, served as FHIR, still named the removed Patient.
        assertThat(Jdbc.inTransaction(db, c -> data.export(c, "pb", Set.of("ra1"))).get("assessments")).singleElement()
                .satisfies(a -> assertThat(a.get("response")).asString().contains("\"subject\":{\"reference\":\"Patient/pb\"}")
                        .contains("\"versionId\":\"2\"").doesNotContain("Patient/pa"));

        // The other way round, the stayer's newer answer stands and the older one goes.
        Jdbc.inTransaction(db, c -> {
            equality(c, "pc", "black");
            referral(c, "rc1", "pc", "sheffield");
            return null;
        });
        Jdbc.inTransaction(db, c -> data.merge(c, new Merge("pc", "pb")));
        assertThat(count("SELECT COUNT(*) FROM ds_equality")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM ds_equality WHERE patient_id = 'pb' AND ethnicity = 'asian'")).isEqualTo(1);
    }

    private static void equality(Connection c, String patientId, String ethnicity) throws SQLException {
        insert(c, "INSERT INTO ds_equality (patient_id, ethnicity, updated_at, updated_by) VALUES (?, ?, ?, 'linkworker')",
                patientId, ethnicity, Timestamp.from(AT));
    }

    private static void insert(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }

    private List<String> referralsIn(String table) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery("SELECT referral_id FROM " + table)) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    private int count(String sql) throws Exception {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
