package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.platform.testing.TestDatabase;

/** The original documents: compressed round trip, the fallback to referrals stored before the table, damage. */
class SourceDocumentsTest {
    private DataSource db;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/referrals.xml");
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO wm_patient (id, nhs_verified, version, created_at, updated_at) VALUES ('p1', false, 1, ?, ?)")) {
            s.setTimestamp(1, Timestamp.from(Instant.EPOCH));
            s.setTimestamp(2, Timestamp.from(Instant.EPOCH));
            s.executeUpdate();
        }
    }

    private void referral(Connection c, String id, String legacyDocument) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral (id, task_id, patient_id, sender_id, area, "
                + "status, version, created_at, updated_at, source_format, source_document) "
                + "VALUES (?, ?, 'p1', 'gp', 'demo', 'requested', 1, ?, ?, 'application/fhir+xml', ?)")) {
            s.setString(1, id);
            s.setString(2, "task-" + id);
            s.setTimestamp(3, Timestamp.from(Instant.EPOCH));
            s.setTimestamp(4, Timestamp.from(Instant.EPOCH));
            s.setString(5, legacyDocument);
            s.executeUpdate();
        }
    }

    @Test
    void aDocumentComesBackAsSentAndIsStoredSmaller() throws Exception {
        String text = "<Bundle xmlns=\"http://hl7.org/fhir\"><!-- Zoë, ŵ, 😀 -->" + "<entry><fullUrl value=\"urn:uuid:x\"/></entry>".repeat(500) + "</Bundle>";
        try (Connection c = db.getConnection()) {
            referral(c, "r1", null);
            SourceDocuments.store(c, "r1", "application/fhir+xml", text);
            assertThat(SourceDocuments.read(c, "r1")).contains(new SourceDocuments.Document("application/fhir+xml", text));
            try (var s = c.createStatement(); var r = s.executeQuery("SELECT content FROM wm_referral_document")) {
                r.next();
                assertThat(r.getBytes(1).length).isLessThan(text.getBytes(StandardCharsets.UTF_8).length / 10);
            }
            assertThat(SourceDocuments.export(c, List.of("r1"))).singleElement()
                    .satisfies(row -> assertThat(row).containsEntry("document", text).containsEntry("referral_id", "r1"));
        }
    }

    @Test
    void aReferralStoredBeforeTheTableKeepsItsDocumentOnItsRow() throws Exception {
        try (Connection c = db.getConnection()) {
            referral(c, "old", "{\"resourceType\":\"ServiceRequest\"}");
            referral(c, "none", null);
            assertThat(SourceDocuments.read(c, "old"))
                    .contains(new SourceDocuments.Document("application/fhir+xml", "{\"resourceType\":\"ServiceRequest\"}"));
            assertThat(SourceDocuments.read(c, "none")).isEmpty();
            assertThat(SourceDocuments.read(c, "unknown")).isEmpty();
        }
    }

    @Test
    void aDamagedTextIsReportedNotReturnedAltered() throws Exception {
        String text = "a document long enough to compress, compress, compress";
        CompressedText.Packed packed = CompressedText.pack(text);
        byte[] flipped = Arrays.copyOf(packed.content(), packed.content().length);
        flipped[flipped.length / 2] ^= 0x10;
        assertThatThrownBy(() -> CompressedText.unpack(flipped, packed.originalLength()))
                .isInstanceOf(SQLException.class).hasMessageContaining("damaged");
        assertThatThrownBy(() -> CompressedText.unpack(packed.content(), 20)).isInstanceOf(SQLException.class).hasMessageContaining("damaged");
        assertThat(CompressedText.unpack(packed.content(), packed.originalLength())).isEqualTo(text);
    }
}
