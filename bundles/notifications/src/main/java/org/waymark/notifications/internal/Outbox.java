package org.waymark.notifications.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;

/** The outbox table: notifications as recorded, and what became of them. */
final class Outbox {
    enum State { PENDING, DELIVERED, SUPPRESSED }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Clock clock;

    Outbox(Clock clock) {
        this.clock = clock;
    }

    /** @return false if a notification with this message id was recorded before (it is kept as it was) */
    boolean record(Connection c, Notification n) throws SQLException {
        if (find(c, n.messageId()).isPresent()) {
            return false;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_notification (message_id, party_kind, party_id,"
                + " area, topic, subject, body, data, state, created_at, sequence_key) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, n.messageId());
            s.setString(2, n.to().kind().name());
            s.setString(3, n.to().id());
            s.setString(4, n.area());
            s.setString(5, n.topic());
            s.setString(6, n.subject());
            s.setString(7, n.text());
            s.setString(8, JSON.writeValueAsString(n.data()));
            s.setString(9, State.PENDING.name());
            s.setTimestamp(10, Timestamp.from(clock.instant()));
            String sequence = n.data().get(Notification.SEQUENCE);
            s.setString(11, sequence == null || sequence.length() > 200 ? null : sequence);
            s.executeUpdate();
            return true;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Notification data cannot be written", e);
        }
    }

    Optional<Notification> find(Connection c, String messageId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT party_kind, party_id, area, topic, subject, body, data"
                + " FROM wm_notification WHERE message_id = ?")) {
            s.setString(1, messageId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Map<String, String> data = JSON.readValue(r.getString(7), new TypeReference<Map<String, String>>() { });
                return Optional.of(new Notification(messageId, new Party(Party.Kind.valueOf(r.getString(1)), r.getString(2)),
                        r.getString(3), r.getString(4), r.getString(5), r.getString(6), data));
            } catch (IOException e) {
                throw new SQLException("Stored notification cannot be read", e);
            }
        }
    }

    /**
     * The notifications of the same sequence to the same party that were recorded before this one and are still to
     * be delivered, oldest first; empty for a notification of no sequence.
     */
    List<String> earlierPending(Connection c, String messageId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT e.message_id FROM wm_notification n"
                + " JOIN wm_notification e ON e.sequence_key = n.sequence_key AND e.party_kind = n.party_kind"
                + " AND e.party_id = n.party_id"
                + " WHERE n.message_id = ? AND e.state = ? AND e.created_at < n.created_at"
                + " ORDER BY e.created_at, e.message_id")) {
            s.setString(1, messageId);
            s.setString(2, State.PENDING.name());
            List<String> earlier = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    earlier.add(r.getString(1));
                }
            }
            return earlier;
        }
    }

    String state(Connection c, String messageId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT state FROM wm_notification WHERE message_id = ?")) {
            s.setString(1, messageId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /**
     * Records what became of a notification. Once it has gone (or will never go), a one-time link it carried is taken
     * out of the stored text: the link is a credential for its recipient alone. Found probing: a self-assessment link,
     * of which only a digest is kept, stayed readable in the outbox and in every subject access export of the person,
     * also an export by an admin of another area the person was referred in.
     */
    void finish(Connection c, Notification sent, State state, String channel, String receipt) throws SQLException {
        String messageId = sent.messageId();
        try (PreparedStatement s = c.prepareStatement("UPDATE wm_notification SET state = ?, channel = ?, receipt = ?,"
                + " delivered_at = ? WHERE message_id = ?")) {
            s.setString(1, state.name());
            s.setString(2, channel);
            s.setString(3, receipt == null || receipt.length() <= 300 ? receipt : receipt.substring(0, 300));
            s.setTimestamp(4, Timestamp.from(clock.instant()));
            s.setString(5, messageId);
            s.executeUpdate();
        }
        // The message as the delivery loaded it (its text and data never change once queued): no second read.
        String link = sent.data().get(Notification.ONE_TIME_LINK);
        if (link == null || link.isEmpty()) {
            return;
        }
        Map<String, String> data = new java.util.LinkedHashMap<>(sent.data());
        data.remove(Notification.ONE_TIME_LINK);
        // The link may also be in the data under a name of the sender's (onward referrals and directory checks give
        // their channels "link"): taken out there too, or the copy would still hold a working credential.
        data.replaceAll((name, value) -> withoutLink(value, link));
        try (PreparedStatement s = c.prepareStatement("UPDATE wm_notification SET subject = ?, body = ?, data = ? WHERE message_id = ?")) {
            s.setString(1, withoutLink(sent.subject(), link));
            s.setString(2, withoutLink(sent.text(), link));
            s.setString(3, JSON.writeValueAsString(data));
            s.setString(4, messageId);
            s.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new SQLException("Notification data cannot be written", e);
        }
    }

    static final String LINK_REMOVED = "[one-time link, removed once sent]";

    static String withoutLink(String text, String link) {
        return text == null ? null : text.replace(link, LINK_REMOVED);
    }
}
