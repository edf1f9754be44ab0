package org.waymark.referrals.internal;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.measure.MeasureDefinition;
import org.waymark.api.measure.OutcomeMeasure;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.referral.Referral;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * Outcome measures: ONS4 built in, others from {@link OutcomeMeasure} plugins. A response is recorded against a
 * referral; the first of a measure on a referral is its baseline (first contact), later ones follow-ups. A licensed
 * measure is refused for an area until an admin records the area's licence.
 */
@Component(service = OutcomeMeasures.class)
public final class OutcomeMeasures {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeMeasures.class);
    static final Duration PLUGIN_LIMIT = Duration.ofSeconds(2);

    /** @param licensed whether the area may use it: free, or its licence recorded */
    public record Available(MeasureDefinition definition, boolean licensed) {
    }

    /** @param total the (converted) total for summed measures; null when items are reported separately */
    public record Response(String id, String referralId, String measureId, String occasion, Map<String, Integer> answers,
                           BigDecimal total, String recordedBy, Instant recordedAt) {
    }

    private final DataSource db;
    private final AuditLog audit;
    private final PluginRegistry plugins;
    private final Clock clock;

    @Activate
    public OutcomeMeasures(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                           @Reference PluginRegistry plugins,
                           @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db, audit, plugins, Clock.systemUTC());
    }

    OutcomeMeasures(DataSource db, AuditLog audit, PluginRegistry plugins, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.plugins = plugins;
        this.clock = clock;
    }

    /** The measures offered in an area: ONS4 first, then the plugins' (a plugin that fails is left out). */
    public List<Available> available(Caller caller, String area) {
        if (!caller.mayAccessArea(area)) {
            throw WaymarkException.forbidden("Not one of your areas");
        }
        Map<String, MeasureDefinition> measures = new LinkedHashMap<>();
        measures.put(Ons4.ID, Ons4.DEFINITION);
        for (PluginService<OutcomeMeasure> service : plugins.services(OutcomeMeasure.class, area)) {
            try {
                MeasureDefinition definition = plugins.call(service, PLUGIN_LIMIT, OutcomeMeasure::definition);
                if (definition != null) {
                    measures.putIfAbsent(definition.id(), definition);
                }
            } catch (PluginCallException e) {
                LOG.warn("Outcome measure of plugin {} left out: {}", service.pluginId(), e.getMessage());
            }
        }
        List<String> licences = licences(area);
        return measures.values().stream()
                .map(m -> new Available(m, !m.licence().required() || licences.contains(m.id()))).toList();
    }

    public Response record(Caller caller, String referralId, String measureId, Map<String, Integer> answers) {
        if (caller.isClient()) {
            throw WaymarkException.forbidden("Sending systems follow referrals; link workers record outcomes");
        }
        Referral referral = Jdbc.inTransaction(db, c -> VisibleReferrals.requireWorkable(c, caller, referralId));
        Available measure = available(caller, referral.area()).stream().filter(a -> a.definition().id().equals(measureId))
                .findFirst().orElseThrow(() -> WaymarkException.notFound("No outcome measure '" + PatientLinker.clip(measureId, 64)
                        + "' in this area"));
        if (!measure.licensed()) {
            throw WaymarkException.forbidden("'" + measure.definition().title() + "' is a licensed measure: an admin must "
                    + "record the area's licence before it can be used");
        }
        MeasureDefinition definition = measure.definition();
        Map<String, Integer> checked = check(definition, answers);
        BigDecimal total = total(definition, checked);
        Instant now = clock.instant();
        String id = RowIds.next();
        String occasion = Jdbc.inTransaction(db, c -> {
            String when;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM wm_measure_response WHERE referral_id = ? AND measure_id = ?")) {
                s.setString(1, referral.id());
                s.setString(2, measureId);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    when = r.getInt(1) == 0 ? "baseline" : "follow-up";
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_measure_response (id, referral_id, patient_id, measure_id, "
                    + "occasion, total_score, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?)")) {
                s.setString(1, id);
                s.setString(2, referral.id());
                s.setString(3, referral.patientId());
                s.setString(4, measureId);
                s.setString(5, when);
                s.setBigDecimal(6, total);
                s.setString(7, caller.id());
                s.setTimestamp(8, Timestamp.from(now));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_measure_answer (response_id, item_id, answer) VALUES (?,?,?)")) {
                for (Map.Entry<String, Integer> answer : checked.entrySet()) {
                    s.setString(1, id);
                    s.setString(2, answer.getKey());
                    s.setInt(3, answer.getValue());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return when;
        });
        audit.record(caller, AuditLog.Action.CREATE, "OutcomeMeasure", referral.id() + "/measure/" + measureId + " " + occasion,
                referral.patientId());
        return new Response(id, referral.id(), measureId, occasion, checked, total, caller.id(), now);
    }

    /** Every response recorded for the referral's person (over all their referrals the caller may see), oldest first. */
    public List<Response> history(Caller caller, String referralId) {
        Referral referral = Jdbc.inTransaction(db, c -> VisibleReferrals.require(c, caller, referralId));
        DataScope scope = DataScope.of(caller);
        List<Response> responses = Jdbc.inTransaction(db, c -> {
            Map<String, Response> byId = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT m.id, m.referral_id, m.measure_id, m.occasion, m.total_score, "
                    + "m.recorded_by, m.recorded_at FROM wm_measure_response m JOIN wm_referral r ON r.id = m.referral_id "
                    + "WHERE m.patient_id = ? AND " + scope.referralCondition() + " ORDER BY m.recorded_at, m.id")) {
                s.setString(1, referral.patientId());
                JdbcReferralService.bind(s, 2, scope.parameters());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        byId.put(r.getString(1), new Response(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                new LinkedHashMap<>(), r.getBigDecimal(5), r.getString(6), r.getTimestamp(7).toInstant()));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT a.response_id, a.item_id, a.answer FROM wm_measure_answer a "
                    + "JOIN wm_measure_response m ON m.id = a.response_id WHERE m.patient_id = ?")) {
                s.setString(1, referral.patientId());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Response owner = byId.get(r.getString(1));
                        if (owner != null) {
                            owner.answers().put(r.getString(2), r.getInt(3));
                        }
                    }
                }
            }
            return new ArrayList<>(byId.values());
        });
        audit.record(caller, AuditLog.Action.READ, "OutcomeMeasure", referral.id(), referral.patientId());
        return responses;
    }

    /** An area admin records that the area holds a licence for a measure. */
    public void recordLicence(Caller caller, String area, String measureId, String licenceRef) {
        if (!caller.hasRole(Roles.ADMIN) || !caller.mayAccessArea(area)) {
            throw WaymarkException.forbidden("Only an admin of the area records its licences");
        }
        String reference = VisibleReferrals.text(licenceRef, "licence", 200, true);
        Optional<Available> measure = available(caller, area).stream().filter(a -> a.definition().id().equals(measureId)).findFirst();
        if (measure.isEmpty()) {
            throw WaymarkException.notFound("No outcome measure '" + PatientLinker.clip(measureId, 64) + "' in this area");
        }
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_measure_licence WHERE area = ? AND measure_id = ?")) {
                s.setString(1, area);
                s.setString(2, measureId);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_measure_licence (area, measure_id, licence_ref, recorded_by, "
                    + "recorded_at) VALUES (?,?,?,?,?)")) {
                s.setString(1, area);
                s.setString(2, measureId);
                s.setString(3, reference);
                s.setString(4, caller.id());
                s.setTimestamp(5, Timestamp.from(clock.instant()));
                return s.executeUpdate();
            }
        });
        audit.record(caller, AuditLog.Action.ADMIN, "MeasureLicence", area + "/" + measureId, null);
    }

    private List<String> licences(String area) {
        return Jdbc.inTransaction(db, c -> CaseRecords.query(c, "SELECT measure_id FROM wm_measure_licence WHERE area = ?", area,
                r -> r.getString(1)));
    }

    static Map<String, Integer> check(MeasureDefinition definition, Map<String, Integer> answers) {
        if (answers == null) {
            throw WaymarkException.invalid("answers are required");
        }
        Map<String, Integer> checked = new LinkedHashMap<>();
        for (MeasureDefinition.Item item : definition.items()) {
            Integer answer = answers.get(item.id());
            if (answer == null) {
                throw WaymarkException.invalid("Answer every question: '" + item.id() + "' is missing");
            }
            if (answer < definition.scale().min() || answer > definition.scale().max()) {
                throw WaymarkException.invalid("'" + item.id() + "' must be from " + definition.scale().min() + " to "
                        + definition.scale().max());
            }
            checked.put(item.id(), answer);
        }
        if (answers.size() != checked.size()) {
            throw WaymarkException.invalid("Some answers are for questions this measure does not ask");
        }
        return checked;
    }

    static BigDecimal total(MeasureDefinition definition, Map<String, Integer> answers) {
        int raw = answers.values().stream().mapToInt(Integer::intValue).sum();
        return switch (definition.scoring()) {
            case ITEMS_SEPARATELY -> null;
            case SUM -> BigDecimal.valueOf(raw);
            case SUM_CONVERTED -> {
                Double converted = definition.conversion().get(raw);
                if (converted == null) {
                    throw WaymarkException.unprocessable("The measure's conversion table has no score for a raw total of " + raw);
                }
                yield BigDecimal.valueOf(converted).setScale(2, java.math.RoundingMode.HALF_UP);
            }
        };
    }
}
