package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * The personalised care and support plan of a referral: "what matters to me" in the person's words, their goals, and
 * progress on each goal rated 0 (not started) to 10 (achieved). The plan text has a version, so two workers editing
 * it at once are told rather than overwriting each other.
 */
@Component(service = CarePlans.class)
public final class CarePlans {
    public record Progress(int score, String comment, String recordedBy, Instant recordedAt) {
    }

    public record Goal(String id, String description, String createdBy, Instant createdAt, List<Progress> progress) {
    }

    /** @param version 0 while nothing has been written */
    public record Plan(String referralId, String whatMatters, long version, String updatedBy, Instant updatedAt, List<Goal> goals) {
    }

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;

    @Activate
    public CarePlans(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                     @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db, audit, Clock.systemUTC());
    }

    CarePlans(DataSource db, AuditLog audit, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    public Plan plan(Caller caller, String referralId) {
        record Read(Referral referral, Plan plan) {
        }
        Read read = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.require(c, caller, referralId);
            return new Read(r, load(c, r.id()));
        });
        audit.record(caller, AuditLog.Action.READ, "CarePlan", read.referral().id(), read.referral().patientId());
        return read.plan();
    }

    /**
     * @param expectedVersion the plan version the worker edited (0 for a new plan), or null to skip the check
     */
    public Plan saveWhatMatters(Caller caller, String referralId, String whatMatters, Long expectedVersion) {
        String text = VisibleReferrals.text(whatMatters, "whatMatters", 4000, false);
        Instant now = clock.instant();
        record Saved(Referral referral, Plan plan) {
        }
        Saved saved = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.requireWorkable(c, caller, referralId);
            long current = load(c, r.id()).version();
            if (expectedVersion != null && expectedVersion != current) {
                throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                        "The plan has changed since you opened it (now version " + current + "); reload it and try again");
            }
            String sql = current == 0
                    ? "INSERT INTO wm_care_plan (what_matters, version, updated_by, updated_at, referral_id) VALUES (?,1,?,?,?)"
                    : "UPDATE wm_care_plan SET what_matters = ?, version = version + 1, updated_by = ?, updated_at = ? "
                    + "WHERE referral_id = ? AND version = " + current;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, text);
                s.setString(2, caller.id());
                s.setTimestamp(3, Timestamp.from(now));
                s.setString(4, r.id());
                if (s.executeUpdate() == 0) {
                    throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                            "The plan was changed by someone else at the same moment; reload it and try again");
                }
            } catch (SQLException e) {
                if (Jdbc.isUniqueViolation(e)) {
                    throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                            "The plan was started by someone else at the same moment; reload it and try again");
                }
                throw e;
            }
            return new Saved(r, load(c, r.id()));
        });
        audit.record(caller, AuditLog.Action.UPDATE, "CarePlan", saved.referral().id() + "/plan v" + saved.plan().version(),
                saved.referral().patientId());
        return saved.plan();
    }

    public Goal addGoal(Caller caller, String referralId, String description) {
        String text = VisibleReferrals.text(description, "description", 1000, true);
        Instant now = clock.instant();
        String id = RowIds.next();
        Referral referral = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.requireWorkable(c, caller, referralId);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_care_goal (id, referral_id, description, created_by, created_at) VALUES (?,?,?,?,?)")) {
                s.setString(1, id);
                s.setString(2, r.id());
                s.setString(3, text);
                s.setString(4, caller.id());
                s.setTimestamp(5, Timestamp.from(now));
                s.executeUpdate();
            }
            return r;
        });
        audit.record(caller, AuditLog.Action.CREATE, "Goal", referral.id() + "/goal/" + id, referral.patientId());
        return new Goal(id, text, caller.id(), now, List.of());
    }

    public Progress recordProgress(Caller caller, String referralId, String goalId, int score, String comment) {
        if (score < 0 || score > 10) {
            throw WaymarkException.invalid("score must be from 0 (not started) to 10 (achieved)");
        }
        String text = VisibleReferrals.text(comment, "comment", 1000, false);
        Instant now = clock.instant();
        Referral referral = Jdbc.inTransaction(db, c -> {
            Referral r = VisibleReferrals.requireWorkable(c, caller, referralId);
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM wm_care_goal WHERE id = ? AND referral_id = ?")) {
                s.setString(1, goalId);
                s.setString(2, r.id());
                try (ResultSet found = s.executeQuery()) {
                    if (!found.next()) {
                        throw WaymarkException.notFound("No such goal in this referral's plan");
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_care_goal_progress (id, goal_id, score, comment, recorded_by, "
                    + "recorded_at) VALUES (?,?,?,?,?,?)")) {
                s.setString(1, RowIds.next());
                s.setString(2, goalId);
                s.setInt(3, score);
                s.setString(4, text);
                s.setString(5, caller.id());
                s.setTimestamp(6, Timestamp.from(now));
                s.executeUpdate();
            }
            return r;
        });
        audit.record(caller, AuditLog.Action.UPDATE, "Goal", referral.id() + "/goal/" + goalId + " progress", referral.patientId());
        return new Progress(score, text, caller.id(), now);
    }

    private static Plan load(Connection c, String referralId) throws SQLException {
        String whatMatters = null;
        long version = 0;
        String updatedBy = null;
        Instant updatedAt = null;
        try (PreparedStatement s = c.prepareStatement("SELECT what_matters, version, updated_by, updated_at FROM wm_care_plan WHERE referral_id = ?")) {
            s.setString(1, referralId);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    whatMatters = r.getString(1);
                    version = r.getLong(2);
                    updatedBy = r.getString(3);
                    updatedAt = r.getTimestamp(4).toInstant();
                }
            }
        }
        Map<String, Goal> goals = new LinkedHashMap<>();
        for (Goal goal : CaseRecords.query(c, "SELECT id, description, created_by, created_at FROM wm_care_goal WHERE referral_id = ? "
                + "ORDER BY created_at, id", referralId, r -> new Goal(r.getString(1), r.getString(2), r.getString(3),
                r.getTimestamp(4).toInstant(), new ArrayList<>()))) {
            goals.put(goal.id(), goal);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT g.goal_id, g.score, g.comment, g.recorded_by, g.recorded_at "
                + "FROM wm_care_goal_progress g JOIN wm_care_goal o ON o.id = g.goal_id WHERE o.referral_id = ? ORDER BY g.recorded_at")) {
            s.setString(1, referralId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    goals.get(r.getString(1)).progress().add(new Progress(r.getInt(2), r.getString(3), r.getString(4),
                            r.getTimestamp(5).toInstant()));
                }
            }
        }
        List<Goal> frozen = goals.values().stream().map(g -> new Goal(g.id(), g.description(), g.createdBy(), g.createdAt(),
                List.copyOf(g.progress()))).toList();
        return new Plan(referralId, whatMatters, version, updatedBy, updatedAt, frozen);
    }
}
