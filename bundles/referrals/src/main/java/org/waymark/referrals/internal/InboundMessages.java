package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.MessageReceipt;
import org.waymark.api.referral.RecordedMessage;
import org.waymark.api.referral.Referral;
import org.waymark.platform.db.Jdbc;

/**
 * The messages each sender sent, recorded in the transaction of the change they made, with the answer they were given
 * (kept compressed, {@link CompressedText}; messages answered before that keep it in the {@code answer} CLOB).
 */
public final class InboundMessages {
    private InboundMessages() {
    }

    /** The primary key makes a message count once even when two copies arrive at the same moment. */
    static void record(Connection c, MessageReceipt receipt, Instant now) throws SQLException {
        // The message's identity: refused when too long, never cut short (two would become one).
        if (receipt.senderKey().length() > 300 || receipt.messageId().length() > 100) {
            throw WaymarkException.invalid("The message's sender endpoint or id is longer than this service keeps");
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_inbound_message (sender_key, message_id, content_hash, "
                + "received_at, canonical_hash) VALUES (?,?,?,?,?)")) {
            s.setString(1, receipt.senderKey());
            s.setString(2, receipt.messageId());
            s.setString(3, receipt.contentHash());
            s.setTimestamp(4, Timestamp.from(now));
            s.setString(5, receipt.canonicalHash());
            s.executeUpdate();
        } catch (SQLException e) {
            if (Jdbc.isUniqueViolation(e)) {
                throw WaymarkException.conflict("A message with this id from this sender is being processed or was processed");
            }
            throw e;
        }
    }

    static void answer(Connection c, MessageReceipt receipt, Referral referral) throws SQLException {
        CompressedText.Packed answer = CompressedText.pack(receipt.answer().apply(referral));
        try (PreparedStatement s = c.prepareStatement("UPDATE wm_inbound_message SET referral_id = ?, answer_length = ?, "
                + "answer_content = ? WHERE sender_key = ? AND message_id = ?")) {
            s.setString(1, referral.id());
            s.setInt(2, answer.originalLength());
            s.setBytes(3, answer.content());
            s.setString(4, receipt.senderKey());
            s.setString(5, receipt.messageId());
            s.executeUpdate();
        }
    }

    static Optional<RecordedMessage> find(Connection c, String senderKey, String messageId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT content_hash, referral_id, answer_length, answer_content, answer, "
                + "canonical_hash FROM wm_inbound_message WHERE sender_key = ? AND message_id = ?")) {
            s.setString(1, senderKey);
            s.setString(2, messageId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new RecordedMessage(r.getString(1), r.getString(2), answer(r), r.getString(6)))
                        : Optional.empty();
            }
        }
    }

    /**
     * The kept original of the referral this message made or changed: the message itself when it made the referral,
     * which is how a message recorded without a canonical digest is still compared by content.
     */
    static Optional<String> referralDocument(Connection c, String senderKey, String messageId) throws SQLException {
        Optional<RecordedMessage> recorded = find(c, senderKey, messageId);
        if (recorded.isEmpty() || recorded.get().referralId() == null) {
            return Optional.empty();
        }
        return SourceDocuments.read(c, recorded.get().referralId()).map(SourceDocuments.Document::text);
    }

    /** The messages that made or changed these referrals, answers as text, for a subject access export. */
    public static List<Map<String, Object>> export(Connection c, List<Object> referralIds) throws SQLException {
        return CaseRecords.query(c, "SELECT sender_key, message_id, content_hash, referral_id, received_at, answer_length, "
                + "answer_content, answer FROM wm_inbound_message WHERE referral_id IN ("
                + CaseRecords.parameterMarks(referralIds.size()) + ") ORDER BY received_at", referralIds, r -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("sender_key", r.getString(1));
                    row.put("message_id", r.getString(2));
                    row.put("content_hash", r.getString(3));
                    row.put("referral_id", r.getString(4));
                    row.put("received_at", r.getTimestamp(5));
                    row.put("answer", answer(r));
                    return row;
                });
    }

    /** Reads the answer from the current columns of a row that selected answer_length, answer_content, answer. */
    private static String answer(ResultSet r) throws SQLException {
        int column = r.findColumn("answer_content");
        byte[] content = r.getBytes(column);
        return content != null ? CompressedText.unpack(content, r.getInt("answer_length")) : r.getString("answer");
    }
}
