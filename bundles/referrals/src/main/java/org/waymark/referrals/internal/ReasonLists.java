package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;

/**
 * The reasons an area offers for rejecting ({@code reject}), pausing ({@code hold}) and closing ({@code outcome}) a
 * referral. Every area starts with the default list (area {@code *}); an area admin replaces it with the area's own.
 */
@Component(service = ReasonLists.class)
public final class ReasonLists {
    static final Set<String> NAMES = Set.of("reject", "hold", "outcome");
    static final String DEFAULT_AREA = "*";

    public record Reason(String code, String label) {
    }

    public record ReasonList(String name, String area, List<Reason> reasons) {
    }

    private final DataSource db;
    private final AuditLog audit;

    @Activate
    public ReasonLists(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                       @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this.db = db;
        this.audit = audit;
    }

    /** The list in force for an area: its own, else the default. */
    public ReasonList list(Caller caller, String name, String area) {
        checkName(name);
        String scopeArea = area(caller, area);
        return Jdbc.inTransaction(db, c -> {
            List<Reason> own = reasons(c, scopeArea, name);
            return own.isEmpty() ? new ReasonList(name, DEFAULT_AREA, reasons(c, DEFAULT_AREA, name))
                    : new ReasonList(name, scopeArea, own);
        });
    }

    /** The reason with this code in the area's list, if there is one. */
    public Optional<Reason> find(Caller caller, String name, String area, String code) {
        return list(caller, name, area).reasons().stream().filter(r -> r.code().equals(code)).findFirst();
    }

    /** Replaces an area's list (admins of that area only). */
    public ReasonList replace(Caller caller, String name, String area, List<Reason> reasons) {
        checkName(name);
        if (!caller.hasRole(Roles.ADMIN) || area == null || !caller.mayAccessArea(area)) {
            throw WaymarkException.forbidden("Only an admin of the area changes its reason lists");
        }
        if (reasons == null || reasons.isEmpty()) {
            throw WaymarkException.invalid("A reason list needs at least one reason");
        }
        Set<String> codes = new HashSet<>();
        for (Reason reason : reasons) {
            if (reason == null || reason.code() == null || !reason.code().matches("[a-z0-9-]{1,40}")) {
                throw WaymarkException.invalid("Each reason needs a code of 1 to 40 lower case letters, digits and hyphens");
            }
            VisibleReferrals.text(reason.label(), "label", 200, true);
            if (!codes.add(reason.code())) {
                throw WaymarkException.invalid("The code " + reason.code() + " appears twice");
            }
        }
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_reason_list_item WHERE area = ? AND list_name = ?")) {
                s.setString(1, area);
                s.setString(2, name);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_reason_list_item (area, list_name, code, label, position) VALUES (?,?,?,?,?)")) {
                int position = 1;
                for (Reason reason : reasons) {
                    s.setString(1, area);
                    s.setString(2, name);
                    s.setString(3, reason.code());
                    s.setString(4, reason.label().strip());
                    s.setInt(5, position++);
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
        audit.record(caller, AuditLog.Action.ADMIN, "ReasonList", area + "/" + name, null);
        return list(caller, name, area);
    }

    private static String area(Caller caller, String area) {
        if (area == null || area.isBlank()) {
            if (caller.areas().size() != 1) {
                throw WaymarkException.invalid("Name the area: you work in " + caller.areas().size() + " areas");
            }
            return caller.areas().iterator().next();
        }
        if (!caller.mayAccessArea(area)) {
            throw WaymarkException.forbidden("Not one of your areas");
        }
        return area;
    }

    private static void checkName(String name) {
        if (!NAMES.contains(name)) {
            throw WaymarkException.notFound("No reason list '" + PatientLinker.clip(name, 40) + "'; the lists are " + NAMES);
        }
    }

    private static List<Reason> reasons(Connection c, String area, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT code, label FROM wm_reason_list_item WHERE area = ? AND list_name = ? ORDER BY position")) {
            s.setString(1, area);
            s.setString(2, name);
            List<Reason> reasons = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    reasons.add(new Reason(r.getString(1), r.getString(2)));
                }
            }
            return reasons;
        }
    }
}
