package org.waymark.pathfinder.sheffield.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.governance.PersonalDataContributor;

/**
 * The letters this plugin recorded are about a person: a subject access export lists them, and retention or erasure
 * of the person removes the records (the print room's copies are its own to shred, as with any posted letter).
 */
@Component(property = "waymark.area=sheffield")
public final class LetterRecords implements PersonalDataContributor {

    @Override
    public String name() {
        return "sheffield-letters";
    }

    /**
     * The letters, when the export covers a Sheffield referral of the person: an export shows the referrals of the
     * caller's areas and only counts the others. Found probing: an Islington admin's export of a person also referred
     * in Sheffield listed the letters Sheffield had posted to them.
     */
    @Override
    public Map<String, List<Map<String, Object>>> export(Connection transaction, String patientId, Set<String> referralIds)
            throws SQLException {
        if (!coversSheffield(transaction, referralIds)) {
            return Map.of("letters", List.of());
        }
        try (PreparedStatement s = transaction.prepareStatement("SELECT message_id, subject, file_name, written_at "
                + "FROM sheffield_letter WHERE patient_id = ? ORDER BY written_at")) {
            s.setString(1, patientId);
            try (ResultSet rows = s.executeQuery()) {
                return Map.of("letters", PersonalDataContributor.rows(rows));
            }
        }
    }

    private static boolean coversSheffield(Connection transaction, Set<String> referralIds) throws SQLException {
        if (referralIds.isEmpty()) {
            return false;
        }
        String marks = String.join(",", java.util.Collections.nCopies(referralIds.size(), "?"));
        try (PreparedStatement s = transaction.prepareStatement("SELECT COUNT(*) FROM wm_referral WHERE area = ? AND id IN (" + marks + ")")) {
            s.setString(1, LettersResource.AREA);
            int i = 2;
            for (String id : referralIds) {
                s.setString(i++, id);
            }
            try (ResultSet rows = s.executeQuery()) {
                return rows.next() && rows.getLong(1) > 0;
            }
        }
    }

    @Override
    public int erase(Connection transaction, Erasure erasure) throws SQLException {
        if (!erasure.wholePerson()) {
            return 0; // letters belong to the person, not to one referral: they go when the person goes
        }
        try (PreparedStatement s = transaction.prepareStatement("DELETE FROM sheffield_letter WHERE patient_id = ?")) {
            s.setString(1, erasure.patientId());
            return s.executeUpdate();
        }
    }

    /** Letters are the person's: they follow the person to the record that stays. */
    @Override
    public int merge(Connection transaction, Merge merge) throws SQLException {
        return PersonalDataContributor.execute(transaction, "UPDATE sheffield_letter SET patient_id = ? WHERE patient_id = ?",
                List.of(merge.intoPatientId(), merge.fromPatientId()));
    }
}
