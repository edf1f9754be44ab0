package org.waymark.itests.testplugin;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;

/**
 * An area's SMS channel with a bug: every send throws. The core must count the failures, mark the plugin failed and
 * deliver through another channel, without the referral or the other channels noticing.
 */
@Component(service = NotificationChannel.class, property = "waymark.area=sheffield")
public final class BrokenSmsChannel implements NotificationChannel {

    @Override
    public String name() {
        return "sms";
    }

    @Override
    public boolean canReach(Notification notification, ContactPreferences preferences) {
        return preferences.address("sms") != null;
    }

    @Override
    public Delivery send(Notification notification, ContactPreferences preferences) {
        throw new IllegalStateException("SMS gateway plugin bug");
    }
}
