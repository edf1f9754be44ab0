package org.waymark.pathfinder.sheffield.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.report.ReportDefinition;

/** How Sheffield's referrals were routed by its triage rule, and how many were urgent: does the LTC team keep up? */
@Component(property = "waymark.area=sheffield")
public final class RoutesReport implements ReportDefinition {

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
            s.setTimestamp(2, Timestamp.from(from.atStartOfDay().toInstant(ZoneOffset.UTC)));
            s.setTimestamp(3, Timestamp.from(to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(r.getString(1), List.of(r.getLong(2), r.getLong(3))));
                }
            }
        }
        return rows;
    }
}
