package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * Signposting and onward referral from a referral to a directory service. A signpost records that the person was told
 * about a service (no referral sent), so that the invisible work is counted. An onward referral needs the person's
 * consent, is a sub-Task ({@code partOf} the referral's Task) and is answered by the provider (accepted, declined with a
 * reason, attended, did not attend) through a one-time link sent through the outbox, or recorded by staff. Nothing is
 * signposted or referred onward from a closed referral (its data is not shared any more); the provider's answers to
 * onward referrals made before it closed are still taken.
 */
@Component(service = OnwardReferrals.class)
public final class OnwardReferrals {
    static final Duration LINK_LIFETIME = Duration.ofDays(60);
    /** The provider's answers and the FHIR Task status each gives the sub-Task. */
    static final Map<String, String> TASK_STATUS = Map.of("requested", "requested", "accepted", "accepted",
            "declined", "rejected", "attended", "completed", "did-not-attend", "failed");
    private static final Set<String> FINAL = Set.of("declined", "attended", "did-not-attend");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Directory statuses of a service that no longer runs (HSDS: {@code defunct} is closed for good). */
    static final java.util.Set<String> CLOSED_STATUSES = java.util.Set.of("defunct", "inactive");
    /** The longest note a signpost or an onward referral keeps (the console's field stops there too). */
    static final int MAX_NOTE = 1000;
    /** The longest reason a provider's answer keeps (the answer page's field stops there too). */
    static final int MAX_REASON = 500;
    private final DataSource db;
    private final Directory directory;
    private final ReferralService referrals;
    private final Notifier notifier;
    private final ContactBook contacts;
    private final AuditLog audit;
    private final Clock clock;

    record OnwardReferral(String id, String referralId, String partOfTaskId, String serviceId, String serviceName,
                          String status, String taskStatus, String statusReason, String note, String createdBy,
                          Instant createdAt, String answeredBy, Instant answeredAt, long version) {
    }

    record Created(OnwardReferral referral, String token) {
    }

    record Signpost(String id, String referralId, String serviceId, String serviceName, String note, String createdBy,
                    Instant createdAt) {
    }

