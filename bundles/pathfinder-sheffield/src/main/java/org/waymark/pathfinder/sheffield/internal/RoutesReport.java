package org.waymark.pathfinder.sheffield.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.report.ReportDefinition;

/** How Sheffield's referrals were routed by its triage rule, and how many were urgent: does the LTC team keep up? */
@Component(property = "waymark.area=sheffield")
public final class RoutesReport implements ReportDefinition {
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    @Override
    public String id() {
        return "sheffield-triage-routes";
    }

    @Override
    public String title() {
        return "Referrals by triage route";
    }

    @Override
    public List<String> columns() {
        return List.of("Route", "Referrals", "Urgent");
    }

    @Override
    public List<Row> rows(Connection readOnly, String area, LocalDate from, LocalDate to) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = readOnly.prepareStatement("SELECT COALESCE(t.route, 'none'), COUNT(*), "
                + "SUM(CASE WHEN t.priority = 'urgent' THEN 1 ELSE 0 END) FROM wm_triage t JOIN wm_referral r ON r.id = t.referral_id "
                + "WHERE r.area = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY COALESCE(t.route, 'none') ORDER BY 1")) {
            s.setString(1, area);
            s.setTimestamp(2, Timestamp.from(startOf(from)));
            s.setTimestamp(3, Timestamp.from(startOf(to.plusDays(1))));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(r.getString(1), List.of(r.getLong(2), r.getLong(3))));
                }
            }
        }
        return rows;
    }

    /**
     * Midnight in Sheffield: the days of the report are the area's, as in the core's reports. Found probing: the days
     * were taken in UTC, so from April to October a referral received between midnight and one in the morning was
     * counted on the day before (and in the month before, on the first of a month).
     */
    static Instant startOf(LocalDate day) {
        return day.atStartOfDay(LONDON).toInstant();
    }
}
