package org.waymark.notifications.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
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

    /**
     * The channels a party may prefer: those installed now, whatever area they serve, and the one it prefers already,
     * since a preference kept from before its plugin went is no reason to refuse a change of the rest (such as a
     * request not to be contacted).
     */
    static Set<String> channelsFor(PluginRegistry plugins, ContactPreferences current) {
        Set<String> names = new TreeSet<>();
        if (current.preferredChannel() != null) {
            names.add(current.preferredChannel());
        }
        for (PluginService<NotificationChannel> channel : plugins.services(NotificationChannel.class, null)) {
            String name = ChannelChoice.nameOf(channel);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * A change to a party's details as sent: the fields it names replace theirs, the others stay. Read field by field
     * because a record reads an absent field as null, and {@code {}} then erased every address and preference (found
     * probing {@code PUT /api/contacts}); a body that names none of them is refused rather than taken as "no details".
     */
    static ContactPreferences changed(ContactPreferences current, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw WaymarkException.invalid("A JSON object with doNotContact, preferredChannel or addresses is required");
        }
        if (body.isEmpty()) {
            throw WaymarkException.invalid("Name at least one of doNotContact, preferredChannel and addresses:"
                    + " the fields left out stay as they are");
        }
        boolean doNotContact = current.doNotContact();
        String preferredChannel = current.preferredChannel();
        Map<String, String> addresses = current.addresses();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "doNotContact" -> {
                    require(value.isBoolean(), "doNotContact must be true or false");
                    doNotContact = value.booleanValue();
                }
                case "preferredChannel" -> {
                    require(value.isNull() || value.isTextual(), "preferredChannel must be a channel name or null");
                    preferredChannel = value.isNull() ? null : value.textValue();
                }
                case "addresses" -> {
                    require(value.isNull() || value.isObject(), "addresses must be an object of channel names and addresses, or null");
                    Map<String, String> sent = new LinkedHashMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> each = value.fields(); each.hasNext(); ) {
                        Map.Entry<String, JsonNode> address = each.next();
                        require(address.getValue().isTextual(), "addresses." + safeName(address.getKey()) + " must be a string");
                        sent.put(address.getKey(), address.getValue().textValue());
                    }
                    addresses = sent;
                }
                default -> throw WaymarkException.invalid("Unknown field '" + safeName(field.getKey())
                        + "': the fields are doNotContact, preferredChannel and addresses");
            }
        }
        return new ContactPreferences(doNotContact, preferredChannel, addresses);
    }

    private static String safeName(String name) {
        return CHANNEL.matcher(name).matches() || name.matches("[A-Za-z]{1,64}") ? name : "(a field)";
    }

    /**
     * @param channels the channels installed now: a preferred channel must be one of them (found probing: any name was
     *                 kept, so a typo such as {@code emial} silently sent by whatever channel came first)
     */
    static ContactPreferences checked(Party party, ContactPreferences preferences, Set<String> channels) {
        checked(party, preferences);
        if (preferences.preferredChannel() != null && !channels.contains(preferences.preferredChannel())) {
            throw WaymarkException.invalid("preferredChannel '" + preferences.preferredChannel()
                    + "' is not a channel of this server; its channels are " + String.join(", ", channels));
        }
        return preferences;
    }

    /**
     * The checks of the addresses and the form of a channel name alone: for the operator's {@code set-contact}, which
     * may run while the channels' bundles are still starting.
     */
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
