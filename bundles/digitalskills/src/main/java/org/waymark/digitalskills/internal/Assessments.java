package org.waymark.digitalskills.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.skills.DigitalSkillsRecords;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * Assessments of a referral's person against the Essential Digital Skills framework, done with a link worker or by the
 * person through a one-time link. Each is kept as the FHIR QuestionnaireResponse that was answered, with its scores;
 * recording one completes the follow-up that is due.
 */
@Component(service = {Assessments.class, DigitalSkillsRecords.class})
public final class Assessments implements DigitalSkillsRecords {
    static final String WORKER = "worker";
    static final String SELF = "self";

    record Assessment(String id, String referralId, String patientId, String area, String mode, String takenBy,
                      Instant takenAt, int overall, List<Framework.AreaScore> scores) {
    }

    /** Where a self-assessment belongs, known from its link rather than from a signed-in caller. */
    record Subject(String referralId, String patientId, String area) {
    }

    private final DataSource db;
    private final ReferralService referrals;
    private final FollowUps followUps;
    private final AuditLog audit;
    private final Clock clock;
    private final String questionnaire;

    @Activate
    public Assessments(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                       @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.digitalskills)") SchemaReady schema,
                       @Reference ReferralService referrals, @Reference FollowUps followUps, @Reference AuditLog audit) {
        this(db, referrals, followUps, audit, Clock.systemUTC());
    }

    Assessments(DataSource db, ReferralService referrals, FollowUps followUps, AuditLog audit, Clock clock) {
        this.db = db;
        this.referrals = referrals;
        this.followUps = followUps;
        this.audit = audit;
        this.clock = clock;
        this.questionnaire = FhirJson.questionnaire().toString();
    }

    /** A link worker records the assessment they did with the person, while the referral is open. */
    Assessment record(Caller caller, String referralId, Map<String, String> answers) {
        Referral referral = ClosedReferrals.requireOpen(referral(caller, referralId));
        return store(caller, new Subject(referral.id(), referral.patientId(), referral.area()), WORKER, caller.id(), answers, null);
    }

    /**
     * The person's own assessment through their link, in the transaction that uses up the link.
     *
     * @param useLink marks the link used in the same transaction; refuses (409) if it was used meanwhile
     */
    Assessment recordSelf(Subject subject, Map<String, String> answers, Jdbc.Work<Void> useLink) {
        return store(Caller.system("self-assessment"), subject, SELF, "self", answers, useLink);
    }

    private Assessment store(Caller caller, Subject subject, String mode, String takenBy, Map<String, String> answers,
                             Jdbc.Work<Void> alsoInTransaction) {
        if (answers == null || answers.isEmpty()) {
            throw WaymarkException.invalid("The body must be {\"answers\": {\"statement\": \"yes\" | \"help\" | \"not-yet\"}}");
        }
        List<Framework.AreaScore> scores;
        try {
            scores = Framework.score(answers);
        } catch (IllegalArgumentException e) {
            throw WaymarkException.invalid(e.getMessage());
        }
        Instant now = clock.instant();
        String id = RowIds.next();
        int overall = Framework.overall(scores);
        String response = FhirJson.response(id, subject.patientId(), subject.referralId(), SELF.equals(mode),
                SELF.equals(mode) ? null : takenBy, now, answers).toString();
        Jdbc.inTransaction(db, c -> {
            if (alsoInTransaction != null) {
                alsoInTransaction.run(c);
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_assessment (id, referral_id, patient_id, area, mode,"
                    + " taken_by, taken_at, overall, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, subject.referralId());
                insert.setString(3, subject.patientId());
                insert.setString(4, subject.area());
                insert.setString(5, mode);
                insert.setString(6, takenBy);
                insert.setTimestamp(7, Timestamp.from(now));
                insert.setInt(8, overall);
                insert.setString(9, response);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_assessment_score (assessment_id, skill_area, score, level)"
                    + " VALUES (?, ?, ?, ?)")) {
                for (Framework.AreaScore score : scores) {
                    insert.setString(1, id);
                    insert.setString(2, score.area());
                    insert.setInt(3, score.score());
                    insert.setString(4, score.level().code);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            followUps.completeDue(c, subject.referralId(), id, now);
            audit.record(c, caller, AuditLog.Action.CREATE, "QuestionnaireResponse", id, subject.patientId());
            return null;
        });
        return new Assessment(id, subject.referralId(), subject.patientId(), subject.area(), mode, takenBy, now, overall, scores);
    }

    /** The assessments of a referral, oldest first. */
    List<Assessment> list(Caller caller, String referralId) {
        Referral referral = referral(caller, referralId);
        List<Assessment> list = Jdbc.inTransaction(db, c -> query(c, "referral_id = ?", referral.id()));
        audit.record(caller, AuditLog.Action.READ, "QuestionnaireResponse", "referral " + referral.id(), referral.patientId());
        return list;
    }

    /** The assessments of an area's referrals, for reports (no audit: only counts leave the report). */
    Map<String, List<Assessment>> byReferral(Connection c, String area) throws SQLException {
        Map<String, List<Assessment>> map = new HashMap<>();
        for (Assessment a : query(c, "area = ?", area)) {
            map.computeIfAbsent(a.referralId(), k -> new ArrayList<>()).add(a);
        }
        return map;
    }

    private static List<Assessment> query(Connection c, String where, String value) throws SQLException {
        Map<String, Assessment> found = new LinkedHashMap<>();
        Map<String, List<Framework.AreaScore>> scores = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT a.id, a.referral_id, a.patient_id, a.area, a.mode, a.taken_by,"
                + " a.taken_at, a.overall, s.skill_area, s.score, s.level FROM ds_assessment a JOIN ds_assessment_score s"
                + " ON s.assessment_id = a.id WHERE a." + where + " ORDER BY a.taken_at, a.id")) {
            select.setString(1, value);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    List<Framework.AreaScore> list = scores.computeIfAbsent(id, k -> new ArrayList<>());
                    if (!found.containsKey(id)) {
                        found.put(id, new Assessment(id, rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
                                rows.getString(6), rows.getTimestamp(7).toInstant(), rows.getInt(8), list));
                    }
                    list.add(new Framework.AreaScore(rows.getString(9), rows.getInt(10),
                            Framework.Level.byCode(rows.getString(11)).orElseThrow()));
                }
            }
        }
        // Areas in the framework's order, whatever order the database returned them in.
        List<String> order = Framework.AREAS.stream().map(Framework.SkillArea::code).toList();
        scores.values().forEach(list -> list.sort((a, b) -> Integer.compare(order.indexOf(a.area()), order.indexOf(b.area()))));
        return new ArrayList<>(found.values());
    }

    @Override
    public String questionnaire() {
        return questionnaire;
    }

    @Override
    public Optional<String> questionnaireResponse(Caller caller, String id) {
        record Row(String referralId, String patientId, String response) {
        }
        Optional<Row> row = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT referral_id, patient_id, response FROM ds_assessment WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new Row(rows.getString(1), rows.getString(2), rows.getString(3))) : Optional.empty();
                }
            }
        });
        if (row.isEmpty() || referrals.find(caller, row.get().referralId()).isEmpty()) {
            return Optional.empty();
        }
        audit.record(caller, AuditLog.Action.READ, "QuestionnaireResponse", id, row.get().patientId());
        return Optional.of(row.get().response());
    }

    @Override
    public Page<String> questionnaireResponses(Caller caller, String patientId, int offset, int count) {
        if (referrals.findPatient(caller, patientId).isEmpty()) {
            return new Page<>(List.of(), 0, offset, count);
        }
        record Row(String referralId, String response) {
        }
        List<Row> all = Jdbc.inTransaction(db, c -> {
            List<Row> list = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT referral_id, response FROM ds_assessment WHERE patient_id = ?"
                    + " ORDER BY taken_at, id")) {
                select.setString(1, patientId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        list.add(new Row(rows.getString(1), rows.getString(2)));
                    }
                }
            }
            return list;
        });
        Map<String, Boolean> visible = new HashMap<>();
        List<String> mine = all.stream()
                .filter(r -> visible.computeIfAbsent(r.referralId(), id -> referrals.find(caller, id).isPresent()))
                .map(Row::response).toList();
        audit.record(caller, AuditLog.Action.SEARCH, "QuestionnaireResponse", "patient " + patientId, patientId);
        List<String> page = mine.subList(Math.min(offset, mine.size()), Math.min(offset + count, mine.size()));
        return new Page<>(page, mine.size(), offset, count);
    }

    private Referral referral(Caller caller, String referralId) {
        return referrals.find(caller, referralId).orElseThrow(() -> WaymarkException.notFound("No referral with this id"));
    }

    static Map<String, Object> json(Assessment a) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", a.id());
        json.put("referralId", a.referralId());
        json.put("mode", a.mode());
        json.put("takenBy", a.takenBy());
        json.put("takenAt", a.takenAt().toString());
        json.put("overall", a.overall());
        json.put("areas", a.scores().stream().map(s -> Map.of("area", s.area(),
                "title", Framework.area(s.area()).map(Framework.SkillArea::title).orElse(s.area()),
                "score", s.score(), "level", s.level().code, "levelLabel", s.level().label)).toList());
        json.put("questionnaireResponse", "QuestionnaireResponse/" + a.id());
        return json;
    }
}
