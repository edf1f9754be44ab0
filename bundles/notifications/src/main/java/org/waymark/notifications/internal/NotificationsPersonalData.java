package org.waymark.notifications.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.governance.PersonalDataContributor;

/**
 * The notifications bundle's part of a person's data: their contact details and preferences, the messages sent to
 * them, and the messages about their referrals (to the referrer, to staff inboxes; their ids start
 * {@code referral-{id}-}).
 */
@Component(service = PersonalDataContributor.class)
public final class NotificationsPersonalData implements PersonalDataContributor {
    static final String PERSON = "PERSON";

    @Override
    public String name() {
        return "notifications";
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("contact", PersonalDataContributor.select(c, "SELECT do_not_contact, preferred_channel, updated_at FROM wm_contact WHERE party_kind = ? AND party_id = ?",
                List.of(PERSON, patientId)));
        out.put("contactAddresses", PersonalDataContributor.select(c, "SELECT channel, address FROM wm_contact_address WHERE party_kind = ? AND party_id = ?",
                List.of(PERSON, patientId)));
        Selection messages = messages(patientId, referralIds);
        out.put("messages", PersonalDataContributor.select(c, "SELECT message_id, party_kind, party_id, topic, subject, body, data, state, channel, created_at,"
                + " delivered_at FROM wm_notification WHERE " + messages.where + " ORDER BY created_at", messages.values)
                .stream().filter(m -> aboutNoOtherReferral(m, referralIds)).toList());
        out.put("inbox", PersonalDataContributor.select(c, "SELECT message_id, party_kind, party_id, topic, subject, body, link, is_task, created_at, done_at,"
                + " done_by FROM wm_inbox WHERE " + messages.where + " ORDER BY created_at", messages.values));
        return out;
    }

    @Override
    public int erase(Connection c, Erasure erasure) throws SQLException {
        Selection messages = erasure.wholePerson() ? messages(erasure.patientId(), erasure.referralIds())
                : messages(null, erasure.referralIds());
        int rows = 0;
        if (!messages.values.isEmpty()) {
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_inbox WHERE " + messages.where, messages.values);
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_notification WHERE " + messages.where, messages.values);
        }
        if (erasure.wholePerson()) {
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_contact_address WHERE party_kind = ? AND party_id = ?", List.of(PERSON, erasure.patientId()));
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_contact WHERE party_kind = ? AND party_id = ?", List.of(PERSON, erasure.patientId()));
        }
        return rows;
    }

    /**
     * Messages to the person and their contact details follow them to the record that stays (a message still waiting
     * in the outbox then finds an address). Where both records have contact details, the more recently updated set
     * wins and the other fills in only the channels it lacks; a request not to be contacted under either stands.
     */
    @Override
    public int merge(Connection c, Merge merge) throws SQLException {
        List<Object> from = List.of(PERSON, merge.fromPatientId());
        List<Object> into = List.of(PERSON, merge.intoPatientId());
        int rows = PersonalDataContributor.execute(c, "UPDATE wm_notification SET party_id = ? WHERE party_kind = ? AND party_id = ?",
                List.of(merge.intoPatientId(), PERSON, merge.fromPatientId()));
        rows += PersonalDataContributor.execute(c, "UPDATE wm_inbox SET party_id = ? WHERE party_kind = ? AND party_id = ?",
                List.of(merge.intoPatientId(), PERSON, merge.fromPatientId()));
        List<Map<String, Object>> fromContact = PersonalDataContributor.select(c,
                "SELECT updated_at, do_not_contact FROM wm_contact WHERE party_kind = ? AND party_id = ?", from);
        if (fromContact.isEmpty()) {
            return rows;
        }
        List<Map<String, Object>> intoContact = PersonalDataContributor.select(c,
                "SELECT updated_at, do_not_contact FROM wm_contact WHERE party_kind = ? AND party_id = ?", into);
        boolean fromWins = intoContact.isEmpty() || ((java.sql.Timestamp) fromContact.get(0).get("updated_at"))
                .after((java.sql.Timestamp) intoContact.get(0).get("updated_at"));
        String sameChannel = "party_kind = ? AND party_id = ? AND channel IN (SELECT a.channel FROM wm_contact_address a "
                + "WHERE a.party_kind = ? AND a.party_id = ?)";
        if (fromWins) {
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_contact_address WHERE " + sameChannel,
                    List.of(PERSON, merge.intoPatientId(), PERSON, merge.fromPatientId()));
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_contact WHERE party_kind = ? AND party_id = ?", into);
            rows += PersonalDataContributor.execute(c, "UPDATE wm_contact SET party_id = ? WHERE party_kind = ? AND party_id = ?",
                    List.of(merge.intoPatientId(), PERSON, merge.fromPatientId()));
        } else {
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_contact_address WHERE " + sameChannel,
                    List.of(PERSON, merge.fromPatientId(), PERSON, merge.intoPatientId()));
            rows += PersonalDataContributor.execute(c, "DELETE FROM wm_contact WHERE party_kind = ? AND party_id = ?", from);
        }
        rows += PersonalDataContributor.execute(c, "UPDATE wm_contact_address SET party_id = ? WHERE party_kind = ? AND party_id = ?",
                List.of(merge.intoPatientId(), PERSON, merge.fromPatientId()));
        // A request not to be contacted, made under either record, stands whichever record's details win.
        boolean doNotContact = Boolean.TRUE.equals(fromContact.get(0).get("do_not_contact"))
                || !intoContact.isEmpty() && Boolean.TRUE.equals(intoContact.get(0).get("do_not_contact"));
        if (doNotContact) {
            rows += PersonalDataContributor.execute(c, "UPDATE wm_contact SET do_not_contact = ? WHERE party_kind = ? AND party_id = ?",
                    List.of(true, PERSON, merge.intoPatientId()));
        }
        return rows;
    }

    private record Selection(String where, List<Object> values) {
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Whether a message may go in an export that covers these referrals: the export shows the referrals of the
     * caller's areas, and only counts the others, so a message to the person about one of those others (its id or its
     * data names the referral) stays out with it. Found probing: an Islington admin's export of a person also referred
     * in Sheffield listed Sheffield's digital-skills messages to them, reminders and self-assessment link included. A
     * message that names no referral is the person's and stays in.
     */
    static boolean aboutNoOtherReferral(Map<String, Object> message, Set<String> referralIds) {
        String id = String.valueOf(message.get("message_id"));
        if (id.startsWith("referral-")) {
            return referralIds.stream().anyMatch(r -> id.startsWith("referral-" + r + "-"));
        }
        Object data = message.get("data");
        if (data == null) {
            return true;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode referral = JSON.readTree(data.toString()).path("referralId");
            return !referral.isTextual() || referralIds.contains(referral.asText());
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** Messages to the person (when patientId is given) and every message about one of the referrals. */
    private static Selection messages(String patientId, Set<String> referralIds) {
        List<String> conditions = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (patientId != null) {
            conditions.add("(party_kind = ? AND party_id = ?)");
            values.add(PERSON);
            values.add(patientId);
        }
        for (String referralId : referralIds) {
            conditions.add("message_id LIKE ? ESCAPE '!'");
            values.add("referral-" + referralId.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "-%");
        }
        return new Selection(conditions.isEmpty() ? "1 = 0" : String.join(" OR ", conditions), values);
    }
}
