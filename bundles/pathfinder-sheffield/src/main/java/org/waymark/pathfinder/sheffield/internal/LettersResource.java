package org.waymark.pathfinder.sheffield.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.sql.DataSource;
import javax.ws.rs.ForbiddenException;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * {@code GET /api/pathfinder-sheffield/referrals/{id}/letters}: the letters written to the person of a referral, for
 * the letters panel. The referral is looked up through the core, so the caller's role and areas decide, and the read
 * is audited like any other read of a person's record.
 */
@Component(service = LettersResource.class, property = "osgi.jaxrs.resource=true")
@Path("/pathfinder-sheffield/referrals/{id}/letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class LettersResource {

    /** The area whose letters these are (the letter channel's {@code waymark.area}). */
    static final String AREA = "sheffield";

    public record Letter(String messageId, String subject, String fileName, Instant writtenAt) {
    }

    private final DataSource db;
    private final ReferralService referrals;
    private final AuditLog audit;

    @Activate
    public LettersResource(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                           @Reference(target = "(waymark.schema=org.waymark.pathfinder-sheffield)") SchemaReady schema,
                           @Reference ReferralService referrals, @Reference AuditLog audit) {
        this(db, referrals, audit);
    }

    LettersResource(DataSource db, ReferralService referrals, AuditLog audit) {
        this.db = db;
        this.referrals = referrals;
        this.audit = audit;
    }

    @GET
    public List<Letter> letters(@PathParam("id") String referralId, @Context SecurityContext security) throws SQLException {
        Caller caller = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow(ForbiddenException::new);
        // Letters are kept per person, and a person may be referred in several areas of a hub: only a Sheffield
        // referral shows them. Found probing: an Islington-only link worker read the Sheffield service's letters to a
        // person through that person's Islington referral.
        Referral referral = referrals.find(caller, referralId).filter(r -> AREA.equals(r.area()))
                .orElseThrow(() -> WaymarkException.notFound("No Sheffield referral with this id in your areas"));
        List<Letter> letters = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT message_id, subject, file_name, written_at FROM sheffield_letter "
                     + "WHERE patient_id = ? ORDER BY written_at DESC")) {
            s.setString(1, referral.patientId());
            try (ResultSet r = s.executeQuery()) {
                while (r.next() && letters.size() < 100) {
                    letters.add(new Letter(r.getString(1), r.getString(2), r.getString(3), r.getTimestamp(4).toInstant()));
                }
            }
        }
        audit.record(caller, AuditLog.Action.READ, "Letter", "letters of referral " + referral.id(), referral.patientId());
        return letters;
    }
}
