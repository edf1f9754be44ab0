package org.waymark.referrals.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.StaffDirectory;
import org.waymark.platform.db.Jdbc;

/**
 * Who holds a referral: a worker takes one from the queue or passes it on; an admin hands a leaver's whole open
 * caseload to a colleague. Each move bumps the referral's version, so a stale screen cannot undo it.
 */
@Component(service = Assignments.class)
public final class Assignments {
    private static final Logger LOG = LoggerFactory.getLogger(Assignments.class);
    private static final String OPEN = "r.status NOT IN ('rejected', 'failed', 'completed', 'cancelled', 'entered-in-error')";

    private final DataSource db;
    private final AuditLog audit;
    private final StaffDirectory staff;
    private final Clock clock;

    @Activate
    public Assignments(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                       @Reference StaffDirectory staff,
                       @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db, audit, staff, Clock.systemUTC());
    }

    Assignments(DataSource db, AuditLog audit, StaffDirectory staff, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.staff = staff;
        this.clock = clock;
    }

    /**
     * @param assignee a user of the referral's area, or null to put it back in the unassigned queue
     */
    public Referral assign(Caller caller, String referralId, String assignee, Long expectedVersion) {
        return Overtaking.decided(expectedVersion, () -> {
            try {
                return Optional.of(tryAssign(caller, referralId, assignee, expectedVersion));
            } catch (Overtaken e) {
                return Optional.empty();
            }
        });
    }

    /** Another change landed between an assignment's read and its write. */
    private static final class Overtaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Overtaken() {
            super(null, null, false, false);
        }
    }

    private Referral tryAssign(Caller caller, String referralId, String assignee, Long expectedVersion) {
        Referral referral = Jdbc.inTransaction(db, c -> {
            Referral current = VisibleReferrals.requireWorkable(c, caller, referralId);
            if (current.status().isClosed()) {
                throw WaymarkException.conflict("A " + current.status().code() + " referral is not assigned any more");
            }
            if (assignee != null) {
                requireWorker(assignee, current.area());
            }
            if (expectedVersion != null && expectedVersion != current.version()) {
                throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                        "The referral has changed since you read it (now version " + current.version() + "); reload and try again");
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_referral SET assignee = ?, version = version + 1, updated_at = ? "
                    + "WHERE id = ? AND version = ?")) {
                s.setString(1, assignee);
                s.setTimestamp(2, Timestamp.from(clock.instant()));
                s.setString(3, current.id());
                s.setLong(4, current.version());
                if (s.executeUpdate() == 0) {
                    throw new Overtaken();
                }
            }
            return VisibleReferrals.require(c, caller, current.id());
        });
        audit.record(caller, AuditLog.Action.UPDATE, "ServiceRequest", referral.id() + " assigned "
                + (assignee == null ? "to the queue" : "to " + assignee), referral.patientId());
        return referral;
    }

    /** Hands every open referral that {@code from} holds in the area to {@code to}; answers how many moved. */
    public int handOver(Caller caller, String area, String from, String to) {
        if (!caller.hasRole(Roles.ADMIN)) {
            throw WaymarkException.forbidden("Only an admin of the area hands over caseloads");
        }
        if (area == null) {
            throw WaymarkException.invalid("area, from and to are required");
        }
        if (!caller.mayAccessArea(area)) {
            throw WaymarkException.forbidden("Only an admin of the area hands over caseloads");
        }
        if (from == null || to == null || from.equals(to)) {
            throw WaymarkException.invalid("Name two different workers: from and to");
        }
        requireWorker(to, area);
        record Moved(String id, String patientId) {
        }
        List<Moved> moved = Jdbc.inTransaction(db, c -> {
            List<Moved> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT r.id, r.patient_id FROM wm_referral r WHERE r.assignee = ? "
                    + "AND r.area = ? AND " + OPEN)) {
                s.setString(1, from);
                s.setString(2, area);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(new Moved(r.getString(1), r.getString(2)));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_referral r SET assignee = ?, version = version + 1, updated_at = ? "
                    + "WHERE r.assignee = ? AND r.area = ? AND " + OPEN)) {
                s.setString(1, to);
                s.setTimestamp(2, Timestamp.from(clock.instant()));
                s.setString(3, from);
                s.setString(4, area);
                s.executeUpdate();
            }
            return ids;
        });
        moved.forEach(m -> audit.record(caller, AuditLog.Action.UPDATE, "ServiceRequest", m.id() + " handed over to " + to, m.patientId()));
        LOG.info("{} open referrals in {} handed over from {} to {} by {}", moved.size(), area, from, to, caller.id());
        return moved.size();
    }

    private void requireWorker(String username, String area) {
        Caller worker = staff.findStaff(username)
                .orElseThrow(() -> WaymarkException.invalid("No active user " + PatientLinker.clip(username, 64)));
        if (!worker.areas().contains(area) || !worker.hasRole(Roles.LINK_WORKER)) {
            throw WaymarkException.invalid(username + " is not a link worker in " + area);
        }
    }

}
