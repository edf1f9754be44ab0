package org.waymark.notifications.internal;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.platform.http.OutboundEndpoints;

/** Checks contact details before they are stored, so a delivery never fails on an address that could be refused now. */
final class ContactRules {
    private static final String FHIR = "fhir";
    private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s.]{2,}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ]{6,20}");

    private ContactRules() {
    }

    static Party.Kind kind(String value) {
        try {
            return Party.Kind.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw WaymarkException.invalid("The party kind must be person, organisation, staff or team");
        }
    }

    static ContactPreferences checked(Party party, ContactPreferences preferences) {
        if (preferences.preferredChannel() != null && !CHANNEL.matcher(preferences.preferredChannel()).matches()) {
            throw WaymarkException.invalid("preferredChannel must be a channel name such as email, inbox or fhir");
        }
        // FHIR messaging reaches an organisation's system; for a person it would only let whoever edits their details
        // make the server post to an address of their choosing.
        if (party.kind() == Party.Kind.PERSON
                && (FHIR.equals(preferences.preferredChannel()) || preferences.addresses().containsKey(FHIR))) {
            throw WaymarkException.invalid("A person cannot be reached by FHIR messaging, which is for organisations' systems:"
                    + " a person's channels are email, sms and letter (where the area offers them)");
        }
        for (Map.Entry<String, String> address : preferences.addresses().entrySet()) {
            String channel = address.getKey();
            String value = address.getValue();
            if (channel == null || !CHANNEL.matcher(channel).matches()) {
                throw WaymarkException.invalid("Address keys must be channel names such as email, fhir or sms");
            }
            if (value == null || value.isBlank() || value.length() > 500) {
                throw WaymarkException.invalid("The " + channel + " address must be 1 to 500 characters");
            }
            switch (channel) {
                case "email" -> require(EMAIL.matcher(value).matches(), "The email address is not valid");
                case "sms", "phone" -> require(PHONE.matcher(value).matches(), "The phone number is not valid");
                case FHIR -> OutboundEndpoints.refusal(value).ifPresent(why -> {
                    throw WaymarkException.invalid("The FHIR endpoint is refused: " + why);
                });
                default -> { }
            }
        }
        return preferences;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw WaymarkException.invalid(message);
        }
    }
}
