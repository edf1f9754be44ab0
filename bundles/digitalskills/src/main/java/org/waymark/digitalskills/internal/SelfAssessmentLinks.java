package org.waymark.digitalskills.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Notifier;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * One-time links with which a person assesses their own digital skills, on their phone or any browser. Only a SHA-256
 * digest of the token is stored; a link works once, for {@link #LIFETIME}.
 */
@Component(service = SelfAssessmentLinks.class)
public final class SelfAssessmentLinks {
    static final Duration LIFETIME = Duration.ofDays(14);
    private static final SecureRandom RANDOM = new SecureRandom();

    record Created(String token, Instant expiresAt, boolean sent) {
    }

    private final DataSource db;
    private final ReferralService referrals;
    private final Assessments assessments;
    private final Notifier notifier;
    private final AuditLog audit;
    private final Clock clock;

    @Activate
    public SelfAssessmentLinks(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                               @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.digitalskills)") SchemaReady schema,
                               @Reference ReferralService referrals, @Reference Assessments assessments,
                               @Reference Notifier notifier, @Reference AuditLog audit) {
        this(db, referrals, assessments, notifier, audit, Clock.systemUTC());
    }

    SelfAssessmentLinks(DataSource db, ReferralService referrals, Assessments assessments, Notifier notifier, AuditLog audit,
                        Clock clock) {
        this.db = db;
        this.referrals = referrals;
        this.assessments = assessments;
        this.notifier = notifier;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Makes a link for the referral's person, while the referral is open.
     *
     * @param send also send it to the person through the outbox (their preferred channel)
     * @param base the public base of links, e.g. {@code https://waymark.example/api/digital-skills-links/}
     */
    Created create(Caller caller, String referralId, boolean send, String base) {
        Referral referral = ClosedReferrals.requireOpen(referrals.find(caller, referralId)
                .orElseThrow(() -> WaymarkException.notFound("No referral with this id")));
        String token = token();
        Instant now = clock.instant();
        Instant expires = now.plus(LIFETIME);
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_link (token_digest, referral_id, patient_id, area,"
                    + " created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, digest(token));
                insert.setString(2, referral.id());
                insert.setString(3, referral.patientId());
                insert.setString(4, referral.area());
                insert.setString(5, caller.id());
                insert.setTimestamp(6, Timestamp.from(now));
                insert.setTimestamp(7, Timestamp.from(expires));
                insert.executeUpdate();
            }
            if (send) {
                notifier.notify(c, new Notification("digital-skills-link-" + digest(token).substring(0, 32),
                        Party.person(referral.patientId()), referral.area(), "digital-skills.self-assessment",
                        "What can you do online?",
                        "Your link worker would like to know what you can already do online, so that you can choose what to"
                                + " learn next together. It takes about five minutes. Open this link on your phone or"
                                + " computer: " + base + token + " . The link works once, until "
                                + Schedule.spoken(Schedule.today(expires)) + ".",
                        // The link is the person's credential: the outbox drops it from its copy once sent.
                        Map.of("referralId", referral.id(), Notification.ONE_TIME_LINK, base + token)));
            }
            audit.record(c, caller, AuditLog.Action.CREATE, "DigitalSkillsLink", referral.id(), referral.patientId());
            return null;
        });
        return new Created(token, expires, send);
    }

    /** Where a live link belongs; empty when the token is unknown, used or expired, or its referral has closed. */
    Optional<Assessments.Subject> live(String token) {
        if (token == null || token.length() < 20 || token.length() > 100) {
            return Optional.empty();
        }
        Optional<Assessments.Subject> subject = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT referral_id, patient_id, area, expires_at, used_at FROM ds_link"
                    + " WHERE token_digest = ?")) {
                select.setString(1, digest(token));
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next() || rows.getTimestamp(5) != null || rows.getTimestamp(4).toInstant().isBefore(clock.instant())) {
                        return Optional.empty();
                    }
                    return Optional.of(new Assessments.Subject(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
        });
        return subject.filter(s -> referrals.find(ClosedReferrals.systemIn(s.area(), "digital-skills-link"), s.referralId())
                .filter(r -> !r.status().isClosed()).isPresent());
    }

    /** Records the person's answers and uses up the link, in one transaction. */
    Assessments.Assessment answer(String token, Map<String, String> answers) {
        Assessments.Subject subject = live(token).orElseThrow(() -> WaymarkException.notFound(
                "This link has been used already or has expired. Please ask your link worker for a new one."));
        String digest = digest(token);
        return assessments.recordSelf(subject, answers, c -> {
            try (PreparedStatement use = c.prepareStatement("UPDATE ds_link SET used_at = ? WHERE token_digest = ? AND used_at IS NULL")) {
                use.setTimestamp(1, Timestamp.from(clock.instant()));
                use.setString(2, digest);
                if (use.executeUpdate() != 1) {
                    throw WaymarkException.conflict("This link has been used already.");
                }
            }
            return null;
        });
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
}
