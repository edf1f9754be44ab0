package org.waymark.directory.internal;

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
 * The directory's part of a person's data: the signposts and onward referrals made from their referrals (the
 * services they were told about or referred to, the link worker's notes, the providers' answers). The one-time link's
 * token digest is a credential, not data about the person, and is left out of the export.
 */
@Component(service = PersonalDataContributor.class)
public final class DirectoryPersonalData implements PersonalDataContributor {

    @Override
    public String name() {
        return "directory";
    }

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        if (referralIds.isEmpty()) {
            out.put("signposts", List.of());
            out.put("onwardReferrals", List.of());
            return out;
        }
        List<Object> ids = new ArrayList<>(referralIds);
        String in = "?,".repeat(ids.size() - 1) + "?";
        out.put("signposts", PersonalDataContributor.select(c, "SELECT s.id, s.referral_id, s.service_id, s.area, s.note, s.created_by,"
                + " s.created_at FROM dir_signpost s WHERE s.referral_id IN (" + in
                + ") ORDER BY s.created_at", ids));
        out.put("onwardReferrals", PersonalDataContributor.select(c, "SELECT o.id, o.referral_id, o.part_of_task_id, o.service_id, o.area,"
                + " o.status, o.status_reason, o.note, o.consent_recorded_by, o.consent_recorded_at, o.answered_by, o.answered_at,"
                + " o.created_by, o.created_at FROM dir_onward_referral o"
                + " WHERE o.referral_id IN (" + in + ") ORDER BY o.created_at", ids));
        return out;
    }

    @Override
    public int erase(Connection c, Erasure erasure) throws SQLException {
        if (erasure.referralIds().isEmpty()) {
            return 0;
        }
        List<Object> ids = new ArrayList<>(erasure.referralIds());
        String in = "?,".repeat(ids.size() - 1) + "?";
        return PersonalDataContributor.execute(c, "DELETE FROM dir_signpost WHERE referral_id IN (" + in + ")", ids)
                + PersonalDataContributor.execute(c, "DELETE FROM dir_onward_referral WHERE referral_id IN (" + in + ")", ids);
    }
}
