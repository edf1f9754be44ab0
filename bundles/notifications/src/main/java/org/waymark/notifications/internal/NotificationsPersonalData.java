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
                + " delivered_at FROM wm_notification WHERE " + messages.where + " ORDER BY created_at", messages.values));
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

    private record Selection(String where, List<Object> values) {
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
