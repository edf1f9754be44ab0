package org.waymark.email.internal;

import java.util.Properties;
import java.util.function.Supplier;
import javax.mail.AuthenticationFailedException;
import javax.mail.Authenticator;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.PasswordAuthentication;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.platform.http.OutboundEndpoints;

/**
 * Email through an SMTP relay. Each message carries a Message-ID made from the notification's stable id, so a
 * retried delivery is recognisably the same message to the receiving side.
 */
@Component(service = NotificationChannel.class, configurationPid = EmailConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class EmailChannel implements NotificationChannel {
    static final String NAME = "email";
    private final Session session;
    private final InternetAddress from;

    @Activate
    public EmailChannel(EmailConfig config) throws AddressException {
        this.session = config.host().isBlank() ? null : withOwnClassLoader(() -> Session.getInstance(properties(config), authenticator(config)));
        this.from = new InternetAddress(config.from(), true);
    }

    private static Properties properties(EmailConfig config) {
        Properties p = new Properties();
        p.setProperty("mail.transport.protocol", "smtp");
        p.setProperty("mail.smtp.host", config.host());
        p.setProperty("mail.smtp.port", Integer.toString(config.port()));
        p.setProperty("mail.smtp.connectiontimeout", Integer.toString(config.timeoutMillis()));
        p.setProperty("mail.smtp.timeout", Integer.toString(config.timeoutMillis()));
        p.setProperty("mail.smtp.writetimeout", Integer.toString(config.timeoutMillis()));
        p.setProperty("mail.smtp.auth", Boolean.toString(!config.username().isBlank()));
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(config.startTls()));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(config.startTls()));
        return p;
    }

    private static Authenticator authenticator(EmailConfig config) {
        if (config.username().isBlank()) {
            return null;
        }
        return new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(config.username(), config.password());
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean canReach(Notification notification, ContactPreferences preferences) {
        return session != null && preferences.address(NAME) != null;
    }

    @Override
    public Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException {
        if (session == null) {
            throw new DeliveryException("No SMTP server is configured", false);
        }
        InternetAddress to;
        try {
            to = new InternetAddress(preferences.address(NAME), true);
        } catch (AddressException e) {
            throw new DeliveryException("The recipient's email address is not valid", true, e);
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(EmailChannel.class.getClassLoader());
        try {
            MimeMessage message = new StableIdMessage(session, notification.messageId());
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, to);
            message.setSubject(notification.subject() == null ? "Message from Waymark" : notification.subject(), "UTF-8");
            message.setText(notification.text() == null ? "" : notification.text(), "UTF-8");
            message.setHeader("X-Waymark-Message-Id", notification.messageId());
            Transport.send(message);
            return new Delivery("smtp accepted " + message.getMessageID());
        } catch (SendFailedException e) {
            // The relay refused the recipient or the message: sending again will not change that. Its own words quote
            // the address and name Java classes, so they stay out of the job list.
            throw new DeliveryException("The mail server refused the recipient or the message", true, e);
        } catch (AuthenticationFailedException e) {
            throw new DeliveryException("The mail server refused Waymark's sign-in (check the SMTP settings)", false, e);
        } catch (MessagingException e) {
            throw new DeliveryException("The mail server could not be reached: " + OutboundEndpoints.describe(e), false, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static <T> T withOwnClassLoader(Supplier<T> work) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(EmailChannel.class.getClassLoader());
        try {
            return work.get();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** A message whose Message-ID comes from the notification, not from the time of sending. */
    private static final class StableIdMessage extends MimeMessage {
        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", "<" + messageId.replaceAll("[^A-Za-z0-9._-]", "-") + "@waymark>");
        }
    }
}
