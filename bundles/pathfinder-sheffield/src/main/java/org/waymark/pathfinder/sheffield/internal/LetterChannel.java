package org.waymark.pathfinder.sheffield.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.ZoneId;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;

/**
 * Letters as a channel: to people the service writes to by post (the contact book holds their postal address under
 * {@code letter}), a printable letter goes to the print room's folder, and the plugin's own table records it so the
 * worker sees it on the referral.
 */
@Component(property = "waymark.area=sheffield")
@Designate(ocd = SheffieldConfig.class)
public final class LetterChannel implements NotificationChannel {
    static final String CHANNEL = "letter";

    private final DataSource db;
    private final Mailroom mailroom;
    private final Clock clock;

    @Activate
    public LetterChannel(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                         @Reference(target = "(waymark.schema=org.waymark.pathfinder-sheffield)") SchemaReady schema,
                         SheffieldConfig config) {
        this(db, Mailroom.of(config), Clock.systemDefaultZone());
    }

    LetterChannel(DataSource db, Mailroom mailroom, Clock clock) {
        this.db = db;
        this.mailroom = mailroom;
        this.clock = clock;
    }

    @Override
    public String name() {
        return CHANNEL;
    }

    @Override
    public boolean canReach(Notification notification, ContactPreferences preferences) {
        return notification.to().kind() == Party.Kind.PERSON && preferences.address(CHANNEL) != null
                && !preferences.address(CHANNEL).isBlank();
    }

    @Override
    public Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException {
        String subject = notification.subject() == null ? "A message from the social prescribing service" : notification.subject();
        String fileName;
        try {
            fileName = mailroom.write(notification.messageId(), preferences.address(CHANNEL), subject,
                    notification.text() == null ? "" : notification.text(), clock.instant().atZone(ZoneId.of("Europe/London")).toLocalDate());
        } catch (IOException e) {
            throw new DeliveryException("The letter could not be written to the print room folder", false, e);
        }
        record(notification, subject, fileName);
        return new Delivery("letter:" + fileName);
    }

    private void record(Notification notification, String subject, String fileName) throws DeliveryException {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement update = c.prepareStatement("UPDATE sheffield_letter SET written_at = ? WHERE message_id = ?")) {
                update.setTimestamp(1, Timestamp.from(clock.instant()));
                update.setString(2, notification.messageId());
                if (update.executeUpdate() == 1) {
                    return; // a retried delivery: the same letter, written again
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO sheffield_letter (message_id, patient_id, subject, "
                    + "file_name, written_at) VALUES (?,?,?,?,?)")) {
                insert.setString(1, notification.messageId());
                insert.setString(2, notification.to().id());
                insert.setString(3, subject.length() > 300 ? subject.substring(0, 300) : subject);
                insert.setString(4, fileName);
                insert.setTimestamp(5, Timestamp.from(clock.instant()));
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new DeliveryException("The letter was written but could not be recorded", false, e);
        }
    }
}
