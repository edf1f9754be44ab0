package org.waymark.platform.internal.audit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.security.RolesAllowed;
import javax.sql.DataSource;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.PatientAreas;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.internal.security.ClientAccounts;
import org.waymark.platform.internal.security.UserAccounts;

/**
 * {@code /api/admin/audit}: the audit trail for admins, filtered and paged newest first (keyset paging on the row id),
 * and {@code /api/admin/audit/verify}, which checks the hash chain. Entries hold ids, never names or NHS numbers.
 * Admins are scoped to their areas like everyone else: only an admin of every area of the deployment sees the whole
 * trail (see {@link AuditScope}). Viewing the trail is itself audited.
 */
@Component(service = AuditResource.class, property = "osgi.jaxrs.resource=true")
@Path("/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class AuditResource {
    static final int MAX_LIMIT = 200;
    /** The most rows read in one statement while filtering by area. */
    static final int MAX_BLOCK = 2000;
    private final DataSource db;
    private final AuditChain chain;
    private final AuditLog audit;
    private final UserAccounts users;
    private final ClientAccounts clients;
    /** Which people belong to which areas; without the referrals bundle an area's admin sees entries by actor only. */
    private volatile PatientAreas patientAreas;

    public record Entry(long id, Instant at, String actor, String actorKind, String action, String resourceType,
                        String resourceId, String patientId, Long chainSeq, String hash) {
    }

    public record Page(List<Entry> items, Long nextBefore) {
    }

    @Activate
    public AuditResource(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditChain chain,
                         @Reference AuditLog audit, @Reference UserAccounts users, @Reference ClientAccounts clients) {
        this.db = db;
        this.chain = chain;
        this.audit = audit;
        this.users = users;
        this.clients = clients;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindPatientAreas(PatientAreas bound) {
        patientAreas = bound;
    }

    void unbindPatientAreas(PatientAreas unbound) {
        if (patientAreas == unbound) {
            patientAreas = null;
        }
    }

    /**
     * @param before keyset paging: entries with a smaller id than this (the previous page's {@code nextBefore})
     */
    @GET
    public Page search(@QueryParam("actor") String actor, @QueryParam("patientId") String patientId,
                       @QueryParam("action") String action, @QueryParam("resourceType") String resourceType,
                       @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("before") Long before,
                       @QueryParam("limit") @DefaultValue("50") int limit, @Context SecurityContext security) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw WaymarkException.invalid("limit must be between 1 and " + MAX_LIMIT);
        }
        StringBuilder where = new StringBuilder("1 = 1");
        List<Object> values = new ArrayList<>();
        condition(where, values, "actor = ?", blankToNull(actor));
        condition(where, values, "patient_id = ?", blankToNull(patientId));
        condition(where, values, "resource_type = ?", blankToNull(resourceType));
        if (blankToNull(action) != null) {
            try {
                condition(where, values, "action_type = ?", AuditLog.Action.valueOf(action.strip().toUpperCase(Locale.ROOT)).name());
            } catch (IllegalArgumentException e) {
                throw WaymarkException.invalid("action must be one of " + java.util.Arrays.toString(AuditLog.Action.values()).toLowerCase(Locale.ROOT));
            }
        }
        condition(where, values, "occurred_at >= ?", instant("from", from));
        condition(where, values, "occurred_at < ?", instant("to", to));
        Caller admin = caller(security);
        AuditScope scope = scopeOf(admin);
        List<Entry> entries = scope.deploymentWide() ? fetch(where.toString(), values, before, limit + 1)
                : scoped(scope, where.toString(), values, before, limit + 1);
        Long next = null;
        if (entries.size() > limit) {
            entries = entries.subList(0, limit);
            next = entries.get(limit - 1).id();
        }
        audit.record(admin, AuditLog.Action.SEARCH, "AuditTrail", entries.size() + " entries", null);
        return new Page(entries, next);
    }

    /**
     * The trail as this admin may see it (see {@link AuditScope}). The database pre-filters; whether a person belongs
     * to the admin's areas is asked of the referrals in one batch per block of rows. Blocks grow while few rows pass,
     * so an admin of a small area in a large hub pays a few statements per page rather than one per row, and the next
     * page starts below the last row shown, so no entry is skipped or shown twice.
     */
    private List<Entry> scoped(AuditScope scope, String where, List<Object> values, Long before, int wanted) {
        List<Object> scopedValues = new ArrayList<>(values);
        String scopedWhere = where + " AND " + scope.candidates(scopedValues);
        PatientAreas people = patientAreas;
        Map<String, Boolean> inAreas = new HashMap<>();
        List<Entry> shown = new ArrayList<>();
        Long below = before;
        int block = Math.min(MAX_BLOCK, 2 * wanted);
        while (true) {
            List<Entry> rows = fetch(scopedWhere, scopedValues, below, block);
            Set<String> unknown = new LinkedHashSet<>();
            rows.stream().filter(scope::needsPatientAreas).map(Entry::patientId).filter(p -> !inAreas.containsKey(p)).forEach(unknown::add);
            if (!unknown.isEmpty()) {
                Set<String> found = people == null ? Set.of() : people.withReferralIn(scope.areas(), unknown);
                unknown.forEach(p -> inAreas.put(p, found.contains(p)));
            }
            for (Entry row : rows) {
                if (scope.visible(row, inAreas::get)) {
                    shown.add(row);
                    if (shown.size() == wanted) {
                        return shown;
                    }
                }
            }
            if (rows.size() < block) {
                return shown;
            }
            below = rows.get(rows.size() - 1).id();
            block = Math.min(MAX_BLOCK, block * 2);
        }
    }

    /** Newest first, at most {@code rows} entries with an id below {@code before} (when given). */
    private List<Entry> fetch(String where, List<Object> values, Long before, int rows) {
        StringBuilder conditions = new StringBuilder(where);
        List<Object> parameters = new ArrayList<>(values);
        condition(conditions, parameters, "id < ?", before);
        String sql = "SELECT id, occurred_at, actor, actor_kind, action_type, resource_type, resource_id, patient_id,"
                + " chain_seq, row_hash FROM wm_audit WHERE " + conditions + " ORDER BY id DESC FETCH FIRST " + rows + " ROWS ONLY";
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.size(); i++) {
                    s.setObject(i + 1, parameters.get(i));
                }
                List<Entry> found = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        long seq = r.getLong(9);
                        Long chainSeq = r.wasNull() ? null : seq;
                        found.add(new Entry(r.getLong(1), r.getTimestamp(2).toInstant(), r.getString(3), r.getString(4),
                                r.getString(5), r.getString(6), r.getString(7), r.getString(8), chainSeq, r.getString(10)));
                    }
                }
                return found;
            }
        });
    }

    /**
     * The deployment's areas are those its users, clients and referrals name: there is no list of them elsewhere, and
     * an area counts as soon as anyone works, sends or is referred there.
     */
    private AuditScope scopeOf(Caller admin) {
        List<Caller> staff = users.users().stream().map(UserAccounts.UserAccount::caller).toList();
        Set<String> areas = new HashSet<>(clients.clientAreas());
        staff.forEach(u -> areas.addAll(u.areas()));
        PatientAreas people = patientAreas;
        if (people != null) {
            areas.addAll(people.referralAreas());
        }
        return new AuditScope(admin, staff, areas);
    }

    @GET
    @Path("/verify")
    public Map<String, Object> verify(@Context SecurityContext security) {
        AuditChain.Verification result = chain.verify();
        audit.record(caller(security), AuditLog.Action.ADMIN, "AuditTrail", "verify " + (result.intact() ? "intact" : "broken"), null);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("intact", result.intact());
        json.put("checkedRows", result.checkedRows());
        json.put("unsealedRows", result.unsealedRows());
        if (!result.intact()) {
            Map<String, Object> broken = new LinkedHashMap<>();
            broken.put("chainSeq", result.brokenAtSeq());
            broken.put("auditId", result.brokenAuditId());
            broken.put("problem", result.problem());
            json.put("firstBrokenLink", broken);
        }
        json.put("verifiedAt", result.verifiedAt().toString());
        return json;
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow(() -> WaymarkException.forbidden("No caller"));
    }

    private static void condition(StringBuilder where, List<Object> values, String clause, Object value) {
        if (value != null) {
            where.append(" AND ").append(clause);
            values.add(value);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Timestamp instant(String name, String value) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return Timestamp.from(value.length() == 10 ? java.time.LocalDate.parse(value).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                    : Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw WaymarkException.invalid(name + " must be a date (2026-01-31) or an instant (2026-01-31T09:00:00Z)");
        }
    }
}