    @Activate
    public OnwardReferrals(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                           @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.directory)") SchemaReady schema,
                           @Reference Directory directory, @Reference ReferralService referrals, @Reference Notifier notifier,
                           @Reference ContactBook contacts, @Reference AuditLog audit) {
        this(db, directory, referrals, notifier, contacts, audit, Clock.systemUTC());
    }

    OnwardReferrals(DataSource db, Directory directory, ReferralService referrals, Notifier notifier, ContactBook contacts,
                    AuditLog audit, Clock clock) {
        this.db = db;
        this.directory = directory;
        this.referrals = referrals;
        this.notifier = notifier;
        this.contacts = contacts;
        this.audit = audit;
        this.clock = clock;
    }

    Signpost signpost(Caller caller, String referralId, String serviceId, String note) {
        Referral referral = open(referral(caller, referralId));
        String kept = note(note);
        ObjectNode service = service(serviceId);
        Signpost signpost = new Signpost(RowIds.next(), referral.id(), serviceId, service.path("name").asText(),
                kept, caller.id(), clock.instant());
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dir_signpost (id, referral_id, service_id, area, note,"
                    + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, signpost.id());
                insert.setString(2, referral.id());
                insert.setString(3, serviceId);
                insert.setString(4, referral.area());
                insert.setString(5, signpost.note());
                insert.setString(6, caller.id());
                insert.setTimestamp(7, Timestamp.from(signpost.createdAt()));
                insert.executeUpdate();
            }
            return null;
        });
        audit.record(caller, AuditLog.Action.CREATE, "Signpost", signpost.id(), referral.patientId());
        return signpost;
    }

    List<Signpost> signposts(Caller caller, String referralId) {
        Referral referral = referral(caller, referralId);
        Catalog catalog = directory.catalog();
        return Jdbc.inTransaction(db, c -> {
            List<Signpost> list = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id, service_id, note, created_by, created_at FROM dir_signpost"
                    + " WHERE referral_id = ? ORDER BY created_at, id")) {
                select.setString(1, referral.id());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        list.add(new Signpost(rows.getString(1), referral.id(), rows.getString(2),
                                serviceName(catalog, rows.getString(2)), rows.getString(3), rows.getString(4),
                                rows.getTimestamp(5).toInstant()));
                    }
                }
            }
            return list;
        });
    }

    /** Refers the person onward; the provider is sent a one-time link to answer, whose token is returned once. */
    Created refer(Caller caller, String referralId, String serviceId, boolean consent, String note, String answerBaseUrl) {
        // Consent last: a link worker asked to record it for a closed referral or a closed service only met the 409
        // after recording it (found probing).
        Referral referral = open(referral(caller, referralId));
        String kept = note(note);
        ObjectNode service = service(serviceId);
        if (!consent) {
            throw WaymarkException.unprocessable("Record the person's consent to share their referral with the service first");
        }
        Instant now = clock.instant();
        String id = RowIds.next();
        String token = token();
        String serviceName = service.path("name").asText();
        refuseIfOpen(referral.id(), serviceId, serviceName);
        Party provider = ServiceContact.party(serviceId);
        // The directory's own email for the service, as it is now, is where its referrals go until someone sets another.
        ServiceContact.follow(contacts, db, caller, serviceId, service);
        String link = answerBaseUrl + token;
        try {
            Jdbc.inTransaction(db, c -> {
                // open_for is unique: two link workers (or two clicks) on two nodes cannot both refer the person to
                // the service; the check above only spares the usual case the provider's contact lookup.
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO dir_onward_referral (id, referral_id, part_of_task_id,"
                        + " service_id, area, status, note, consent_recorded_by, consent_recorded_at, token_digest, token_expires_at,"
                        + " version, created_by, created_at, open_for) VALUES (?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?, ?, 1, ?, ?, ?)")) {
                    insert.setString(1, id);
                    insert.setString(2, referral.id());
                    insert.setString(3, referral.taskId());
                    insert.setString(4, serviceId);
                    insert.setString(5, referral.area());
                    insert.setString(6, kept);
                    insert.setString(7, caller.id());
                    insert.setTimestamp(8, Timestamp.from(now));
                    insert.setString(9, digest(token));
                    insert.setTimestamp(10, Timestamp.from(now.plus(LINK_LIFETIME)));
                    insert.setString(11, caller.id());
                    insert.setTimestamp(12, Timestamp.from(now));
                    insert.setString(13, openFor(referral.id(), serviceId));
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (Jdbc.isUniqueViolation(e)) {
                        throw new ReferredMeanwhile();
                    }
                    throw e;
                }
                // In the same transaction: the provider hears of it at least once, or not at all if this fails.
                notifier.notify(c, new Notification("onward-referral-" + id, provider, referral.area(), "onward-referral",
                        "New referral to " + service.path("name").asText(),
                        "A link worker has referred someone to " + service.path("name").asText()
                                + ". Please tell us whether you can accept them, and later whether they attended: " + link,
                        Map.of("onwardReferralId", id, "link", link, Notification.ONE_TIME_LINK, link)));
                return null;
            });
        } catch (ReferredMeanwhile e) {
            refuseIfOpen(referral.id(), serviceId, serviceName);
            throw WaymarkException.conflict("Someone referred this person to " + serviceName + " at the same moment; reload and check");
        }
        audit.record(caller, AuditLog.Action.CREATE, "OnwardReferral", id, referral.patientId());
        return new Created(find(id).orElseThrow(), token);
    }

    /** Another onward referral of the person to the service, still open, was stored since the check before the insert. */
    private static final class ReferredMeanwhile extends RuntimeException {
        ReferredMeanwhile() {
            super(null, null, false, false);
        }
    }

    /** What keeps one onward referral of a person to a service open at a time; null once it is answered for good. */
    private static String openFor(String referralId, String serviceId) {
        return referralId + "|" + serviceId;
    }

    /**
     * Refuses a second onward referral of the person to a service that has not answered the first, or has accepted
     * it. Found probing: the provider was sent a second message about the person, with a second link to answer.
     */
    private void refuseIfOpen(String referralId, String serviceId, String serviceName) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement open = c.prepareStatement("SELECT id, status FROM dir_onward_referral"
                    + " WHERE referral_id = ? AND service_id = ? AND status IN ('requested', 'accepted')")) {
                open.setString(1, referralId);
                open.setString(2, serviceId);
                try (ResultSet rows = open.executeQuery()) {
                    if (rows.next()) {
                        throw WaymarkException.conflict("This person is already referred to " + serviceName + " (onward referral "
                                + rows.getString(1) + ", " + rows.getString(2) + "): wait for the service's answer, or record"
                                + " it, before referring them again");
                    }
                }
            }
            return null;
        });
    }

    List<OnwardReferral> list(Caller caller, String referralId) {
        Referral referral = referral(caller, referralId);
        return ofReferral(referral.id());
    }

    /** With no caller scope: for callers that have read the referral through the referral service already. */
    List<OnwardReferral> ofReferral(String referralId) {
        return query("WHERE referral_id = ? ORDER BY created_at, id", referralId);
    }

    /**
     * What the provider's link shows: the onward referral while the link is live; empty once it has a final answer
     * (the link works until then), so the page shows nothing of it, the link worker's note included.
     */
    Optional<OnwardReferral> byToken(String token) {
        OnwardReferral current = live(token);
        if (FINAL.contains(current.status())) {
            return Optional.empty();
        }
        // The page shows the link worker's note about the person: a read of their data like any other.
        Caller link = linkCaller(current.id());
        audit.record(link, AuditLog.Action.READ, "OnwardReferral", current.id(), patientOf(link, current));
        return Optional.of(current);
    }

    /**
     * The provider's answer through the one-time link; the link works until a final answer or its expiry. Audited
     * as the link's, with the person it is about (found probing: a provider's answer left no audit entry at all).
     */
    OnwardReferral answerByLink(String token, String outcome, String reason) {
        OnwardReferral current = live(token);
        OnwardReferral answered = answer(current, outcome, reason, "provider-link");
        Caller link = linkCaller(current.id());
        audit.record(link, AuditLog.Action.UPDATE, "OnwardReferral", answered.id(), patientOf(link, current));
        return answered;
    }

    /**
     * Staff record the provider's answer (given by phone, say). Audited with the person it is about (found probing:
     * the entry named no one, so it was missing from the person's audit trail and subject access export).
     */
    OnwardReferral answerByStaff(Caller caller, String onwardReferralId, String outcome, String reason) {
        OnwardReferral current = find(onwardReferralId).orElseThrow(() -> WaymarkException.notFound("No onward referral with this id"));
        Referral referral = referral(caller, current.referralId());
        OnwardReferral answered = answer(current, outcome, reason, caller.id());
        audit.record(caller, AuditLog.Action.UPDATE, "OnwardReferral", answered.id(), referral.patientId());
        return answered;
    }

    /** The provider holding a link: no user, so a system caller of the onward referral's area alone. */
    private Caller linkCaller(String onwardReferralId) {
        String area = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT area FROM dir_onward_referral WHERE id = ?")) {
                select.setString(1, onwardReferralId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        });
        return new Caller("system:provider-link", Caller.Kind.USER, Set.of(Roles.ADMIN), area == null ? Set.of() : Set.of(area), false);
    }

    private String patientOf(Caller link, OnwardReferral onwardReferral) {
        return referrals.find(link, onwardReferral.referralId()).map(Referral::patientId).orElse(null);
    }

    private OnwardReferral answer(OnwardReferral current, String outcome, String reason, String by) {
        if (outcome == null || !TASK_STATUS.containsKey(outcome) || outcome.equals("requested")) {
            throw WaymarkException.invalid("outcome must be accepted, declined, attended or did-not-attend");
        }
        if (outcome.equals("declined") && (reason == null || reason.isBlank())) {
            throw WaymarkException.invalid("Please give a reason when declining");
        }
        // Kept whole or refused, never cut (found probing: a longer reason sent as JSON was kept as its first 500
        // characters without a word; the page's field stops at 500).
        if (reason != null && reason.strip().length() > MAX_REASON) {
            throw WaymarkException.invalid("reason must be at most " + MAX_REASON + " characters (it has " + reason.strip().length() + ")");
        }
        if (FINAL.contains(current.status())) {
            throw WaymarkException.conflict("This referral was already answered: " + current.status());
        }
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE dir_onward_referral SET status = ?, status_reason = ?,"
                    + " answered_by = ?, answered_at = ?, version = version + 1, open_for = ? WHERE id = ? AND status = ?")) {
                update.setString(1, outcome);
                update.setString(2, trim(reason, MAX_REASON));
                update.setString(3, by);
                update.setTimestamp(4, Timestamp.from(clock.instant()));
                update.setString(5, FINAL.contains(outcome) ? null : openFor(current.referralId(), current.serviceId()));
                update.setString(6, current.id());
                update.setString(7, current.status());
                if (update.executeUpdate() != 1) {
                    throw WaymarkException.conflict("This referral was answered meanwhile; reload and try again");
                }
            }
            return null;
        });
        return find(current.id()).orElseThrow();
    }

    private OnwardReferral live(String token) {
        if (token == null || token.length() < 20 || token.length() > 100) {
            throw WaymarkException.notFound("This link is not valid");
        }
        String digest = digest(token);
        Instant[] expires = new Instant[1];
        List<OnwardReferral> found = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT id, token_expires_at FROM dir_onward_referral WHERE token_digest = ?")) {
                select.setString(1, digest);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return List.of();
                    }
                    expires[0] = rows.getTimestamp(2).toInstant();
                    return List.of(findIn(c, rows.getString(1)).orElseThrow());
                }
            }
        });
        if (found.isEmpty()) {
            throw WaymarkException.notFound("This link is not valid");
        }
        if (expires[0].isBefore(clock.instant())) {
            throw WaymarkException.notFound("This link has expired; please contact the link worker");
        }
        return found.get(0);
    }

    Optional<OnwardReferral> find(String id) {
        return Jdbc.inTransaction(db, c -> findIn(c, id));
    }

    private Optional<OnwardReferral> findIn(Connection c, String id) throws SQLException {
        List<OnwardReferral> found = query(c, "WHERE id = ?", id);
        return found.stream().findFirst();
    }

    private List<OnwardReferral> query(String where, String value) {
        return Jdbc.inTransaction(db, c -> query(c, where, value));
    }

    private List<OnwardReferral> query(Connection c, String where, String value) throws SQLException {
        Catalog catalog = directory.catalog();
        List<OnwardReferral> list = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, referral_id, part_of_task_id, service_id, status,"
                + " status_reason, note, created_by, created_at, answered_by, answered_at, version FROM dir_onward_referral "
                + where)) {
            select.setString(1, value);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Timestamp answered = rows.getTimestamp(11);
                    list.add(new OnwardReferral(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            serviceName(catalog, rows.getString(4)), rows.getString(5), TASK_STATUS.get(rows.getString(5)),
                            rows.getString(6), rows.getString(7), rows.getString(8), rows.getTimestamp(9).toInstant(),
                            rows.getString(10), answered == null ? null : answered.toInstant(), rows.getLong(12)));
                }
            }
        }
        return list;
    }

    private Referral referral(Caller caller, String referralId) {
        return referrals.find(caller, referralId).orElseThrow(() -> WaymarkException.notFound("No referral with this id"));
    }

    /** As assignment does: a closed referral is refused (409), so its person's data goes nowhere new. */
    private static Referral open(Referral referral) {
        if (referral.status().isClosed()) {
            throw WaymarkException.conflict("A " + referral.status().code()
                    + " referral is closed: nothing is signposted or referred onward from it any more");
        }
        return referral;
    }

    /**
     * The service to signpost or refer to, which must still be running. Found probing: a service marked
     * {@code defunct} (closed for good) took an onward referral, and its old address was sent the link worker's note
     * about the person. {@code inactive} is refused alike; {@code temporarily closed} is not, as full and waiting-list
     * services are not: the person may wait for it, and the console warns.
     */
    private ObjectNode service(String serviceId) {
        if (serviceId == null || serviceId.isBlank()) {
            throw WaymarkException.invalid("serviceId is required");
        }
        ObjectNode service = directory.catalog().get(Kind.SERVICE, serviceId)
                .orElseThrow(() -> WaymarkException.unprocessable("No directory service with this id"));
        String status = service.path("status").asText("");
        if (CLOSED_STATUSES.contains(status)) {
            throw WaymarkException.conflict("This service is " + status + " in the directory: it takes no one. Choose another"
                    + " service, or correct its status if it is running.");
        }
        return service;
    }

    private static String serviceName(Catalog catalog, String serviceId) {
        return catalog.get(Kind.SERVICE, serviceId).map(s -> s.path("name").asText()).orElse("(service no longer listed)");
    }

    /**
     * The link worker's note as it will be kept and sent, or a 400 when it is longer than a note may be. Found probing:
     * a longer note was cut at 1,000 characters without a word, and the provider was sent the first part of it as if
     * whole (the console stops at 1,000; the API did not say).
     */
    static String note(String note) {
        if (note != null && note.strip().length() > MAX_NOTE) {
            throw WaymarkException.invalid("note must be at most " + MAX_NOTE + " characters (it has " + note.strip().length() + ")");
        }
        return trim(note, MAX_NOTE);
    }

    private static String trim(String text, int max) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String stripped = text.strip();
        return stripped.length() > max ? stripped.substring(0, max) : stripped;
    }

    static String token() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> json(OnwardReferral r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", r.id());
        json.put("referralId", r.referralId());
        json.put("serviceId", r.serviceId());
        json.put("serviceName", r.serviceName());
        json.put("status", r.status());
        json.put("statusReason", r.statusReason());
        json.put("note", r.note());
        json.put("task", Map.of("id", r.id(), "partOf", "Task/" + r.partOfTaskId(), "status", r.taskStatus()));
        json.put("createdBy", r.createdBy());
        json.put("createdAt", r.createdAt().toString());
        json.put("answeredBy", r.answeredBy());
        json.put("answeredAt", r.answeredAt() == null ? null : r.answeredAt().toString());
        return json;
    }
}
