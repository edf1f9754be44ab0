package org.waymark.api.report;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A report an area adds: rows of counts over its referrals for a date range. The core runs it on a read-only
 * connection through the plugin guard, for admins of the area only, suppresses small counts (NHS practice) before
 * anything is shown or exported, and audits each run. Registered with {@code waymark.area}.
 */
@ConsumerType
public interface ReportDefinition {

    /** Stable id, 1 to 64 lower case letters, digits and hyphens. */
    String id();

    String title();

    /** The column headings: first the row label, then one heading per count. */
    List<String> columns();

    /**
     * The rows: a label, then whole-number counts, one per column after the first. Only the core's tables documented
     * for reports ({@code wm_referral}, {@code wm_patient}, {@code wm_triage}) and the plugin's own are read.
     */
    List<Row> rows(Connection readOnly, String area, LocalDate from, LocalDate to) throws SQLException;

    record Row(String label, List<Long> counts) {
        public Row {
            counts = List.copyOf(counts);
        }
    }
}
