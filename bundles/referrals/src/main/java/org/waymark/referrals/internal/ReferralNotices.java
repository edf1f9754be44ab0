package org.waymark.referrals.internal;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.SocialPrescribingCodes;

/**
 * Who hears about a referral's changes, written to the outbox in the transaction of the change: the sending system
 * (the closed loop: its FHIR endpoint gets the Task's new state), the person when their referral is accepted, and the
 * worker who holds it when the sender withdraws it. Message ids derive from the referral and its version, so each
 * change is one message however often it is delivered.
 */
final class ReferralNotices {
    static final String TOPIC_STATUS = "referral.status";
    static final String TOPIC_ACCEPTED = "referral.accepted";
    static final String TOPIC_WITHDRAWN = "referral.withdrawn";

    private final Notifier notifier;
    private final ContactBook contacts;

    ReferralNotices(Notifier notifier, ContactBook contacts) {
        this.notifier = notifier;
        this.contacts = contacts;
    }

    /** After a link worker changed the status: tell the sender and, on acceptance, the person. */
    void statusChanged(Connection c, Referral after, boolean codeRecorded) {
        Party sender = Party.organisation(after.senderId());
        // A sender with no contact details follows its referrals by reading their Tasks; nothing to queue for it.
        if (!contacts.find(sender).addresses().isEmpty()) {
            notifier.notify(c, new Notification("referral-" + after.id() + "-v" + after.version(), sender, after.area(),
                    TOPIC_STATUS, "Referral " + after.identifierValue() + " is now " + describe(after.status()),
                    "The social prescribing referral " + after.identifierValue() + " is now " + describe(after.status())
                            + (after.statusReason() == null ? "." : ": " + after.statusReason())
                            + (after.outcome() == null ? "" : " Outcome: " + after.outcome()),
                    statusFacts(after, codeRecorded)));
        }
        if (after.status() == ReferralStatus.ACCEPTED && after.patientId() != null) {
            Party person = Party.person(after.patientId());
            if (!contacts.find(person).addresses().isEmpty()) {
                notifier.notify(c, new Notification("referral-" + after.id() + "-accepted", person, after.area(),
                        TOPIC_ACCEPTED, "Your social prescribing referral",
                        "Your referral to the social prescribing service has been accepted. A link worker will contact"
                                + " you soon to talk about what matters to you.", Map.of("referralId", after.id())));
            }
        }
    }

    /** After the sender cancelled or withdrew the referral: tell whoever works on it. */
    void withdrawnBySender(Connection c, Referral after) {
        Party worker = after.assignee() != null ? Party.staff(after.assignee()) : Party.team(org.waymark.api.security.Roles.LINK_WORKER);
        Map<String, String> data = facts(after);
        data.put("link", "/console/#/referrals/" + after.id());
        data.put("task", "true");
        notifier.notify(c, new Notification("referral-" + after.id() + "-v" + after.version(), worker, after.area(),
                TOPIC_WITHDRAWN, "Referral " + describe(after.status()) + " by the sender",
                "The sender has " + (after.status() == ReferralStatus.CANCELLED ? "cancelled" : "withdrawn (entered in error)")
                        + " a referral you hold. Please check it and close any open work.", data));
    }

    /** The facts plus, on the change that recorded it, the episode's SNOMED CT code (sent once per episode). */
    private static Map<String, String> statusFacts(Referral r, boolean codeRecorded) {
        Map<String, String> data = facts(r);
        // The sender applies each status message as it comes: one referral's go out in the order of its changes.
        data.put(Notification.SEQUENCE, "referral-" + r.id());
        if (codeRecorded && r.episodeCode() != null) {
            data.put("codeSystem", SocialPrescribingCodes.SNOMED);
            data.put("code", r.episodeCode());
            data.put("codeDisplay", SocialPrescribingCodes.display(r.episodeCode()));
        }
        if (r.episodeCode() != null) {
            // The episode's code on every change, so a message delivered late shows the Task as it stood then
            // (the code above says only which change recorded it).
            data.put("episodeCode", r.episodeCode());
        }
        if (r.outcome() != null) {
            data.put("outcome", r.outcome());
        }
        if (r.lastUpdated() != null) {
            // Also marks facts that carry the whole state of the Task (FHIR's StatusSnapshot reads them so).
            data.put("lastUpdated", r.lastUpdated().toString());
        }
        return data;
    }

    private static Map<String, String> facts(Referral r) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("referralId", r.id());
        data.put("taskId", r.taskId());
        data.put("status", r.status().code());
        if (r.statusReason() != null) {
            data.put("statusReason", r.statusReason());
        }
        data.put("version", Long.toString(r.version()));
        data.put("identifierSystem", r.identifierSystem());
        data.put("identifierValue", r.identifierValue());
        return data;
    }

    private static String describe(ReferralStatus status) {
        return status.code().replace('-', ' ');
    }
}
