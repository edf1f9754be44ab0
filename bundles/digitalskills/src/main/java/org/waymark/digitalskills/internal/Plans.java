package org.waymark.digitalskills.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * The digital inclusion plan of a referral: goals chosen with the person (each tied to a skill area), the barriers in
 * their way and the actions agreed (a session with a digital champion, a device or data scheme, an onward referral to
 * a digital skills group from the directory). Agreeing it the first time schedules the follow-ups. The plan has a
 * version, so two workers editing it at once are told rather than overwriting each other.
 */
@Component(service = Plans.class)
public final class Plans {
    record Choice(String label, String skillArea) {
    }

    static final Map<String, Choice> GOALS = new LinkedHashMap<>();
    static final Map<String, String> BARRIERS = new LinkedHashMap<>();
    static final Map<String, String> ACTIONS = new LinkedHashMap<>();
    static final Map<String, String> ETHNICITY = new LinkedHashMap<>();

    static {
        GOALS.put("repeat-prescription", new Choice("Order a repeat prescription online", "transacting"));
        GOALS.put("nhs-app", new Choice("Use the NHS App", "transacting"));
        GOALS.put("video-call", new Choice("Video-call family or friends", "communicating"));
        GOALS.put("spot-scams", new Choice("Spot a scam", "safe-legal"));
        GOALS.put("pay-online", new Choice("Shop or pay bills online", "transacting"));
        GOALS.put("find-information", new Choice("Find information I can trust", "handling-information"));
        GOALS.put("get-online", new Choice("Get online with my own device", "foundation"));
        GOALS.put("other", new Choice("Another goal (described)", null));
        BARRIERS.put("no-device", "No device");
        BARRIERS.put("no-data", "No internet or data");
        BARRIERS.put("confidence", "Confidence");
        BARRIERS.put("accessibility", "Accessibility needs");
        BARRIERS.put("cost", "Cost");
        BARRIERS.put("other", "Something else (described)");
        ACTIONS.put("digital-champion", "A session with a digital champion");
        ACTIONS.put("device-data-scheme", "A device or data scheme");
        ACTIONS.put("skills-group", "Onward referral to a digital skills group");
        ACTIONS.put("other", "Another action (described)");
        ETHNICITY.put("asian", "Asian or Asian British");
        ETHNICITY.put("black", "Black, Black British, Caribbean or African");
        ETHNICITY.put("mixed", "Mixed or multiple ethnic groups");
        ETHNICITY.put("white", "White");
        ETHNICITY.put("other", "Another ethnic group");
        ETHNICITY.put("not-stated", "Prefers not to say");
    }

    /**
     * A plan as sent: read strictly (a field it does not take, or a value of the wrong type, is a 400 naming it), so a
     * typo can never save an empty plan over the agreed one.
     *
     * @param goals    [{@code code}, {@code text}, {@code skillArea}]
     * @param barriers codes
     * @param actions  [{@code code}, {@code note}, {@code serviceId}]; goals, barriers and actions are all required
     *                 (empty for none), as the plan is saved whole
     */
    public record PlanBody(List<GoalBody> goals, List<String> barriers, String barrierNote, List<ActionBody> actions) {
    }

    /** @param skillArea needed for {@code other}; for a listed goal, its own area or left out */
    public record GoalBody(String code, String text, String skillArea) {
    }

    /** @param serviceId a directory service's id (a UUID), for an onward referral to a group */
    public record ActionBody(String code, String note, String serviceId) {
    }

    /** @param version 0 before the plan is first agreed */
    record Plan(String referralId, ObjectNode doc, long version, LocalDate agreedOn, String agreedBy, List<FollowUps.FollowUp> followUps) {
    }

    private final DataSource db;
    private final ReferralService referrals;
    private final FollowUps followUps;
    private final AuditLog audit;
    private final Clock clock;

