package org.waymark.digitalskills.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.notify.Party;
import org.waymark.api.pathway.Pathway;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.StaffDirectory;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * The follow-ups of a digital inclusion plan: scheduled when the plan is first agreed (the area's pathway decides
 * when; 2, 6 and 12 weeks by default), each with a durable reminder job to the person and the worker, and completed
 * by the re-assessment done for it. A follow-up can be moved to another day; its reminder moves with it. The worker
 * reminded is whoever holds the referral when the reminder goes (after a handover, the new worker), not who agreed the
 * plan. A follow-up not done when its referral closed is cancelled: shown so at once, and marked so, with the
 * referral's other reminders cancelled, when its reminder comes (no event tells this bundle of the closing).
 */
@Component(service = FollowUps.class)
public final class FollowUps {
    static final String JOB_TYPE = "digital-skills.follow-up-reminder";
    static final String SCHEDULED = "scheduled";
    static final String DONE = "done";
    static final String CANCELLED = "cancelled";
    /** A re-assessment up to a week before a follow-up's day counts as that follow-up. */
    static final int EARLY_DAYS = 7;
    private static final Duration PLUGIN_LIMIT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(FollowUps.class);

    /**
     * @param worker as stored: who held the referral when the plan was agreed; {@link #asOf(Referral)} gives who holds
     *               it now
     */
    record FollowUp(String id, String referralId, String patientId, String area, int seq, String label, LocalDate dueOn,
                    String worker, String status, String assessmentId, Instant doneAt, Instant remindedAt) {

        /**
         * The follow-up as its referral stands now: the worker is the referral's current assignee (null while it waits
         * in the area's queue), and one still scheduled on a closed referral is cancelled.
         */
        FollowUp asOf(Referral referral) {
            String shownStatus = SCHEDULED.equals(status) && referral.status().isClosed() ? CANCELLED : status;
            return new FollowUp(id, referralId, patientId, area, seq, label, dueOn, referral.assignee(), shownStatus,
                    assessmentId, doneAt, remindedAt);
        }
    }

    private final DataSource db;
    private final ReferralService referrals;
    private final JobScheduler jobs;
    private final Notifier notifier;
    private final PluginRegistry plugins;
    private final StaffDirectory staff;
    private final AuditLog audit;
    private final Clock clock;

