package org.waymark.api.notify;

import java.util.Map;

/**
 * How a party wants to be contacted.
 *
 * @param doNotContact     nothing is sent to this party on any channel (the notification is recorded as suppressed)
 * @param preferredChannel the channel to use when it can reach the party; null lets Waymark choose
 * @param addresses        the party's address per channel name, e.g. {@code email}, {@code fhir} (an endpoint URL),
 *                         {@code sms}
 */
public record ContactPreferences(boolean doNotContact, String preferredChannel, Map<String, String> addresses) {
    public static final ContactPreferences NONE = new ContactPreferences(false, null, Map.of());

    public ContactPreferences {
        addresses = addresses == null ? Map.of() : Map.copyOf(addresses);
    }

    public String address(String channel) {
        return addresses.get(channel);
    }
}
