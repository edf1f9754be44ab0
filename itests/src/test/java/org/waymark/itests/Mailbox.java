package org.waymark.itests;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/** The emails Waymark sent to a test's GreenMail server, known by the message id Waymark gives each notification. */
final class Mailbox {
    private Mailbox() {
    }

    static MimeMessage awaitEmail(GreenMail mail, String messageId, Duration timeout) {
        AtomicReference<MimeMessage> found = new AtomicReference<>();
        await("an email for " + messageId).atMost(timeout).until(() -> {
            for (MimeMessage m : mail.getReceivedMessages()) {
                if (hasId(m, messageId)) {
                    found.set(m);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    /** How many emails carry this id: at-least-once delivery must still give the person one. */
    static long count(GreenMail mail, String messageId) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> hasId(m, messageId)).count();
    }

    private static boolean hasId(MimeMessage message, String messageId) {
        try {
            return ("<" + messageId + "@waymark>").equals(message.getMessageID());
        } catch (MessagingException e) {
            return false;
        }
    }
}
