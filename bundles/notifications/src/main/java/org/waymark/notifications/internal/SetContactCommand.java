package org.waymark.notifications.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;

/**
 * {@code ./waymark set-contact KIND ID ...}: sets a party's contact details from a script, e.g. the FHIR endpoint
 * that a GP system's status messages go to. Options not given keep their value.
 */
@Component(service = {AdminCommand.class, SetContactCommand.class})
public final class SetContactCommand implements AdminCommand {
    private final ContactBook contacts;

    @Activate
    public SetContactCommand(@Reference ContactBook contacts) {
        this.contacts = contacts;
    }

    @Override
    public String name() {
        return "set-contact";
    }

    @Override
    public String usage() {
        return "set-contact person|organisation|staff|team ID [--email ADDRESS] [--fhir URL] [--sms NUMBER]"
                + " [--prefer CHANNEL] [--do-not-contact yes|no]\n"
                + "    sets how a party is reached; an organisation is a client id (its FHIR endpoint gets status messages).";
    }

    @Override
    public String run(List<String> arguments) {
        if (arguments.size() < 2) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        Party party = new Party(ContactRules.kind(arguments.get(0)), arguments.get(1));
        ContactPreferences current = contacts.find(party);
        Map<String, String> addresses = new LinkedHashMap<>(current.addresses());
        boolean doNotContact = current.doNotContact();
        String preferred = current.preferredChannel();
        for (int i = 2; i < arguments.size(); i += 2) {
            String option = arguments.get(i);
            if (i + 1 >= arguments.size()) {
                throw WaymarkException.invalid(option + " needs a value");
            }
            String value = arguments.get(i + 1);
            switch (option) {
                case "--email", "--fhir", "--sms" -> {
                    if (value.isEmpty()) {
                        addresses.remove(option.substring(2));
                    } else {
                        addresses.put(option.substring(2), value);
                    }
                }
                case "--prefer" -> preferred = value.isEmpty() ? null : value;
                case "--do-not-contact" -> doNotContact = switch (value) {
                    case "yes", "true" -> true;
                    case "no", "false" -> false;
                    default -> throw WaymarkException.invalid("--do-not-contact takes yes or no");
                };
                default -> throw WaymarkException.invalid("Unknown option " + option + "\nUsage: " + usage());
            }
        }
        ContactPreferences updated = ContactRules.checked(party, new ContactPreferences(doNotContact, preferred, addresses));
        contacts.save(Caller.system("operator"), party, updated);
        return "Contact details of " + party.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + party.id()
                + ": " + describe(updated);
    }

    static String describe(ContactPreferences p) {
        return (p.doNotContact() ? "do not contact; " : "") + "preferred " + (p.preferredChannel() == null ? "any" : p.preferredChannel())
                + "; addresses " + (p.addresses().isEmpty() ? "none" : String.join(", ", p.addresses().keySet()));
    }
}
