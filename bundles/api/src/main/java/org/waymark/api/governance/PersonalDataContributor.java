package org.waymark.api.governance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Personal data that one bundle keeps about a person, for the subject access export and for retention. Registered as
 * an OSGi service by each bundle (core or plugin) that owns tables holding data about people; the referrals bundle,
 * which owns the person and their referrals, asks every contributor and then handles its own tables last.
 *
 * <p>Unlike other plugin calls, these run inside the export's or the erasure's transaction (the given connection),
 * so an erasure is all or nothing: a contributor that throws makes the whole person's erasure roll back, to be tried
 * again on the next retention run. Contributors must not commit, roll back or close the connection.
 */
public interface PersonalDataContributor {

    /** The section of the export this contributor fills, e.g. {@code notifications}; unique among contributors. */
    String name();

    /**
     * Everything this contributor holds about the person.
     *
     * @param patientId   the local patient id
     * @param referralIds the person's referrals (data kept per referral belongs to the person too)
     * @return table or record kind → rows (column → value; JDBC values are fine, the caller renders them as JSON)
     */
    Map<String, List<Map<String, Object>>> export(Connection transaction, String patientId, Set<String> referralIds)
            throws SQLException;

    /**
     * Erases what this contributor holds for the given referrals, and, when {@link Erasure#wholePerson()}, for the
     * person too (their last referral is going). Rows that are not about a person (an aggregate count, the audit
     * trail's ids) may stay.
     *
     * @return how many rows were deleted or anonymised, for the retention report
     */
    int erase(Connection transaction, Erasure erasure) throws SQLException;

    /**
     * What retention removes in one step.
     *
     * @param patientId   the person the referrals belong to
     * @param referralIds the closed referrals whose retention period has passed
     * @param wholePerson true when no other referral of the person remains, so the person's own data goes too
     */
    record Erasure(String patientId, Set<String> referralIds, boolean wholePerson) {
        public Erasure {
            referralIds = Set.copyOf(referralIds);
        }
    }

    /**
     * One person found to be recorded twice: rows this contributor keeps under {@link Merge#fromPatientId()} (the
     * record that goes) move to {@link Merge#intoPatientId()} (the record that stays), so that the person's data is
     * not left behind under an id that no longer exists. Called in the merge's transaction, after the referrals have
     * moved and before the record goes. Rows kept per referral need nothing: the referrals keep their ids.
     *
     * <p>Where the two records each hold a row that can exist once per person (a preference, an answer given twice),
     * keep the more recent one. Rows that must not change (the audit trail's ids) stay: whoever reads them for the
     * person also reads them for the ids merged into the person.
     *
     * @return how many rows moved, for the merge's record
     * @since 1.2
     */
    default int merge(Connection transaction, Merge merge) throws SQLException {
        return 0;
    }

    /** @since 1.2 */
    record Merge(String fromPatientId, String intoPatientId) {
        public Merge {
            if (fromPatientId.equals(intoPatientId)) {
                throw new IllegalArgumentException("A record cannot be merged into itself");
            }
        }
    }

    /** Reads a result set into rows keyed by lower-case column label, for {@link #export}. */
    static List<Map<String, Object>> rows(ResultSet result) throws SQLException {
        ResultSetMetaData meta = result.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (result.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                Object value = result.getObject(i);
                if (value instanceof java.sql.Clob clob) {
                    value = clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
                }
                row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), value);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Runs a query with positional values and reads its rows as {@link #rows} does: the usual body of {@link #export}. */
    static List<Map<String, Object>> select(java.sql.Connection connection, String sql, List<?> values) throws SQLException {
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            try (ResultSet result = statement.executeQuery()) {
                return rows(result);
            }
        }
    }

    /** Runs a change with positional values and answers the rows it touched: the usual body of an erasure. */
    static int execute(java.sql.Connection connection, String sql, List<?> values) throws SQLException {
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            return statement.executeUpdate();
        }
    }
}
