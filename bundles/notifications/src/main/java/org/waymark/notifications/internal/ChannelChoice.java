package org.waymark.notifications.internal;

import java.util.ArrayList;
import java.util.List;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.plugin.PluginService;

/** The order in which channels are tried for a party: the preferred channel first, then the rest as registered. */
final class ChannelChoice {
    private ChannelChoice() {
    }

    static List<PluginService<NotificationChannel>> inOrder(ContactPreferences preferences,
                                                           List<PluginService<NotificationChannel>> channels) {
        List<PluginService<NotificationChannel>> ordered = new ArrayList<>();
        String preferred = preferences.preferredChannel();
        for (PluginService<NotificationChannel> channel : channels) {
            if (preferred != null && preferred.equals(nameOf(channel))) {
                ordered.add(0, channel);
            } else {
                ordered.add(channel);
            }
        }
        return ordered;
    }

    static String nameOf(PluginService<NotificationChannel> channel) {
        try {
            return channel.service().name();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
