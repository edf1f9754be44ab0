package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.MessageReceipt;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.RecordedMessage;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.Subject;
import org.waymark.platform.internal.audit.JdbcAuditLog;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

/** Messages and their answers: stored compressed, read back as given, earlier CLOB answers still read, exported. */
class InboundMessagesTest {
    /** Digests are SHA-256 in hex: the column is CHAR(64). */
    private static final String HASH_1 = "1".repeat(64);
    private static final String HASH_2 = "2".repeat(64);
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private DataSource db;
    private JdbcReferralService referrals;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/referrals.xml");
        referrals = new JdbcReferralService(db, new JdbcAuditLog(db, null), new MutableClock(NOW),
                new ReferralNotices(new RecordingNotifier(), new MapContactBook()));
    }

    private NewReferral referral(String identifier) {
        return new NewReferral("urn:waymark:bars:https://gp.example", identifier, Subject.described(
                NhsNumber.parse("9434765919").orElseThrow(), new Demographics("Holloway", "Alex", LocalDate.of(1950, 1, 1),
                        "female", "S1 1AA")), "Isolated", null, "routine", NOW, "Dr X", null, "application/fhir+xml", "<Bundle/>");
    }

    @Test
    void anAnswerIsGivenAgainAsItWasGivenFirst() throws Exception {
        String answer = "{\"resourceType\":\"Bundle\",\"type\":\"message\",\"entry\":[" + "{\"fullUrl\":\"x\"},".repeat(20) + "{}]}";
        String senderKey = CaseFixture.GP.id() + "|https://gp.example";
        Referral referral = referrals.receive(CaseFixture.GP, referral("r-1"),
                new MessageReceipt(senderKey, "m-1", HASH_1, r -> answer.replace("x", r.id()))).referral();

        RecordedMessage recorded = referrals.findMessage(CaseFixture.GP, senderKey, "m-1").orElseThrow();
        assertThat(recorded).isEqualTo(new RecordedMessage(HASH_1, referral.id(), answer.replace("x", referral.id())));
        assertThatThrownBy(() -> referrals.receive(CaseFixture.GP, referral("r-2"),
                new MessageReceipt(senderKey, "m-1", HASH_2, r -> "{}")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
        try (Connection c = db.getConnection()) {
            assertThat(InboundMessages.export(c, List.of(referral.id()))).singleElement().satisfies(row -> assertThat(row)
                    .containsEntry("message_id", "m-1").containsEntry("answer", answer.replace("x", referral.id())));
        }
    }

    @Test
    void anAnswerStoredBeforeCompressionIsStillGiven() throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO wm_inbound_message "
                + "(sender_key, message_id, content_hash, referral_id, answer, received_at) VALUES (?,?,?,?,?,?)")) {
            s.setString(1, CaseFixture.GP.id() + "|https://gp.example");
            s.setString(2, "old");
            s.setString(3, HASH_1);
            s.setString(4, "r-old");
            s.setString(5, "{\"resourceType\":\"Bundle\"}");
            s.setTimestamp(6, Timestamp.from(NOW));
            s.executeUpdate();
        }
        assertThat(referrals.findMessage(CaseFixture.GP, CaseFixture.GP.id() + "|https://gp.example", "old"))
                .contains(new RecordedMessage(HASH_1, "r-old", "{\"resourceType\":\"Bundle\"}"));
    }
}