    @Activate
    public Plans(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                 @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.digitalskills)") SchemaReady schema,
                 @Reference ReferralService referrals, @Reference FollowUps followUps, @Reference AuditLog audit) {
        this(db, referrals, followUps, audit, Clock.systemUTC());
    }

    Plans(DataSource db, ReferralService referrals, FollowUps followUps, AuditLog audit, Clock clock) {
        this.db = db;
        this.referrals = referrals;
        this.followUps = followUps;
        this.audit = audit;
        this.clock = clock;
    }

    Plan plan(Caller caller, String referralId) {
        Referral referral = referral(caller, referralId);
        Plan plan = Jdbc.inTransaction(db, c -> read(c, referral));
        audit.record(caller, AuditLog.Action.READ, "DigitalInclusionPlan", referral.id(), referral.patientId());
        return plan;
    }

    /**
     * Saves the plan of an open referral; the first save agrees it and schedules the follow-ups from today.
     *
     * @param expectedVersion the version the caller last saw, or null to skip the check
     */
    Plan save(Caller caller, String referralId, PlanBody body, Long expectedVersion) {
        Referral referral = ClosedReferrals.requireOpen(referral(caller, referralId));
        Instant now = clock.instant();
        return Jdbc.inTransaction(db, c -> {
            Plan current = read(c, referral);
            if (expectedVersion != null && expectedVersion != current.version()) {
                throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED, "The plan was changed by someone else; reload it and try again");
            }
            ObjectNode doc = validated(body, current.doc());
            LocalDate today = Schedule.today(now);
            if (current.version() == 0) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_plan (referral_id, patient_id, area, doc, version,"
                        + " agreed_on, agreed_by, updated_at, updated_by) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)")) {
                    insert.setString(1, referral.id());
                    insert.setString(2, referral.patientId());
                    insert.setString(3, referral.area());
                    insert.setString(4, doc.toString());
                    insert.setDate(5, Date.valueOf(today));
                    insert.setString(6, caller.id());
                    insert.setTimestamp(7, Timestamp.from(now));
                    insert.setString(8, caller.id());
                    insert.executeUpdate();
                }
                // Who held the referral when the plan was agreed; reminders go to whoever holds it when they go.
                String worker = referral.assignee() != null ? referral.assignee() : caller.id();
                followUps.scheduleOnce(c, referral.id(), referral.patientId(), referral.area(), worker, today);
                audit.record(c, caller, AuditLog.Action.CREATE, "DigitalInclusionPlan", referral.id(), referral.patientId());
            } else {
                try (PreparedStatement update = c.prepareStatement("UPDATE ds_plan SET doc = ?, version = version + 1, updated_at = ?,"
                        + " updated_by = ? WHERE referral_id = ? AND version = ?")) {
                    update.setString(1, doc.toString());
                    update.setTimestamp(2, Timestamp.from(now));
                    update.setString(3, caller.id());
                    update.setString(4, referral.id());
                    update.setLong(5, current.version());
                    if (update.executeUpdate() != 1) {
                        throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED, "The plan was changed by someone else; reload it and try again");
                    }
                }
                audit.record(c, caller, AuditLog.Action.UPDATE, "DigitalInclusionPlan", referral.id(), referral.patientId());
            }
            return read(c, referral);
        });
    }

    /** Marks a goal achieved (today) or not achieved, on an open referral. */
    Plan goal(Caller caller, String referralId, String goalId, boolean achieved) {
        Referral referral = ClosedReferrals.requireOpen(referral(caller, referralId));
        return Jdbc.inTransaction(db, c -> {
            Plan current = read(c, referral);
            ObjectNode doc = current.doc().deepCopy();
            ObjectNode goal = null;
            for (JsonNode g : doc.withArray("goals")) {
                if (g.path("id").asText().equals(goalId)) {
                    goal = (ObjectNode) g;
                }
            }
            if (goal == null) {
                throw WaymarkException.notFound("No goal with this id in the plan");
            }
            if (achieved) {
                goal.put("achievedOn", Schedule.today(clock.instant()).toString());
            } else {
                goal.remove("achievedOn");
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE ds_plan SET doc = ?, version = version + 1, updated_at = ?,"
                    + " updated_by = ? WHERE referral_id = ? AND version = ?")) {
                update.setString(1, doc.toString());
                update.setTimestamp(2, Timestamp.from(clock.instant()));
                update.setString(3, caller.id());
                update.setString(4, referral.id());
                update.setLong(5, current.version());
                if (update.executeUpdate() != 1) {
                    throw WaymarkException.conflict("The plan changed meanwhile; reload and try again");
                }
            }
            audit.record(c, caller, AuditLog.Action.UPDATE, "DigitalInclusionPlan", referral.id(), referral.patientId());
            return read(c, referral);
        });
    }

    /** Records the person's ethnic group, if they chose to give it, for the equity view of reports. */
    void ethnicity(Caller caller, String referralId, String code) {
        ethnicity(caller, referralId, () -> code);
    }

    /**
     * @param answer read only once the caller is known to reach the referral: someone outside its area learns nothing,
     *               not even that their body was wrong
     */
    String ethnicity(Caller caller, String referralId, java.util.function.Supplier<String> answer) {
        Referral referral = ClosedReferrals.requireOpen(referral(caller, referralId));
        String code = answer.get();
        if (code != null && !ETHNICITY.containsKey(code)) {
            throw WaymarkException.invalid("ethnicity must be one of " + String.join(", ", ETHNICITY.keySet()));
        }
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM ds_equality WHERE patient_id = ?")) {
                delete.setString(1, referral.patientId());
                delete.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_equality (patient_id, ethnicity, updated_at, updated_by)"
                    + " VALUES (?, ?, ?, ?)")) {
                insert.setString(1, referral.patientId());
                insert.setString(2, code);
                insert.setTimestamp(3, Timestamp.from(clock.instant()));
                insert.setString(4, caller.id());
                insert.executeUpdate();
            }
            audit.record(c, caller, AuditLog.Action.UPDATE, "EqualityMonitoring", referral.patientId(), referral.patientId());
            return null;
        });
        return code;
    }

    /**
     * The person's ethnic group as they gave it, if they did. Ethnicity is special category data (UK GDPR article 9),
     * so its read is audited as such, as its change is, not only as the read of the referral (found probing: reading it
     * left no entry of its own in the person's audit trail). Only this person's row is read.
     */
    Optional<String> ethnicity(Caller caller, String referralId) {
        Referral referral = referral(caller, referralId);
        Optional<String> ethnicity = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT ethnicity FROM ds_equality WHERE patient_id = ?")) {
                select.setString(1, referral.patientId());
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
        audit.record(caller, AuditLog.Action.READ, "EqualityMonitoring", referral.patientId(), referral.patientId());
        return ethnicity;
    }

    static Map<String, Optional<String>> ethnicities(Connection c) throws SQLException {
        Map<String, Optional<String>> map = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT patient_id, ethnicity FROM ds_equality");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                map.put(rows.getString(1), Optional.ofNullable(rows.getString(2)));
            }
        }
        return map;
    }

    private Plan read(Connection c, Referral referral) throws SQLException {
        String referralId = referral.id();
        try (PreparedStatement select = c.prepareStatement("SELECT doc, version, agreed_on, agreed_by FROM ds_plan WHERE referral_id = ?")) {
            select.setString(1, referralId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    ObjectNode empty = FhirJson.MAPPER.createObjectNode();
                    empty.putArray("goals");
                    empty.putArray("barriers");
                    empty.putArray("actions");
                    return new Plan(referralId, empty, 0, null, null, List.of());
                }
                return new Plan(referralId, parse(rows.getString(1)), rows.getLong(2), rows.getDate(3).toLocalDate(),
                        rows.getString(4), FollowUps.query(c, referral));
            }
        }
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) FhirJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("A stored plan is not JSON", e);
        }
    }

    /**
     * Checks the body against the lists, naming the field of each problem; goals keep their ids (and achievement)
     * across saves when their code and text match.
     */
    static ObjectNode validated(PlanBody body, ObjectNode previous) {
        if (body == null) {
            throw WaymarkException.invalid("The body must be {\"goals\": [...], \"barriers\": [...], \"actions\": [...]}");
        }
        // The whole plan is replaced: a list left out would silently empty it, so each is required (empty for none).
        required("goals", body.goals());
        required("barriers", body.barriers());
        required("actions", body.actions());
        ObjectNode doc = FhirJson.MAPPER.createObjectNode();
        ArrayNode goals = doc.putArray("goals");
        List<JsonNode> before = new ArrayList<>();
        previous.path("goals").forEach(before::add);
        for (int i = 0; i < body.goals().size(); i++) {
            GoalBody g = body.goals().get(i);
            String field = "goals[" + i + "]";
            if (g == null) {
                throw WaymarkException.invalid(field + " must be a goal: {\"code\", \"text\", \"skillArea\"}");
            }
            String code = g.code() == null ? "" : g.code();
            Choice choice = GOALS.get(code);
            if (choice == null) {
                throw WaymarkException.invalid(field + ".code: unknown goal " + clip(code) + "; one of " + String.join(", ", GOALS.keySet()));
            }
            String text = g.text() == null ? "" : g.text().strip();
            String sent = g.skillArea() == null ? "" : g.skillArea().strip();
            if (!sent.isEmpty() && Framework.area(sent).isEmpty()) {
                throw WaymarkException.invalid(field + ".skillArea: unknown skill area " + clip(sent) + "; one of "
                        + String.join(", ", Framework.AREAS.stream().map(Framework.SkillArea::code).toList()));
            }
            if (choice.skillArea() != null && !sent.isEmpty() && !sent.equals(choice.skillArea())) {
                throw WaymarkException.invalid(field + ".skillArea: the goal " + code + " belongs to " + choice.skillArea()
                        + "; leave skillArea out, or choose the goal other to set it");
            }
            String area = choice.skillArea() != null ? choice.skillArea() : sent;
            if (code.equals("other") && (text.isEmpty() || area.isEmpty())) {
                throw WaymarkException.invalid(field + ": describe another goal with text and the skillArea it needs");
            }
            String label = text.isEmpty() ? choice.label() : text;
            ObjectNode goal = goals.addObject();
            Optional<JsonNode> same = before.stream().filter(p -> p.path("code").asText().equals(code)
                    && p.path("text").asText().equals(label)).findFirst();
            goal.put("id", same.map(p -> p.path("id").asText()).orElse(UUID.randomUUID().toString()));
            goal.put("code", code);
            goal.put("text", label.length() > 300 ? label.substring(0, 300) : label);
            goal.put("skillArea", area);
            same.filter(p -> p.hasNonNull("achievedOn")).ifPresent(p -> goal.put("achievedOn", p.get("achievedOn").asText()));
            same.ifPresent(before::remove);
        }
        ArrayNode barriers = doc.putArray("barriers");
        List<String> barrierCodes = body.barriers();
        for (int i = 0; i < barrierCodes.size(); i++) {
            String code = barrierCodes.get(i);
            if (code == null || !BARRIERS.containsKey(code)) {
                throw WaymarkException.invalid("barriers[" + i + "]: unknown barrier " + clip(code) + "; one of "
                        + String.join(", ", BARRIERS.keySet()));
            }
            barriers.add(code);
        }
        String note = body.barrierNote() == null ? "" : body.barrierNote().strip();
        if (!note.isEmpty()) {
            doc.put("barrierNote", note.length() > 1000 ? note.substring(0, 1000) : note);
        }
        ArrayNode actions = doc.putArray("actions");
        List<ActionBody> actionBodies = body.actions();
        for (int i = 0; i < actionBodies.size(); i++) {
            ActionBody a = actionBodies.get(i);
            String field = "actions[" + i + "]";
            if (a == null) {
                throw WaymarkException.invalid(field + " must be an action: {\"code\", \"note\", \"serviceId\"}");
            }
            String code = a.code() == null ? "" : a.code();
            if (!ACTIONS.containsKey(code)) {
                throw WaymarkException.invalid(field + ".code: unknown action " + clip(code) + "; one of " + String.join(", ", ACTIONS.keySet()));
            }
            ObjectNode action = actions.addObject();
            action.put("code", code);
            action.put("label", ACTIONS.get(code));
            String actionNote = a.note() == null ? "" : a.note().strip();
            if (!actionNote.isEmpty()) {
                action.put("note", actionNote.length() > 500 ? actionNote.substring(0, 500) : actionNote);
            }
            if (a.serviceId() != null && !a.serviceId().isBlank()) {
                String serviceId = a.serviceId().strip();
                if (!isUuid(serviceId)) {
                    throw WaymarkException.invalid(field + ".serviceId: " + clip(serviceId)
                            + " is not a directory service's id (a UUID)");
                }
                action.put("serviceId", serviceId);
            }
        }
        return doc;
    }

    private static void required(String field, List<?> list) {
        if (list == null) {
            throw WaymarkException.invalid(field + " is required: the plan is saved whole ([] for none)");
        }
    }

    private static boolean isUuid(String value) {
        try {
            return value.length() == 36 && UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The caller's own value in a message, cut short: it may be anything. */
    private static String clip(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 60 ? value : value.substring(0, 60) + "...";
    }

    private Referral referral(Caller caller, String referralId) {
        return referrals.find(caller, referralId).orElseThrow(() -> WaymarkException.notFound("No referral with this id"));
    }

    static Map<String, Object> json(Plan plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("referralId", plan.referralId());
        json.put("version", plan.version());
        json.put("agreedOn", plan.agreedOn() == null ? null : plan.agreedOn().toString());
        json.put("agreedBy", plan.agreedBy());
        json.put("goals", plan.doc().path("goals"));
        json.put("barriers", plan.doc().path("barriers"));
        json.put("barrierNote", plan.doc().path("barrierNote").asText(null));
        json.put("actions", plan.doc().path("actions"));
        json.put("followUps", plan.followUps().stream().map(FollowUps::json).toList());
        return json;
    }
}
