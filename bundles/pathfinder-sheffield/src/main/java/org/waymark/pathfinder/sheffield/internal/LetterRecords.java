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

    @Override
    public Map<String, List<Map<String, Object>>> export(Connection transaction, String patientId, Set<String> referralIds)
            throws SQLException {
        try (PreparedStatement s = transaction.prepareStatement("SELECT message_id, subject, file_name, written_at "
                + "FROM sheffield_letter WHERE patient_id = ? ORDER BY written_at")) {
            s.setString(1, patientId);
            try (ResultSet rows = s.executeQuery()) {
                return Map.of("letters", PersonalDataContributor.rows(rows));
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
