package org.waymark.notifications.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.security.RolesAllowed;
import javax.sql.DataSource;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;

/**
 * {@code /api/inbox}: the signed-in worker's messages and tasks: those sent to them, and those sent to a role they
 * hold in one of their areas.
 */
@Component(service = InboxResource.class, property = "osgi.jaxrs.resource=true")
@Path("/inbox")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class InboxResource {
    static final int MAX_COUNT = 100;

    public record Item(long id, String topic, String subject, String text, String link, boolean task, String area,
                       Instant created, Instant done, String doneBy) {
    }

    private final DataSource db;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public InboxResource(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                         @Reference(target = "(waymark.schema=org.waymark.notifications)") SchemaReady schema) {
        this.db = db;
    }

    /** @param done include items already done */
    @GET
    public List<Item> items(@QueryParam("done") @DefaultValue("false") boolean done,
                            @QueryParam("count") @DefaultValue("50") int count, @Context SecurityContext security) {
        if (count < 1 || count > MAX_COUNT) {
            throw WaymarkException.invalid("count must be between 1 and " + MAX_COUNT);
        }
        Caller caller = caller(security);
        Visibility visible = Visibility.of(caller);
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, topic, subject, body, link, is_task, area, created_at,"
                    + " done_at, done_by FROM wm_inbox WHERE (" + visible.sql() + ")"
                    + (done ? "" : " AND done_at IS NULL") + " ORDER BY created_at DESC")) {
                s.setMaxRows(count);
                visible.bind(s, 1);
                List<Item> items = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        items.add(new Item(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                                r.getBoolean(6), r.getString(7), r.getTimestamp(8).toInstant(),
                                r.getTimestamp(9) == null ? null : r.getTimestamp(9).toInstant(), r.getString(10)));
                    }
                }
                return items;
            }
        });
    }

    @POST
    @Path("/{id}/done")
    public Item markDone(@PathParam("id") long id, @Context SecurityContext security) {
        Caller caller = caller(security);
        Visibility visible = Visibility.of(caller);
        int changed = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_inbox SET done_at = ?, done_by = ? WHERE id = ?"
                    + " AND done_at IS NULL AND (" + visible.sql() + ")")) {
                s.setTimestamp(1, Timestamp.from(clock.instant()));
                s.setString(2, caller.id());
                s.setLong(3, id);
                visible.bind(s, 4);
                return s.executeUpdate();
            }
        });
        return items(true, MAX_COUNT, security).stream().filter(i -> i.id() == id).findFirst()
                .filter(i -> changed == 1 || i.done() != null)
                .orElseThrow(() -> WaymarkException.notFound("No inbox item " + id));
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }

    /** The SQL condition for the items a worker may see: to them by name, or to one of their roles in their areas. */
    private record Visibility(Caller caller, List<String> roles, List<String> areas) {
        static Visibility of(Caller caller) {
            return new Visibility(caller, List.copyOf(caller.roles()), List.copyOf(caller.areas()));
        }

        String sql() {
            String mine = "(party_kind = '" + Party.Kind.STAFF.name() + "' AND party_id = ?)";
            if (roles.isEmpty() || areas.isEmpty()) {
                return mine;
            }
            return mine + " OR (party_kind = '" + Party.Kind.TEAM.name() + "' AND party_id IN (" + marks(roles.size())
                    + ") AND area IN (" + marks(areas.size()) + "))";
        }

        int bind(PreparedStatement s, int from) throws java.sql.SQLException {
            int i = from;
            s.setString(i++, caller.id());
            if (!roles.isEmpty() && !areas.isEmpty()) {
                for (String role : roles) {
                    s.setString(i++, role);
                }
                for (String area : areas) {
                    s.setString(i++, area);
                }
            }
            return i;
        }

        private static String marks(int n) {
            return String.join(",", java.util.Collections.nCopies(n, "?"));
        }
    }
}
