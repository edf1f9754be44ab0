package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.BusinessIdentifier;
import org.waymark.api.referral.SenderIdentityBackfill;
import org.waymark.platform.testing.TestDatabase;

/** BaRS referrals received before their sender identities were kept: queued by the upgrade, completed once. */
class JdbcSenderIdentityBackfillTest {
    private static final String BARS = "urn:waymark:bars:https://fhir.nhs.uk/Id/dos-service-id|2222222222";
    private static final BusinessIdentifier CASE_NUMBER = new BusinessIdentifier("https://sender.url/Id/case-number", "sender1234");
    private DataSource db;
    private JdbcSenderIdentityBackfill backfill;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/referrals.xml");
        backfill = new JdbcSenderIdentityBackfill(db);
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO wm_patient (id, nhs_verified, version, created_at, updated_at) VALUES ('p1', false, 1, ?, ?)")) {
            s.setTimestamp(1, Timestamp.from(Instant.EPOCH));
            s.setTimestamp(2, Timestamp.from(Instant.EPOCH));
            s.executeUpdate();
        }
    }

    private void referral(String id, String system, String senderRequestId, String businessIdentifiers) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral (id, task_id, "
                + "patient_id, sender_id, area, status, version, created_at, updated_at, source_format, identifier_system, "
                + "identifier_value, sender_request_id, business_identifiers) "
                + "VALUES (?, ?, 'p1', 'gp', 'demo', 'requested', 1, ?, ?, 'application/fhir+xml', ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setString(2, "task-" + id);
            s.setTimestamp(3, Timestamp.from(Instant.EPOCH));
            s.setTimestamp(4, Timestamp.from(Instant.EPOCH));
            s.setString(5, system);
            s.setString(6, "urn:uuid:" + id);
            s.setString(7, senderRequestId);
            s.setString(8, businessIdentifiers);
            s.executeUpdate();
            SourceDocuments.store(c, id, "application/fhir+xml", "<Bundle xmlns=\"http://hl7.org/fhir\"><id value=\"" + id + "\"/></Bundle>");
        }
    }

    /** Runs changeset 14 again, as the upgrade to it would on these rows. */
    private void upgrade() throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DROP TABLE wm_identity_backfill");
            s.executeUpdate("DELETE FROM DATABASECHANGELOG WHERE ID = '14-sender-identity-backfill'");
        }
        TestDatabase.migrate(db, "db/referrals.xml");
    }

    private List<String> queued() {
        return backfill.pending(100).stream().map(SenderIdentityBackfill.Pending::referralId).toList();
    }

    @Test
    void theUpgradeQueuesOnlyBarsReferralsThatLackAnIdentity() throws Exception {
        referral("before-10", BARS, null, null);
        referral("before-12", BARS, "sr-1", null);
        referral("kept-both", BARS, "sr-2", BusinessIdentifiers.encode(List.of(CASE_NUMBER)));
        referral("plain", "https://my-gp-system.example/referrals", null, null);
        assertThat(queued()).as("a new database queues nothing").isEmpty();

        upgrade();

        assertThat(queued()).containsExactly("before-10", "before-12");
        assertThat(backfill.pending(1)).singleElement().satisfies(p -> {
            assertThat(p.referralId()).isEqualTo("before-10");
            assertThat(p.mediaType()).isEqualTo("application/fhir+xml");
            assertThat(p.document()).contains("before-10");
        });
    }

    @Test
    void completingKeepsWhatTheMessageCarriedAndNeverReplacesWhatWasKept() throws Exception {
        referral("before-10", BARS, null, null);
        referral("before-12", BARS, "sr-kept", null);
        upgrade();

        assertThat(backfill.complete("before-10", "sr-read", List.of(CASE_NUMBER))).isTrue();
        assertThat(backfill.complete("before-12", "sr-read", List.of())).isTrue();

        try (Connection c = db.getConnection()) {
            assertThat(BusinessIdentifiers.referralsWith(c, CASE_NUMBER.system(), CASE_NUMBER.value())).containsExactly("before-10");
            assertThat(CaseRecords.query(c, "SELECT id || '=' || sender_request_id FROM wm_referral WHERE sender_request_id IS NOT NULL "
                    + "ORDER BY id", List.of(), r -> r.getString(1))).containsExactly("before-10=sr-read", "before-12=sr-kept");
        }
        assertThat(queued()).isEmpty();
        assertThat(backfill.complete("before-10", "other", List.of(new BusinessIdentifier("s", "v"))))
                .as("a referral completed already").isFalse();
        assertThat(ReferralsDatabase.count(db, "SELECT COUNT(*) FROM wm_referral_identifier")).isEqualTo(1);
    }

    @Test
    void twoNodesCompletingOneReferralStoreItsIdentifiersOnce() throws Exception {
        referral("before-10", BARS, null, null);
        upgrade();
        List<Boolean> completed = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<?>[] nodes = new CompletableFuture<?>[4];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = CompletableFuture.runAsync(() -> completed.add(backfill.complete("before-10", "sr", List.of(CASE_NUMBER))));
        }
        CompletableFuture.allOf(nodes).join();

        assertThat(completed).containsExactlyInAnyOrder(true, false, false, false);
        assertThat(ReferralsDatabase.count(db, "SELECT COUNT(*) FROM wm_referral_identifier")).isEqualTo(1);
    }

    @Test
    void identifiersIntakeWouldRefuseAreLeftOutWholeAndTheReferralLeavesTheQueue() throws Exception {
        referral("many", BARS, null, null);
        upgrade();
        BusinessIdentifier one = new BusinessIdentifier("s", "v");

        assertThat(backfill.complete("many", "sr", List.of(one, one, one, one, one, one))).isTrue();

        assertThat(ReferralsDatabase.count(db, "SELECT COUNT(*) FROM wm_referral_identifier")).isZero();
        assertThat(ReferralsDatabase.count(db, "SELECT COUNT(*) FROM wm_referral WHERE sender_request_id = 'sr'")).isEqualTo(1);
        assertThat(queued()).isEmpty();
    }
}
