package org.waymark.api.notify;

/**
 * A way to reach people and organisations (email, the console inbox, FHIR messaging; SMS or letters from plugins).
 * Registered as an OSGi service; the property {@code waymark.area} limits it to one area. Calls come through the
 * plugin guard, with a time limit, outside any transaction, possibly more than once for one notification: use
 * {@link Notification#messageId()} so the receiver can drop duplicates.
 */
public interface NotificationChannel {

    /** The channel's name, also the key of its address in {@link ContactPreferences#addresses()}. */
    String name();

    /** Whether this channel can deliver to this party with these preferences (it has an address, say). */
    boolean canReach(Notification notification, ContactPreferences preferences);

    Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException;
}
