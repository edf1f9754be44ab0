package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Set;
import java.util.TreeSet;
import org.waymark.api.referral.ReferralConsent;
import org.waymark.api.referral.ReferralFlag;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * The flags on a referral (those the referrer sent and the safeguarding concerns link workers raise) and the consent the
 * referrer recorded. A concern raised here reaches the area's safeguarding lead through the platform's channels in the
 * same transaction as the concern itself, so it is never recorded without being sent, nor sent without being recorded.
 */
@Component(service = ReferralFlags.class)
public final class ReferralFlags {
    /** The admins of the area see every concern in their console inbox, whatever else is configured. */
    static final String AREA_ADMINS = "admin";

    /** A flag as the caseload shows it: who raised it, from the referral or in Waymark. */
    public record FlagView(String id, String category, String categoryText, String code, String text, Instant start, Instant end,
                           String source, String raisedBy, Instant raisedAt) {
        public boolean safeguarding() {
            return ReferralFlag.SAFEGUARDING.equals(category);
        }
    }

    public record Flags(List<FlagView> flags, ReferralConsent consent) {
    }

    private final DataSource db;
    private final AuditLog audit;
    private final Notifier notifier;
    private final ContactBook contacts;
    private final Clock clock;

    @Activate
    public ReferralFlags(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                         @Reference Notifier notifier, @Reference ContactBook contacts,
                         @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db, audit, notifier, contacts, Clock.systemUTC());
    }

    ReferralFlags(DataSource db, AuditLog audit, Notifier notifier, ContactBook contacts, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.notifier = notifier;
        this.contacts = contacts;
        this.clock = clock;
    }

    /** The party that hears of an area's safeguarding concerns besides its admins (set its email with set-contact). */
    static Party safeguardingLead(String area) {
        return Party.team("safeguarding-lead:" + area);
    }

    /** Intake: keeps what the referrer sent with the referral, in the referral's own transaction. */
    static void storeSent(Connection c, String referralId, NewReferral referral, Instant now) throws SQLException {
        for (ReferralFlag flag : referral.flags()) {
            insert(c, referralId, flag, "referrer", null, now);
        }
        ReferralConsent consent = referral.consent();
        if (consent != null) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral_consent (referral_id, status, category, "
                    + "category_text, basis, recorded_on) VALUES (?,?,?,?,?,?)")) {
                s.setString(1, referralId);
                s.setString(2, PatientLinker.clip(consent.status(), 32));
                s.setString(3, PatientLinker.clip(consent.category(), 64));
                s.setString(4, PatientLinker.clip(consent.categoryText(), 300));
                s.setString(5, PatientLinker.clip(consent.basis(), 64));
                s.setDate(6, consent.recordedOn() == null ? null : Date.valueOf(consent.recordedOn()));
                s.executeUpdate();
            }
        }
    }

    /** Read with the referral's detail (whose read is audited there). */
    Flags of(Connection c, String referralId) throws SQLException {
        List<FlagView> flags = CaseRecords.query(c, "SELECT id, category, category_text, code, text, starts_at, ends_at, source, "
                + "raised_by, raised_at FROM wm_referral_flag WHERE referral_id = ? ORDER BY raised_at DESC, id", referralId,
                r -> new FlagView(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        instant(r.getTimestamp(6)), instant(r.getTimestamp(7)), r.getString(8), r.getString(9),
                        r.getTimestamp(10).toInstant()));
        List<ReferralConsent> consent = CaseRecords.query(c, "SELECT status, category, category_text, basis, recorded_on "
                + "FROM wm_referral_consent WHERE referral_id = ?", referralId,
                r -> new ReferralConsent(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        r.getDate(5) == null ? null : r.getDate(5).toLocalDate()));
        return new Flags(flags, consent.isEmpty() ? null : consent.get(0));
    }

    /**
     * The categories of the flags in force on each of a caseload page's referrals, in one query for the page, so the
     * list shows at a glance who needs a safeguarding check or a reasonable adjustment before anyone phones them.
     * A flag is in force from its start (or always, without one) until its end.
     */
    public Map<String, Set<String>> inForce(Collection<String> referralIds) {
        if (referralIds.isEmpty()) {
            return Map.of();
        }
        Timestamp now = Timestamp.from(clock.instant());
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT referral_id, category FROM wm_referral_flag WHERE referral_id IN ("
                    + String.join(",", Collections.nCopies(referralIds.size(), "?")) + ") AND (starts_at IS NULL OR starts_at <= ?)"
                    + " AND (ends_at IS NULL OR ends_at > ?)")) {
                int i = 1;
                for (String id : referralIds) {
                    s.setString(i++, id);
                }
                s.setTimestamp(i++, now);
                s.setTimestamp(i, now);
                Map<String, Set<String>> categories = new HashMap<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        categories.computeIfAbsent(r.getString(1), id -> new TreeSet<>()).add(r.getString(2));
                    }
                }
                return categories;
            }
        });
    }

    /**
     * Records a link worker's safeguarding concern on the referral and tells the area's admins (console inbox) and its
     * safeguarding lead (where the area has given the lead an address). The message carries no personal data: the
     * lead opens the referral in the console, where the read is audited.
     */
    public FlagView raiseConcern(Caller caller, String referralId, String text) {
        Instant now = clock.instant();
        record Raised(Referral referral, FlagView flag) {
        }
        Raised raised = Jdbc.inTransaction(db, c -> {
            // The caller's scope first: an outsider learns nothing, not even whether their text would do.
            Referral r = VisibleReferrals.require(c, caller, referralId);
            String concern = VisibleReferrals.text(text, "text", 4000, true);
            ReferralFlag flag = new ReferralFlag(ReferralFlag.SAFEGUARDING, "Safeguarding concern", null, concern, now, null);
            String id = insert(c, r.id(), flag, "link-worker", caller.id(), now);
            String subject = "Safeguarding concern raised in " + r.area();
            String body = caller.id() + " raised a safeguarding concern on referral " + r.id() + " (" + r.area()
                    + "). Open it in the Waymark console to read it and act.";
            Map<String, String> data = Map.of("referralId", r.id(), "flagId", id, "link", "#/referrals/" + r.id(), "task", "true");
            notifier.notify(c, new Notification("safeguarding-" + id + "-admins", Party.team(AREA_ADMINS), r.area(),
                    "safeguarding-concern", subject, body, data));
            Party lead = safeguardingLead(r.area());
            if (!contacts.find(lead).addresses().isEmpty()) {
                notifier.notify(c, new Notification("safeguarding-" + id + "-lead", lead, r.area(), "safeguarding-concern",
                        subject, body, data));
            }
            return new Raised(r, new FlagView(id, flag.category(), flag.categoryText(), null, flag.text(), now, null, "link-worker",
                    caller.id(), now));
        });
        audit.record(caller, AuditLog.Action.CREATE, "Safeguarding", raised.referral().id() + "/safeguarding/" + raised.flag().id(),
                raised.referral().patientId());
        return raised.flag();
    }

    private static String insert(Connection c, String referralId, ReferralFlag flag, String source, String raisedBy, Instant now)
            throws SQLException {
        String id = RowIds.next();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral_flag (id, referral_id, category, category_text, code, "
                + "text, starts_at, ends_at, source, raised_by, raised_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            s.setString(1, id);
            s.setString(2, referralId);
            s.setString(3, PatientLinker.clip(flag.category(), 64));
            s.setString(4, PatientLinker.clip(flag.categoryText(), 300));
            s.setString(5, PatientLinker.clip(flag.code(), 300));
            s.setString(6, PatientLinker.clip(flag.text(), 4000));
            s.setTimestamp(7, flag.start() == null ? null : Timestamp.from(flag.start()));
            s.setTimestamp(8, flag.end() == null ? null : Timestamp.from(flag.end()));
            s.setString(9, source);
            s.setString(10, raisedBy);
            s.setTimestamp(11, Timestamp.from(now));
            s.executeUpdate();
        }
        return id;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
