package org.waymark.email.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.util.Map;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;

class EmailChannelTest {
    private GreenMail mail;
    private int port;

    @BeforeEach
    void startMailServer() throws Exception {
        port = freePort();
        mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
    }

    @AfterEach
    void stopMailServer() {
        mail.stop();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Notification notification() {
        return new Notification("referral-r1-status-2", Party.person("p1"), "sheffield", "referral.accepted",
                "Your referral has been accepted", "A link worker will call you this week.", Map.of());
    }

    private static ContactPreferences emailTo(String address) {
        return new ContactPreferences(false, null, Map.of("email", address));
    }

    @Test
    void sendsPlainTextWithAStableMessageId() throws Exception {
        EmailChannel channel = new EmailChannel(config("127.0.0.1", port));
        assertThat(channel.canReach(notification(), emailTo("alex@example.org"))).isTrue();
        channel.send(notification(), emailTo("alex@example.org"));
        channel.send(notification(), emailTo("alex@example.org"));

        assertThat(mail.waitForIncomingEmail(5000, 2)).isTrue();
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received[0].getSubject()).isEqualTo("Your referral has been accepted");
        assertThat(received[0].getContent().toString().strip()).isEqualTo("A link worker will call you this week.");
        assertThat(received[0].getMessageID()).isEqualTo("<referral-r1-status-2@waymark>");
        assertThat(received[1].getMessageID()).as("a retry is the same message").isEqualTo(received[0].getMessageID());
    }

    @Test
    void withoutAnAddressOrAServerTheChannelCannotReach() throws Exception {
        assertThat(new EmailChannel(config("127.0.0.1", port)).canReach(notification(), ContactPreferences.NONE)).isFalse();
        assertThat(new EmailChannel(config("", port)).canReach(notification(), emailTo("alex@example.org"))).isFalse();
    }

    @Test
    void aServerThatIsDownIsATemporaryFailure() throws Exception {
        EmailChannel channel = new EmailChannel(config("127.0.0.1", freePort()));
        assertThatThrownBy(() -> channel.send(notification(), emailTo("alex@example.org")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.permanent()).isFalse();
                    assertThat(e.getMessage()).as("plain words for the job list, no class names")
                            .isEqualTo("The mail server could not be reached: connection refused");
                });
    }

    @Test
    void anInvalidAddressIsPermanent() throws Exception {
        EmailChannel channel = new EmailChannel(config("127.0.0.1", port));
        assertThatThrownBy(() -> channel.send(notification(), emailTo("not an address")))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isTrue());
    }

    private static EmailConfig config(String host, int port) {
        return new EmailConfig() {
            @Override public Class<? extends Annotation> annotationType() { return EmailConfig.class; }
            @Override public String host() { return host; }
            @Override public int port() { return port; }
            @Override public String from() { return "waymark@sheffield.example"; }
            @Override public String username() { return ""; }
            @Override public String password() { return ""; }
            @Override public boolean startTls() { return false; }
            @Override public int timeoutMillis() { return 3000; }
        };
    }
}