    @Activate
    public FollowUps(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                     @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.digitalskills)") SchemaReady schema,
                     @Reference ReferralService referrals, @Reference JobScheduler jobs, @Reference Notifier notifier,
                     @Reference PluginRegistry plugins, @Reference StaffDirectory staff, @Reference AuditLog audit) {
        this(db, referrals, jobs, notifier, plugins, staff, audit, Clock.systemUTC());
    }

    FollowUps(DataSource db, ReferralService referrals, JobScheduler jobs, Notifier notifier, PluginRegistry plugins,
              StaffDirectory staff, AuditLog audit, Clock clock) {
        this.db = db;
        this.referrals = referrals;
        this.jobs = jobs;
        this.notifier = notifier;
        this.plugins = plugins;
        this.staff = staff;
        this.audit = audit;
        this.clock = clock;
    }

    /** The follow-up periods of an area: its highest-ranked pathway's, or the default when it has none or it fails. */
    List<Period> periods(String area) {
        for (PluginService<Pathway> pathway : plugins.services(Pathway.class, area)) {
            try {
                List<Period> periods = plugins.call(pathway, PLUGIN_LIMIT, Pathway::followUps);
                if (periods != null && !periods.isEmpty()) {
                    Schedule.follow(LocalDate.of(2000, 1, 1), periods);
                    return List.copyOf(periods);
                }
                return Schedule.DEFAULT;
            } catch (PluginCallException | IllegalArgumentException e) {
                LOG.warn("Pathway {} of plugin {} gave no usable follow-ups ({}); the default schedule applies",
                        pathway.service().getClass().getSimpleName(), pathway.pluginId(), e.getMessage());
                return Schedule.DEFAULT;
            }
        }
        return Schedule.DEFAULT;
    }

    /**
     * Schedules the follow-ups of a referral's plan, in the caller's transaction, unless it has them already: each
     * follow-up's reminder is a durable job with a stable key, and the person is told the dates once.
     */
    List<FollowUp> scheduleOnce(Connection c, String referralId, String patientId, String area, String worker, LocalDate agreedOn)
            throws SQLException {
        List<FollowUp> existing = query(c, referralId);
        if (!existing.isEmpty()) {
            return existing;
        }
        List<Schedule.Due> dues = Schedule.follow(agreedOn, periods(area));
        Instant now = clock.instant();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_follow_up (id, referral_id, patient_id, area, seq, label,"
                + " due_on, worker, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Schedule.Due due : dues) {
                String id = RowIds.next();
                insert.setString(1, id);
                insert.setString(2, referralId);
                insert.setString(3, patientId);
                insert.setString(4, area);
                insert.setInt(5, due.seq());
                insert.setString(6, due.label());
                insert.setDate(7, Date.valueOf(due.dueOn()));
                insert.setString(8, worker);
                insert.setString(9, SCHEDULED);
                insert.executeUpdate();
                scheduleReminder(c, id, due.dueOn(), now);
            }
        }
        String dates = dues.stream().map(d -> Schedule.spoken(d.dueOn())).collect(Collectors.joining(", "));
        notifier.notify(c, new Notification("digital-skills-schedule-" + referralId, Party.person(patientId), area,
                "digital-skills.schedule", "Your digital skills check-ins",
                "Thank you for agreeing your digital skills plan with your link worker. They will check in with you on "
                        + dates + ", to see how you are getting on. We will remind you the day before each one.",
                Map.of("referralId", referralId)));
        return query(c, referralId);
    }

    private void scheduleReminder(Connection c, String followUpId, LocalDate dueOn, Instant now) {
        jobs.schedule(c, new JobRequest(JOB_TYPE, Schedule.jobKey(followUpId, dueOn),
                "{\"followUpId\":\"" + followUpId + "\",\"dueOn\":\"" + dueOn + "\"}", Schedule.reminderAt(dueOn, now), 0));
    }

    /** The referral's follow-ups as it stands now (see {@link FollowUp#asOf(Referral)}). */
    List<FollowUp> list(Caller caller, String referralId) {
        Referral referral = referral(caller, referralId);
        return Jdbc.inTransaction(db, c -> query(c, referral));
    }

    /**
     * Moves a follow-up that is still to come to another day, from today to a year ahead (or its own day, if a
     * pathway set it further); its reminder moves with it.
     */
    FollowUp reschedule(Caller caller, String referralId, String followUpId, LocalDate dueOn) {
        Referral referral = ClosedReferrals.requireOpen(referral(caller, referralId));
        if (dueOn == null) {
            throw WaymarkException.invalid("dueOn (a date, YYYY-MM-DD) is required");
        }
        Instant now = clock.instant();
        if (dueOn.isBefore(Schedule.today(now))) {
            throw WaymarkException.invalid("A follow-up cannot be moved into the past");
        }
        FollowUp moved = Jdbc.inTransaction(db, c -> {
            FollowUp current = query(c, referral.id()).stream().filter(f -> f.id().equals(followUpId)).findFirst()
                    .orElseThrow(() -> WaymarkException.notFound("No follow-up with this id on this referral"));
            if (!SCHEDULED.equals(current.status())) {
                throw WaymarkException.conflict("This follow-up is " + current.status() + " already");
            }
            if (current.dueOn().equals(dueOn)) {
                return current;
            }
            // A follow-up is a check-in within the plan's months, not a date for a later generation (found probing:
            // one moved to 9999-12-31 was accepted, and sat in the worker's list and the report as still to come).
            // A pathway may schedule one further out; that one can still be moved up to its own day.
            LocalDate latest = Schedule.latestMove(Schedule.today(now), current.dueOn());
            if (dueOn.isAfter(latest)) {
                throw WaymarkException.invalid("A follow-up can be moved up to a year ahead (" + latest + " at the latest)");
            }
            jobs.cancel(c, JOB_TYPE, Schedule.jobKey(current.id(), current.dueOn()));
            try (PreparedStatement update = c.prepareStatement("UPDATE ds_follow_up SET due_on = ?, reminded_at = NULL"
                    + " WHERE id = ? AND status = ?")) {
                update.setDate(1, Date.valueOf(dueOn));
                update.setString(2, current.id());
                update.setString(3, SCHEDULED);
                if (update.executeUpdate() != 1) {
                    throw WaymarkException.conflict("This follow-up changed meanwhile; reload and try again");
                }
            }
            scheduleReminder(c, current.id(), dueOn, now);
            audit.record(c, caller, AuditLog.Action.UPDATE, "DigitalSkillsFollowUp", current.id(), referral.patientId());
            return query(c, referral).stream().filter(f -> f.id().equals(followUpId)).findFirst().orElseThrow();
        });
        return moved;
    }

    /**
     * Marks the earliest follow-up still to do as done by this assessment, if it is due within a week; its reminder
     * is cancelled when it has not gone yet. In the assessment's transaction.
     */
    void completeDue(Connection c, String referralId, String assessmentId, Instant now) throws SQLException {
        LocalDate limit = Schedule.today(now).plusDays(EARLY_DAYS);
        for (FollowUp followUp : query(c, referralId)) {
            if (!SCHEDULED.equals(followUp.status())) {
                continue;
            }
            if (followUp.dueOn().isAfter(limit)) {
                return;
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE ds_follow_up SET status = ?, assessment_id = ?, done_at = ?"
                    + " WHERE id = ? AND status = ?")) {
                update.setString(1, DONE);
                update.setString(2, assessmentId);
                update.setTimestamp(3, Timestamp.from(now));
                update.setString(4, followUp.id());
                update.setString(5, SCHEDULED);
                update.executeUpdate();
            }
            jobs.cancel(c, JOB_TYPE, Schedule.jobKey(followUp.id(), followUp.dueOn()));
            return;
        }
    }

    /**
     * Sends a follow-up's reminders, once: to the person (through their preferred channel, or not at all if they asked
     * not to be contacted) and to the worker who holds the referral now (console task list, or their email), or the
     * area's link workers while it has none or its holder can no longer sign in. The messages' ids are stable per
     * follow-up and day, so a retried job never delivers a second copy. A follow-up done or moved meanwhile needs none;
     * one whose referral has closed is cancelled, with the referral's other follow-ups still to come.
     *
     * @return whether reminders were written
     */
    boolean remind(String followUpId, LocalDate dueOn) {
        FollowUp planned = Jdbc.inTransaction(db, c -> byId(c, followUpId));
        if (!awaitsReminder(planned, dueOn)) {
            // Done, moved (its new date has a job of its own) or reminded already by an earlier run of this job.
            return false;
        }
        // Read as the system of the follow-up's area: a job has no caller, and the read is audited as the system's.
        Optional<Referral> found = referrals.find(ClosedReferrals.systemIn(planned.area(), "digital-skills-reminder"),
                planned.referralId());
        if (found.isEmpty() || found.get().status().isClosed()) {
            int cancelled = cancelOpen(planned.referralId(), planned.id());
            LOG.info("Referral {} is closed: {} follow-ups cancelled, no reminder for follow-up {}", planned.referralId(),
                    cancelled, planned.id());
            return false;
        }
        Referral referral = found.get();
        Party worker = holder(referral);
        return Jdbc.inTransaction(db, c -> {
            FollowUp followUp = byId(c, followUpId);
            if (!awaitsReminder(followUp, dueOn)) {
                return false;
            }
            String day = Schedule.spoken(dueOn);
            String id = "digital-skills-reminder-" + followUp.id() + "-" + dueOn;
            // A job that runs only after the day (the node was down) must not tell the person of a check-in "on" a day
            // already gone (found probing); the worker is still told, as of a follow-up now overdue.
            boolean overdue = dueOn.isBefore(Schedule.today(clock.instant()));
            if (!overdue) {
                notifier.notify(c, new Notification(id + "-person", Party.person(referral.patientId()), followUp.area(),
                        "digital-skills.reminder", "Your digital skills check-in is on " + day,
                        "This is a reminder that your link worker will check in with you on " + day
                                + " to see how you are getting on with your digital skills goals. If that day does not suit you,"
                                + " please contact your link worker.",
                        Map.of("referralId", followUp.referralId(), "followUpId", followUp.id())));
            }
            notifier.notify(c, new Notification(id + "-worker", worker, followUp.area(),
                    "digital-skills.reminder", "Digital skills follow-up (" + followUp.label() + ") " + (overdue ? "overdue, was due " : "due ") + day,
                    "A digital skills follow-up (" + followUp.label() + ") " + (overdue ? "was" : "is") + " due on " + day
                            + ": re-assess the person's skills and review their goals. Open the referral: #/referrals/"
                            + followUp.referralId(),
                    Map.of("referralId", followUp.referralId(), "followUpId", followUp.id(), "task", "true",
                            "link", "#/referrals/" + followUp.referralId())));
            try (PreparedStatement update = c.prepareStatement("UPDATE ds_follow_up SET reminded_at = ? WHERE id = ?")) {
                update.setTimestamp(1, Timestamp.from(clock.instant()));
                update.setString(2, followUp.id());
                update.executeUpdate();
            }
            return true;
        });
    }

    private static boolean awaitsReminder(FollowUp followUp, LocalDate dueOn) {
        return followUp != null && SCHEDULED.equals(followUp.status()) && followUp.dueOn().equals(dueOn)
                && followUp.remindedAt() == null;
    }

    /**
     * Who is reminded for the worker: the referral's assignee while they can sign in and work in its area, else the
     * area's link workers (as for a referral withdrawn while in the queue).
     */
    private Party holder(Referral referral) {
        String assignee = referral.assignee();
        if (assignee != null && staff.findStaff(assignee).filter(s -> s.areas().contains(referral.area())).isPresent()) {
            return Party.staff(assignee);
        }
        return Party.team(Roles.LINK_WORKER);
    }

    /**
     * Cancels the referral's follow-ups still to come, and the reminders of all but the one running now (its job ends
     * as done; deleting its row under it would lose the job's own record); answers how many.
     */
    private int cancelOpen(String referralId, String runningFollowUpId) {
        return Jdbc.inTransaction(db, c -> {
            int cancelled = 0;
            for (FollowUp followUp : query(c, referralId)) {
                if (!SCHEDULED.equals(followUp.status())) {
                    continue;
                }
                try (PreparedStatement update = c.prepareStatement("UPDATE ds_follow_up SET status = ? WHERE id = ? AND status = ?")) {
                    update.setString(1, CANCELLED);
                    update.setString(2, followUp.id());
                    update.setString(3, SCHEDULED);
                    cancelled += update.executeUpdate();
                }
                if (!followUp.id().equals(runningFollowUpId)) {
                    jobs.cancel(c, JOB_TYPE, Schedule.jobKey(followUp.id(), followUp.dueOn()));
                }
            }
            return cancelled;
        });
    }

    /** The follow-ups of an area, for reports. */
    List<FollowUp> inArea(Connection c, String area) throws SQLException {
        return select(c, "area = ?", area);
    }

    private FollowUp byId(Connection c, String id) throws SQLException {
        List<FollowUp> found = select(c, "id = ?", id);
        return found.isEmpty() ? null : found.get(0);
    }

    static List<FollowUp> query(Connection c, String referralId) throws SQLException {
        return select(c, "referral_id = ?", referralId);
    }

    /** The referral's follow-ups as it stands now (see {@link FollowUp#asOf(Referral)}). */
    static List<FollowUp> query(Connection c, Referral referral) throws SQLException {
        return query(c, referral.id()).stream().map(f -> f.asOf(referral)).toList();
    }

    private static List<FollowUp> select(Connection c, String where, String value) throws SQLException {
        List<FollowUp> list = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, referral_id, patient_id, area, seq, label, due_on, worker,"
                + " status, assessment_id, done_at, reminded_at FROM ds_follow_up WHERE " + where + " ORDER BY due_on, seq")) {
            select.setString(1, value);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Timestamp done = rows.getTimestamp(11);
                    Timestamp reminded = rows.getTimestamp(12);
                    list.add(new FollowUp(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getInt(5),
                            rows.getString(6), rows.getDate(7).toLocalDate(), rows.getString(8), rows.getString(9),
                            rows.getString(10), done == null ? null : done.toInstant(), reminded == null ? null : reminded.toInstant()));
                }
            }
        }
        return list;
    }

    private Referral referral(Caller caller, String referralId) {
        return referrals.find(caller, referralId).orElseThrow(() -> WaymarkException.notFound("No referral with this id"));
    }

    static Map<String, Object> json(FollowUp f) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", f.id());
        json.put("seq", f.seq());
        json.put("label", f.label());
        json.put("dueOn", f.dueOn().toString());
        json.put("status", f.status());
        json.put("worker", f.worker());
        json.put("assessmentId", f.assessmentId());
        json.put("doneAt", f.doneAt() == null ? null : f.doneAt().toString());
        json.put("remindedAt", f.remindedAt() == null ? null : f.remindedAt().toString());
        return json;
    }
}
