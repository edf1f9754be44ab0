package org.waymark.api.notify;

import java.sql.Connection;

/**
 * The outbox: records a notification in the caller's transaction and delivers it after the commit, at least once,
 * through the channel that fits the recipient's preferences. Nothing is sent for a change that rolled back, and
 * nothing committed is lost when the process dies before delivery.
 */
public interface Notifier {

    /** Records the notification in the caller's transaction; a repeated message id changes nothing. */
    void notify(Connection transaction, Notification notification);
}
