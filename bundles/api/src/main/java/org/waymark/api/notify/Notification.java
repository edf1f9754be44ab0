package org.waymark.api.notify;

import java.util.Map;
import java.util.Objects;

/**
 * A message for one party, delivered at least once by whichever channel fits the party's preferences.
 *
 * @param messageId stable for this notification: every delivery attempt carries it, so receivers drop duplicates
 * @param to        the recipient
 * @param area      the area it belongs to; channels registered for other areas are not used
 * @param topic     what happened, e.g. {@code referral.status}; channels that send structured messages (FHIR) use it
 * @param subject   a short plain-language title, free of personal data beyond what the recipient already knows
 * @param text      the plain-language message
 * @param data      structured facts for channels and receivers (ids, codes), never needed to understand the text
 */
public record Notification(String messageId, Party to, String area, String topic, String subject, String text,
                           Map<String, String> data) {
    /**
     * The data fact naming the sequence a notification belongs to, e.g. one referral's status changes: the
     * notifications of one sequence to one party are delivered in the order they were recorded, so a receiver that
     * applies each as it comes never ends with an older state than the last one. Absent: delivered independently.
     *
     * @since 1.1
     */
    public static final String SEQUENCE = "sequence";

    /**
     * The data fact holding a credential that the text carries for its recipient alone, e.g. a one-time link: the
     * outbox keeps it only until the notification is delivered (or suppressed), then removes it from the stored text,
     * so that the link is not left readable in the database, its backups and subject access exports.
     *
     * @since 1.2
     */
    public static final String ONE_TIME_LINK = "oneTimeLink";

    public Notification {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(topic, "topic");
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
