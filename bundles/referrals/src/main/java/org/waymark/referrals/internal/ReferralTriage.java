package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.jobs.JobRequest;
import org.waymark.api.jobs.JobScheduler;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;
import org.waymark.api.triage.TriageRule;
import org.waymark.platform.db.Jdbc;

/**
 * Runs an area's triage rules on each new referral. Intake only schedules a durable job (in the referral's own
 * transaction, and only when the area has rules), so a slow or broken rule never delays or fails intake, and a
 * referral received just before a crash is still triaged. The job asks every rule through the plugin guard, adds
 * their scores, takes the most urgent priority (never lowering the referrer's) and the first route, and records
 * which rule said what.
 */
@Component(service = {ReferralTriage.class, JobHandler.class})
public final class ReferralTriage implements JobHandler {
    static final String JOB_TYPE = "referral.triage";
    static final Duration RULE_TIME_LIMIT = Duration.ofSeconds(2);
    private static final List<String> PRIORITY_ORDER = List.of("routine", "urgent", "asap", "stat");
    private static final Logger LOG = LoggerFactory.getLogger(ReferralTriage.class);

    /** What the rules made of a referral, as the caseload shows it. */
    public record Outcome(int score, String priority, String route, List<String> reasons, List<String> rules,
                          java.time.Instant decidedAt) {
    }

    private final DataSource db;
    private final PluginRegistry plugins;
    private final JobScheduler jobs;
    private final Clock clock;

    @Activate
    public ReferralTriage(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                          @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema,
                          @Reference PluginRegistry plugins, @Reference JobScheduler jobs) {
        this(db, plugins, jobs, Clock.systemUTC());
    }

    ReferralTriage(DataSource db, PluginRegistry plugins, JobScheduler jobs, Clock clock) {
        this.db = db;
        this.plugins = plugins;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** In the intake transaction: a triage job for the referral if its area has any rule. */
    void scheduleIfRuled(Connection transaction, String referralId, String area) {
        if (!plugins.services(TriageRule.class, area).isEmpty()) {
            jobs.scheduleNew(transaction, JobRequest.now(JOB_TYPE, referralId, area));
        }
    }

    @Override
    public String type() {
        return JOB_TYPE;
    }

    @Override
    public void run(Job job) {
        Optional<TriageFacts> facts = facts(job.key());
        if (facts.isEmpty()) {
            return; // withdrawn and erased since: nothing to triage
        }
        triage(facts.get());
    }

    void triage(TriageFacts facts) {
        int score = 0;
        String priority = facts.priority();
        String route = null;
        List<String> reasons = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        for (PluginService<TriageRule> rule : plugins.services(TriageRule.class, facts.area())) {
            Optional<TriageDecision> decision;
            String ruleId;
            try {
                ruleId = plugins.call(rule, RULE_TIME_LIMIT, TriageRule::id);
                decision = plugins.call(rule, RULE_TIME_LIMIT, r -> r.assess(facts));
            } catch (PluginCallException e) {
                // Counted against the plugin by the guard; the other rules still decide.
                LOG.warn("Triage rule of {} failed on referral {}: {}", rule.pluginId(), facts.referralId(),
                        e.timedOut() ? "timed out" : String.valueOf(e.getCause()));
                continue;
            }
            if (decision == null || decision.isEmpty()) {
                continue;
            }
            TriageDecision d = decision.get();
            rules.add(ruleId);
            score += d.score();
            if (d.priority() != null && rank(d.priority()) > rank(priority)) {
                priority = d.priority();
            }
            if (route == null) {
                route = d.route();
            }
            d.reasons().forEach(reason -> reasons.add(reason));
        }
        if (rules.isEmpty()) {
            return;
        }
        store(facts, new Outcome(Math.max(-1000, Math.min(1000, score)), priority, route, reasons, rules, clock.instant()));
        LOG.debug("Referral {} triaged by {}: score {}, priority {}, route {}", facts.referralId(), rules, score, priority, route);
    }

    private static int rank(String priority) {
        int rank = PRIORITY_ORDER.indexOf(priority);
        return rank < 0 ? 0 : rank;
    }

    private void store(TriageFacts facts, Outcome outcome) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM wm_triage WHERE referral_id = ?")) {
                delete.setString(1, facts.referralId());
                delete.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO wm_triage (referral_id, score, priority, route, "
                    + "reasons, rules, decided_at) VALUES (?,?,?,?,?,?,?)")) {
                insert.setString(1, facts.referralId());
                insert.setInt(2, outcome.score());
                insert.setString(3, outcome.priority());
                insert.setString(4, outcome.route());
                insert.setString(5, PatientLinker.clip(String.join("\n", outcome.reasons()), 4000));
                insert.setString(6, PatientLinker.clip(String.join(",", outcome.rules()), 1000));
                insert.setTimestamp(7, Timestamp.from(outcome.decidedAt()));
                insert.executeUpdate();
            }
            if (!outcome.priority().equals(facts.priority())) {
                // The Task's priority changes with it, so the version (its ETag) moves on.
                try (PreparedStatement update = c.prepareStatement("UPDATE wm_referral SET priority = ?, version = version + 1, "
                        + "updated_at = ? WHERE id = ?")) {
                    update.setString(1, outcome.priority());
                    update.setTimestamp(2, Timestamp.from(outcome.decidedAt()));
                    update.setString(3, facts.referralId());
                    update.executeUpdate();
                }
            }
            return null;
        });
    }

    /** What a rule may know of the referral: no name, no NHS number. */
    Optional<TriageFacts> facts(String referralId) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT r.area, r.reason_text, r.reason_code, r.priority, r.created_at, "
                     + "p.birth_date, p.gender, p.postcode FROM wm_referral r JOIN wm_patient p ON p.id = r.patient_id WHERE r.id = ?")) {
            s.setString(1, referralId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                LocalDate received = r.getTimestamp("created_at").toInstant().atZone(ZoneOffset.UTC).toLocalDate();
                Date birth = r.getDate("birth_date");
                return Optional.of(TriageFacts.of(referralId, r.getString("area"), birth == null ? null : birth.toLocalDate(),
                        r.getString("gender"), r.getString("postcode"), r.getString("reason_code"), r.getString("reason_text"),
                        r.getString("priority"), received));
            }
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }

    /** The recorded outcome for a referral, if its area's rules said anything. */
    public Optional<Outcome> outcome(String referralId) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT score, priority, route, reasons, rules, decided_at FROM wm_triage "
                     + "WHERE referral_id = ?")) {
            s.setString(1, referralId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                String reasons = r.getString("reasons");
                String rules = r.getString("rules");
                return Optional.of(new Outcome(r.getInt("score"), r.getString("priority"), r.getString("route"),
                        reasons == null || reasons.isEmpty() ? List.of() : List.of(reasons.split("\n")),
                        rules == null || rules.isEmpty() ? List.of() : List.of(rules.split(",")),
                        r.getTimestamp("decided_at").toInstant()));
            }
        } catch (SQLException e) {
            throw new Jdbc.DatabaseUnavailableException(e);
        }
    }
}
