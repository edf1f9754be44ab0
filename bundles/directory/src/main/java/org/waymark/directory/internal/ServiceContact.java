package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;

/**
 * Where a directory service's messages (onward referrals, "are these details still right?" checks) are sent: the
 * contact details set for {@code organisation directory-service:SERVICE_ID}, or else the service's own email in the
 * directory. The notifier reads only the contact book, so the directory's email is copied there; the copy follows the
 * directory when its email is corrected (by an edit or an import). Found probing: the first onward referral froze the
 * email of that day in the contact book, and after an admin corrected the service's email every later referral, with
 * the link worker's note about the person, still went to the old address.
 */
final class ServiceContact {
    private ServiceContact() {
    }

    static Party party(String serviceId) {
        return Party.organisation("directory-service:" + serviceId);
    }

    /**
     * Brings the service's contact details up to the directory before a message is sent to it: copies the directory's
     * email when none is set, and replaces an email the directory once gave for the service and no longer does (it was
     * copied from there, or set to what has since been corrected), or removes it when the directory has none now.
     * Details set to another address (a referral intake mailbox, say) and the other channels are left as they are.
     */
    static void follow(ContactBook contacts, DataSource db, Caller caller, String serviceId, ObjectNode service) {
        Party provider = party(serviceId);
        ContactPreferences saved = contacts.find(provider);
        String current = service.hasNonNull("email") && !service.get("email").asText().isBlank()
                ? service.get("email").asText().strip() : null;
        if (saved.addresses().isEmpty()) {
            if (current != null) {
                // "Do not contact", when set, stays set: the copy gives an address, not a permission.
                contacts.save(caller, provider, new ContactPreferences(saved.doNotContact(), "email", Map.of("email", current)));
            }
            return;
        }
        String kept = saved.address("email");
        if (kept == null || kept.equals(current)) {
            return;
        }
        Set<String> former = ServiceHistory.formerValues(db, serviceId, "email");
        if (!former.contains(kept)) {
            return;
        }
        Map<String, String> addresses = new LinkedHashMap<>(saved.addresses());
        String preferred = saved.preferredChannel();
        if (current == null) {
            addresses.remove("email");
            preferred = "email".equals(preferred) ? null : preferred;
        } else {
            addresses.put("email", current);
        }
        contacts.save(caller, provider, new ContactPreferences(saved.doNotContact(), preferred, addresses));
    }
}
