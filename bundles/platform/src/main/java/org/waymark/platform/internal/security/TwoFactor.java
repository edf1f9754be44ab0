package org.waymark.platform.internal.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.api.db.SchemaReady;

/**
 * Two-factor sign-in for staff with an authenticator app (TOTP). A secret is pending until the person proves their
 * app has it by entering a code; from then on sign-in needs password and code. Roles named in
 * {@code twoFactorRoles} (admins by default) cannot sign in to the console without it. Everything lives in the
 * database, so every node agrees, and the last step used is stored so a code signs in only once.
 */
@Component(service = TwoFactor.class, configurationPid = SecurityConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class TwoFactor {
    /** Basic requests are frequent; whether an account has two factors may be this old on another node. */
    private static final Duration ENROLLED_CACHE = Duration.ofSeconds(10);

    public enum Status { NONE, PENDING, ENROLLED }

    /** What a person needs to add Waymark to their authenticator app. */
    public record Enrolment(String secret, String keyUri, String qrSvgDataUri) {
    }

    private record Row(String secret, boolean confirmed, Long lastStep) {
    }

    private record Cached(boolean enrolled, Instant until) {
    }

    private final DataSource db;
    private final Clock clock;
    private final Set<String> requiredRoles;
    private final String issuer;
    private final Map<String, Cached> enrolledCache = new ConcurrentHashMap<>();

    @Activate
    public TwoFactor(SecurityConfig config, @Reference(target = "(dataSourceName=waymark)") DataSource db,
                     @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, Clock.systemUTC(), roles(config.twoFactorRoles()), config.twoFactorIssuer());
    }

    TwoFactor(DataSource db, Clock clock, Set<String> requiredRoles, String issuer) {
        this.db = db;
        this.clock = clock;
        this.requiredRoles = requiredRoles;
        this.issuer = issuer == null || issuer.isBlank() ? "Waymark" : issuer.strip();
    }

    static Set<String> roles(String list) {
        return list == null ? Set.of() : Arrays.stream(list.split(",")).map(String::strip).filter(r -> !r.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether this person may not sign in to the console with a password alone. */
    public boolean requiredFor(Caller caller) {
        return caller.roles().stream().anyMatch(requiredRoles::contains);
    }

    public Status status(String username) {
        return find(username).map(row -> row.confirmed() ? Status.ENROLLED : Status.PENDING).orElse(Status.NONE);
    }

    /** For every Basic request: answered from a short cache. */
    public boolean enrolled(String username) {
        Instant now = clock.instant();
        Cached cached = enrolledCache.get(username);
        if (cached == null || cached.until().isBefore(now)) {
            cached = new Cached(status(username) == Status.ENROLLED, now.plus(ENROLLED_CACHE));
            enrolledCache.put(username, cached);
        }
        return cached.enrolled();
    }

    /**
     * The pending secret of someone who is not enrolled yet, created on first ask and the same on every ask after,
     * so signing in twice does not invalidate the QR code already scanned.
     *
     * @throws IllegalStateException when the person is already enrolled
     */
    public Enrolment enrolment(String username) {
        String secret = Jdbc.inTransaction(db, c -> {
            Optional<Row> row = find(c, username);
            if (row.isPresent()) {
                if (row.get().confirmed()) {
                    throw new IllegalStateException("Already enrolled");
                }
                return row.get().secret();
            }
            String fresh = Totp.newSecret();
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO wm_two_factor (username, secret, confirmed, created_at) VALUES (?,?,?,?)")) {
                s.setString(1, username);
                s.setString(2, fresh);
                s.setBoolean(3, false);
                s.setTimestamp(4, Timestamp.from(clock.instant()));
                s.executeUpdate();
            }
            return fresh;
        });
        String uri = Totp.keyUri(issuer, username, secret);
        String svg = QrCodes.svg(uri);
        return new Enrolment(secret, uri,
                "data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Completes enrolment when the code comes from the pending secret; the code is then used up. */
    public boolean confirm(String username, String code) {
        boolean confirmed = Jdbc.inTransaction(db, c -> {
            Optional<Row> row = find(c, username);
            if (row.isEmpty() || row.get().confirmed()) {
                return false;
            }
            OptionalLong step = Totp.matchingStep(row.get().secret(), code, clock.instant());
            if (step.isEmpty()) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE wm_two_factor SET confirmed = ?, last_step = ?, confirmed_at = ? WHERE username = ? AND confirmed = ?")) {
                s.setBoolean(1, true);
                s.setLong(2, step.getAsLong());
                s.setTimestamp(3, Timestamp.from(clock.instant()));
                s.setString(4, username);
                s.setBoolean(5, false);
                return s.executeUpdate() == 1;
            }
        });
        enrolledCache.remove(username);
        return confirmed;
    }

    /** Console sign-in: the code must be right and newer than the last one used, so a code seen over a shoulder is spent. */
    public boolean verifyOnce(String username, String code) {
        return Jdbc.inTransaction(db, c -> {
            Optional<Row> row = find(c, username);
            if (row.isEmpty() || !row.get().confirmed()) {
                return false;
            }
            OptionalLong step = Totp.matchingStep(row.get().secret(), code, clock.instant());
            if (step.isEmpty()) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE wm_two_factor SET last_step = ? WHERE username = ? AND (last_step IS NULL OR last_step < ?)")) {
                s.setLong(1, step.getAsLong());
                s.setString(2, username);
                s.setLong(3, step.getAsLong());
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * HTTP Basic from scripts: the code must be right, but may be sent again within its 30 seconds, because a script
     * makes many requests with the same header (as GitHub's X-GitHub-OTP does).
     */
    public boolean verify(String username, String code) {
        return find(username).filter(Row::confirmed)
                .map(row -> Totp.matchingStep(row.secret(), code, clock.instant()).isPresent()).orElse(false);
    }

    /** For a lost phone: the person enrols again at their next sign-in. */
    public boolean reset(String username) {
        boolean removed = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_two_factor WHERE username = ?")) {
                s.setString(1, username);
                return s.executeUpdate() > 0;
            }
        });
        enrolledCache.remove(username);
        return removed;
    }

    private Optional<Row> find(String username) {
        return Jdbc.inTransaction(db, c -> find(c, username));
    }

    private static Optional<Row> find(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT secret, confirmed, last_step FROM wm_two_factor WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                long last = r.getLong(3);
                return Optional.of(new Row(r.getString(1), r.getBoolean(2), r.wasNull() ? null : last));
            }
        }
    }
}
