package org.waymark.referrals.internal;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;

/** Keeps what was queued, and whether it was queued inside an open transaction as the outbox requires. */
final class RecordingNotifier implements Notifier {
    final List<Notification> queued = new CopyOnWriteArrayList<>();

    @Override
    public void notify(Connection transaction, Notification notification) {
        try {
            if (transaction.getAutoCommit()) {
                throw new IllegalStateException("Notifications must be queued inside the change's transaction");
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        queued.add(notification);
    }
}
