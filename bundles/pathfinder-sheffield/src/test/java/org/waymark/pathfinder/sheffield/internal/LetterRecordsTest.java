package org.waymark.pathfinder.sheffield.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LetterRecordsTest {
    /**
     * Found probing: an Islington admin's subject access export of a person also referred in Sheffield listed the
     * letters Sheffield had posted to them. The export covers the caller's areas' referrals; the others are counted.
     */
    @Test
    void theLettersAreExportedWithASheffieldReferralOfThePersonOnly() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:derby:memory:letters" + System.nanoTime() + ";create=true");
             Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE wm_referral (id VARCHAR(64) PRIMARY KEY, area VARCHAR(64))");
            s.executeUpdate("CREATE TABLE sheffield_letter (message_id VARCHAR(100) PRIMARY KEY, patient_id VARCHAR(64), "
                    + "subject VARCHAR(300), file_name VARCHAR(300), written_at TIMESTAMP)");
            s.executeUpdate("INSERT INTO wm_referral VALUES ('shf-1', 'sheffield'), ('isl-1', 'islington')");
            s.executeUpdate("INSERT INTO sheffield_letter VALUES ('m1', 'p1', 'Your check-in', 'm1.html', CURRENT_TIMESTAMP)");
            LetterRecords records = new LetterRecords();

            Map<String, List<Map<String, Object>>> islingtonOnly = records.export(c, "p1", Set.of("isl-1"));
            Map<String, List<Map<String, Object>>> both = records.export(c, "p1", Set.of("isl-1", "shf-1"));

            assertThat(islingtonOnly.get("letters")).isEmpty();
            assertThat(both.get("letters")).singleElement().satisfies(l -> assertThat(l).containsEntry("message_id", "m1"));
        }
    }
}
