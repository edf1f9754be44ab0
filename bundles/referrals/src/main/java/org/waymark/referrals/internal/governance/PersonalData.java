package org.waymark.referrals.internal.governance;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.plugin.PluginApproval;
import org.waymark.api.governance.PersonalDataContributor;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.referrals.internal.CaseRecords;
import org.waymark.referrals.internal.PatientMerges;

/**
 * Subject access export and retention over every {@link PersonalDataContributor}: the referrals bundle owns the person
 * and their referrals, so it decides what belongs to the person and asks the other contributors (notifications,
 * directory, the audit trail, plugins) for their part, in one transaction.
 */
@Component(service = PersonalData.class)
public final class PersonalData {
    static final String FORMAT = "waymark-subject-access-export/1";
    /** Persons handled by one retention run; the next run carries on. */
    static final int MAX_PERSONS_PER_RUN = 5000;
    private static final Logger LOG = LoggerFactory.getLogger(PersonalData.class);
    private static final Set<String> CLOSED = java.util.Arrays.stream(ReferralStatus.values()).filter(ReferralStatus::isClosed)
            .map(ReferralStatus::code).collect(Collectors.toUnmodifiableSet());

    private final DataSource db;
    private final ReferralService referrals;
    private final AuditLog audit;
    private final Clock clock;
    private final ReferralRecords own = new ReferralRecords();
    private final Map<PersonalDataContributor, java.util.Optional<org.osgi.framework.Bundle>> contributors =
            new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Contributors are bound directly, not through the plugin registry, and are handed the transaction and the person's
     * id: a plugin's only once an admin approved that version (found probing: an unapproved plugin's contributor got
     * every export's transaction and, by throwing, made every subject access request a 503).
     */
    private final PluginApproval approvals;

    /** What a retention run found (and, when applied, erased). */
    public record RetentionReport(Instant asOf, boolean applied, String rules, int referrals, int wholePersons,
                                  int personsKeptWithOpenOrRecentReferrals, int rowsErased, Map<String, Integer> referralsByArea,
                                  List<String> failures) {
        public String text() {
            StringBuilder out = new StringBuilder(applied ? "Retention run" : "Retention dry run (nothing changed; --apply erases)")
                    .append(" as of ").append(asOf).append("\nRules: ").append(rules)
                    .append("\nClosed referrals past their period: ").append(referrals);
            referralsByArea.forEach((area, n) -> out.append("\n  ").append(area).append(": ").append(n));
            out.append("\nPersons erased entirely (no other referral left): ").append(wholePersons)
                    .append("\nPersons kept (another referral is open or recent): ").append(personsKeptWithOpenOrRecentReferrals);
            if (applied) {
                out.append("\nRows erased: ").append(rowsErased);
            }
            failures.forEach(f -> out.append("\nFailed: ").append(f));
            return out.toString();
        }
    }

