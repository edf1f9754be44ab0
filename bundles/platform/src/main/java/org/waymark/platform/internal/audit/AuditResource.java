package org.waymark.platform.internal.audit;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;

/**
 * {@code /api/admin/audit}: the audit trail for admins, filtered and paged newest first (keyset paging on the row id),
 * and {@code /api/admin/audit/verify}, which checks the hash chain. Entries hold ids, never names or NHS numbers.
 * Viewing the trail is itself audited.
 */
@Component(service = AuditResource.class, property = "osgi.jaxrs.resource=true")
@Path("/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class AuditResource {
    static final int MAX_LIMIT = 200;
    private final DataSource db;
    private final AuditChain chain;
    private final AuditLog audit;

    public record Entry(long id, Instant at, String actor, String actorKind, String action, String resourceType,
                        String resourceId, String patientId, Long chainSeq, String hash) {
    }

    public record Page(List<Entry> items, Long nextBefore) {
    }

    @Activate
    public AuditResource(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditChain chain,
                         @Reference AuditLog audit) {
        this.db = db;
        this.chain = chain;
        this.audit = audit;
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
        condition(where, values, "id < ?", before);
        String sql = "SELECT id, occurred_at, actor, actor_kind, action_type, resource_type, resource_id, patient_id,"
                + " chain_seq, row_hash FROM wm_audit WHERE " + where + " ORDER BY id DESC FETCH FIRST " + (limit + 1) + " ROWS ONLY";
        List<Entry> entries = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < values.size(); i++) {
                    s.setObject(i + 1, values.get(i));
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
        Long next = null;
        if (entries.size() > limit) {
            entries = entries.subList(0, limit);
            next = entries.get(limit - 1).id();
        }
        audit.record(caller(security), AuditLog.Action.SEARCH, "AuditTrail", entries.size() + " entries", null);
        return new Page(entries, next);
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
