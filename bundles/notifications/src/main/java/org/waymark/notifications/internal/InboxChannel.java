package org.waymark.notifications.internal;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;
import org.waymark.platform.db.Jdbc;

/**
 * The console inbox and task list for staff: a notification to a user, or to a role within an area (a team such as
 * the safeguarding leads), becomes an item there. Data key {@code task=true} makes it a task to tick off; {@code link}
 * is a console path to open.
 */
@Component(service = NotificationChannel.class)
public final class InboxChannel implements NotificationChannel {
    static final String NAME = "inbox";
    private final DataSource db;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public InboxChannel(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                        @Reference(target = "(waymark.schema=org.waymark.notifications)") SchemaReady schema) {
        this.db = db;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean canReach(Notification notification, ContactPreferences preferences) {
        return notification.to().kind() == Party.Kind.STAFF || notification.to().kind() == Party.Kind.TEAM;
    }

    @Override
    public Delivery send(Notification n, ContactPreferences preferences) throws DeliveryException {
        try {
            // Delivered before: the message id keeps it one item.
            long inserted = Jdbc.inTransaction(db, c -> Jdbc.unlessDuplicate(c, tx -> {
                try (PreparedStatement s = tx.prepareStatement("INSERT INTO wm_inbox (message_id, party_kind, party_id, area,"
                        + " topic, subject, body, link, is_task, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                    s.setString(1, n.messageId());
                    s.setString(2, n.to().kind().name());
                    s.setString(3, n.to().id());
                    s.setString(4, n.area());
                    s.setString(5, n.topic());
                    s.setString(6, n.subject());
                    s.setString(7, n.text() == null || n.text().length() <= 4000 ? n.text() : n.text().substring(0, 4000));
                    s.setString(8, n.data().get("link"));
                    s.setBoolean(9, Boolean.parseBoolean(n.data().get("task")));
                    s.setTimestamp(10, Timestamp.from(clock.instant()));
                    return (long) s.executeUpdate();
                }
            }).orElse(0L));
            return new Delivery(inserted == 1 ? "inbox item created" : "inbox item already there");
        } catch (Jdbc.DatabaseUnavailableException e) {
            throw new DeliveryException("The inbox could not be written", false, e);
        }
    }
}
