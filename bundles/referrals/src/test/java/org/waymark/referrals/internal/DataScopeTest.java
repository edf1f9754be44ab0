package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.platform.testing.TestDatabase;

/** The caller's data scope on patients, with the optimizer override Derby needs (a wrong name would fail every query). */
class DataScopeTest {
    private DataSource db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/referrals.xml");
        try (Connection c = db.getConnection();
             PreparedStatement patient = c.prepareStatement("INSERT INTO wm_patient (id, nhs_verified, version, created_at, "
                     + "updated_at) VALUES (?, false, 1, ?, ?)");
             PreparedStatement referral = c.prepareStatement("INSERT INTO wm_referral (id, task_id, patient_id, sender_id, "
                     + "area, status, version, created_at, updated_at) VALUES (?, ?, ?, ?, 'sheffield', 'requested', 1, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.parse("2026-03-01T10:00:00Z"));
            for (int i = 0; i < 20; i++) {
                String id = "p" + i;
                patient.setString(1, id);
                patient.setTimestamp(2, now);
                patient.setTimestamp(3, now);
                patient.addBatch();
                referral.setString(1, "r" + i);
                referral.setString(2, "t" + i);
                referral.setString(3, id);
                referral.setString(4, i == 7 ? CaseFixture.GP.id() + "-other" : CaseFixture.GP.id());
                referral.setTimestamp(5, now);
                referral.setTimestamp(6, now);
                referral.addBatch();
            }
            patient.executeBatch();
            referral.executeBatch();
        }
    }

    private List<String> findPatient(String patientId) throws Exception {
        DataScope scope = DataScope.of(CaseFixture.GP);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT p.id FROM wm_patient p WHERE p.id = ? AND " + scope.patientCondition("p"))) {
            s.setString(1, patientId);
            s.setObject(2, scope.parameters().get(0));
            List<String> ids = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            return ids;
        }
    }

    @Test
    void aSenderReachesThePeopleItReferredAndNoOthers() throws Exception {
        assertThat(findPatient("p3")).containsExactly("p3");
        assertThat(findPatient("p7")).isEmpty();
        assertThat(findPatient("nobody")).isEmpty();
    }
}
