package org.waymark.notifications.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.platform.db.Jdbc;

/** Records a notification and its delivery job in the caller's transaction: both commit or neither does. */
@Component(service = Notifier.class)
public final class OutboxNotifier implements Notifier {
    static final String DELIVERY_JOB = "notification.deliver";

    private final JobScheduler jobs;
    private final Outbox outbox = new Outbox(Clock.systemUTC());

    @Activate
    public OutboxNotifier(@Reference JobScheduler jobs,
                          @Reference(target = "(waymark.schema=org.waymark.notifications)") SchemaReady schema) {
        this.jobs = jobs;
    }

    @Override
    public void notify(Connection transaction, Notification notification) {
        try {
            if (outbox.record(transaction, notification)) {
                jobs.schedule(transaction, JobRequest.now(DELIVERY_JOB, notification.messageId(), null));
            }
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }
}