    @Activate
    public PersonalData(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                        @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.referrals)") SchemaReady schema,
                        @Reference ReferralService referrals, @Reference AuditLog audit,
                        @Reference PluginApproval approvals) {
        this(db, referrals, audit, Clock.systemUTC(), approvals);
    }

    PersonalData(DataSource db, ReferralService referrals, AuditLog audit, Clock clock, PluginApproval approvals) {
        this.approvals = approvals;
        this.db = db;
        this.referrals = referrals;
        this.audit = audit;
        this.clock = clock;
    }

    /** The registering bundle is kept: a plugin's contributor is called only once the plugin is approved. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindContributor(PersonalDataContributor contributor, org.osgi.framework.ServiceReference<PersonalDataContributor> reference) {
        contributors.put(contributor, java.util.Optional.ofNullable(reference.getBundle()));
    }

    void unbindContributor(PersonalDataContributor contributor) {
        contributors.remove(contributor);
    }

    /** A contributor of the core (tests build the service with these). */
    void addContributor(PersonalDataContributor contributor) {
        contributors.put(contributor, java.util.Optional.empty());
    }

    List<PersonalDataContributor> others() {
        List<PersonalDataContributor> sorted = new ArrayList<>();
        contributors.forEach((contributor, bundle) -> {
            if (approvals.usable(bundle.orElse(null))) {
                sorted.add(contributor);
            }
        });
        sorted.sort(Comparator.comparing(PersonalDataContributor::name));
        return sorted;
    }

    /**
     * Everything held about a person whose record the caller may see, from the caller's areas. Referrals of the
     * person in other areas are counted, not shown: those areas' admins answer for them.
     */
    public Map<String, Object> export(Caller caller, String patientId) {
        referrals.findPatient(caller, patientId)
                .orElseThrow(() -> WaymarkException.notFound("No person with this id in your areas"));
        Map<String, Object> export = Jdbc.inTransaction(db, c -> {
            Set<String> visible = new LinkedHashSet<>();
            int elsewhere = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT id, area FROM wm_referral WHERE patient_id = ? ORDER BY created_at")) {
                s.setString(1, patientId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (caller.mayAccessArea(r.getString(2))) {
                            visible.add(r.getString(1));
                        } else {
                            elsewhere++;
                        }
                    }
                }
            }
            Map<String, Object> sections = new LinkedHashMap<>();
            sections.put(own.name(), json(own.export(c, patientId, visible)));
            // The audit trail keeps the ids it was written with: what it holds under a record merged into this one is
            // the person's too.
            Set<String> former = PatientMerges.formerIds(c, patientId);
            for (PersonalDataContributor contributor : others()) {
                try {
                    Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>(contributor.export(c, patientId, visible));
                    for (String formerId : former) {
                        contributor.export(c, formerId, Set.of()).forEach((table, more) -> rows.merge(table, more, (a, b) -> {
                            List<Map<String, Object>> all = new ArrayList<>(a);
                            all.addAll(b);
                            return all;
                        }));
                    }
                    sections.put(contributor.name(), json(rows));
                } catch (SQLException | RuntimeException e) {
                    // An export that silently lacks a section would mislead the person: refuse it instead.
                    LOG.warn("Subject access export: contributor {} failed: {}", contributor.name(), e.toString());
                    throw new WaymarkException(WaymarkException.Kind.UNAVAILABLE, "The export is incomplete: the "
                            + contributor.name() + " data could not be read; try again or ask the operator");
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("format", FORMAT);
            out.put("patientId", patientId);
            out.put("exportedAt", clock.instant().toString());
            out.put("exportedBy", caller.id());
            out.put("referralIds", List.copyOf(visible));
            out.put("referralsInOtherAreas", elsewhere);
            out.put("sections", sections);
            audit.record(c, caller, AuditLog.Action.READ, "SubjectAccessExport", patientId, patientId);
            return out;
        });
        LOG.info("Subject access export of patient {} by {}", patientId, caller.id());
        return export;
    }

    /**
     * Asks every other contributor to move what it keeps under the record that goes to the one that stays, in the
     * merge's transaction (a contributor that throws rolls the whole merge back).
     *
     * @return the rows moved
     */
    public int mergeContributions(Connection c, PersonalDataContributor.Merge merge) throws SQLException {
        int rows = 0;
        for (PersonalDataContributor contributor : others()) {
            rows += contributor.merge(c, merge);
        }
        return rows;
    }

    /** Renders JDBC values as JSON-friendly ones: instants and dates as ISO text. */
    private static Map<String, Object> json(Map<String, List<Map<String, Object>>> tables) {
        Map<String, Object> out = new TreeMap<>();
        tables.forEach((table, rows) -> out.put(table, rows.stream().map(row -> {
            Map<String, Object> converted = new LinkedHashMap<>();
            row.forEach((column, value) -> converted.put(column, value(value)));
            return converted;
        }).toList()));
        return out;
    }

    private static Object value(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (value instanceof BigDecimal b) {
            return b.stripTrailingZeros().toPlainString();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean || value == null) {
            return value instanceof String s ? s.stripTrailing() : value;
        }
        return value.toString();
    }

    /**
     * Finds the closed referrals whose retention period has passed on {@code asOf} and, when {@code apply}, erases
     * them with every contributor's data about them, and the person too when none of their referrals remains. Each
     * person is erased in one transaction, audited in it; a failure leaves that person whole for the next run.
     */
    public RetentionReport retention(RetentionRules rules, Instant asOf, boolean apply, Caller caller) {
        Map<String, Set<String>> duePerPatient = new LinkedHashMap<>();
        Map<String, Integer> byArea = new TreeMap<>();
        Optional<Instant> latestCutoff = latestCutoff(rules, asOf);
        if (latestCutoff.isPresent()) {
            Jdbc.inTransaction(db, c -> {
                String sql = "SELECT id, patient_id, area, updated_at FROM wm_referral WHERE status IN ("
                        + CaseRecords.parameterMarks(CLOSED.size()) + ") AND updated_at < ? ORDER BY updated_at";
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    int i = 1;
                    for (String status : CLOSED) {
                        s.setString(i++, status);
                    }
                    s.setTimestamp(i, Timestamp.from(latestCutoff.get()));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next() && (duePerPatient.size() < MAX_PERSONS_PER_RUN || duePerPatient.containsKey(r.getString(2)))) {
                            String area = r.getString(3);
                            Optional<Instant> cutoff = rules.cutoff(area, asOf);
                            if (cutoff.isPresent() && r.getTimestamp(4).toInstant().isBefore(cutoff.get())) {
                                duePerPatient.computeIfAbsent(r.getString(2), p -> new LinkedHashSet<>()).add(r.getString(1));
                                byArea.merge(area, 1, Integer::sum);
                            }
                        }
                    }
                }
                return null;
            });
        }
        int referralCount = duePerPatient.values().stream().mapToInt(Set::size).sum();
        int whole = 0;
        int kept = 0;
        int rows = 0;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Set<String>> due : duePerPatient.entrySet()) {
            String patientId = due.getKey();
            try {
                int[] result = Jdbc.inTransaction(db, c -> {
                    boolean wholePerson = remainingReferrals(c, patientId, due.getValue()) == 0;
                    int erased = 0;
                    if (apply) {
                        PersonalDataContributor.Erasure erasure = new PersonalDataContributor.Erasure(patientId, due.getValue(), wholePerson);
                        for (PersonalDataContributor contributor : others()) {
                            erased += contributor.erase(c, erasure);
                        }
                        erased += own.erase(c, erasure);
                        for (String referralId : due.getValue()) {
                            audit.record(c, caller, AuditLog.Action.DELETE, "ServiceRequest", referralId + " retention", patientId);
                        }
                        if (wholePerson) {
                            audit.record(c, caller, AuditLog.Action.DELETE, "Patient", patientId + " retention", patientId);
                        }
                    }
                    return new int[] {wholePerson ? 1 : 0, erased};
                });
                whole += result[0];
                kept += 1 - result[0];
                rows += result[1];
            } catch (RuntimeException e) {
                LOG.warn("Retention: erasing patient {} failed, left for the next run: {}", patientId, e.toString());
                failures.add("patient " + patientId + ": " + e.getMessage());
            }
        }
        RetentionReport report = new RetentionReport(asOf, apply, rules.describe(), referralCount, whole, kept, rows, byArea, failures);
        if (apply) {
            audit.record(caller, AuditLog.Action.ADMIN, "Retention", "run " + referralCount + " referrals, " + whole + " persons", null);
            LOG.info("Retention run as of {}: {} closed referral(s) due, {} person(s) erased entirely, {} row(s) erased, {} failure(s)",
                    asOf, referralCount, whole, rows, failures.size());
        }
        return report;
    }

    private static Optional<Instant> latestCutoff(RetentionRules rules, Instant asOf) {
        List<Instant> cutoffs = new ArrayList<>();
        rules.defaultYears().ifPresent(y -> cutoffs.add(rules.cutoff("", asOf).orElseThrow()));
        rules.areaYears().forEach((area, y) -> rules.cutoff(area, asOf).ifPresent(cutoffs::add));
        return cutoffs.stream().max(Comparator.naturalOrder());
    }

    private static int remainingReferrals(Connection c, String patientId, Set<String> due) throws SQLException {
        int remaining = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM wm_referral WHERE patient_id = ?")) {
            s.setString(1, patientId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (!due.contains(r.getString(1))) {
                        remaining++;
                    }
                }
            }
        }
        return remaining;
    }
}
