package org.waymark.platform.internal.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * Lockout after repeated failed sign-ins, for the token endpoint, the console login and HTTP Basic. Failures are
 * counted in the database per user or client and per remote address, so every node sees the same counts; after too
 * many within the window the subject is refused (429 with Retry-After) for a period, whatever it sends. A success
 * clears its user's or client's count. Successful callers pay one indexed read and no write.
 */
@Component(service = LoginGuard.class, configurationPid = SecurityConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class LoginGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);

    /** A sign-in attempt: {@code kind} is {@code user} or {@code client}; the address may be unknown (null). */
    public record Attempt(String kind, String name, String address) {
        String nameSubject() {
            return kind + ":" + truncate(name);
        }

        String addressSubject() {
            return address == null ? null : "address:" + truncate(address);
        }

        private static String truncate(String value) {
            return value.length() > 150 ? value.substring(0, 150) : value;
        }
    }

    /** The state of an attempt before its credentials are checked. */
    public record Check(Duration lockedFor, boolean hadFailures) {
        public boolean locked() {
            return lockedFor != null;
        }

        /** Seconds for Retry-After, at least one. */
        public long retryAfterSeconds() {
            return Math.max(1, (lockedFor.toMillis() + 999) / 1000);
        }
    }

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;
    private final int nameLimit;
    private final int addressLimit;
    private final Duration window;
    private final Duration lockout;

    @Activate
    public LoginGuard(SecurityConfig config, @Reference(target = "(dataSourceName=waymark)") DataSource db,
                      @Reference AuditLog audit, @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, audit, Clock.systemUTC(), config.lockoutFailures(), config.lockoutAddressFailures(),
                Duration.ofSeconds(config.lockoutWindowSeconds()), Duration.ofSeconds(config.lockoutSeconds()));
    }

    LoginGuard(DataSource db, AuditLog audit, Clock clock, int nameLimit, int addressLimit, Duration window, Duration lockout) {
        if (nameLimit < 1 || addressLimit < 1 || window.isNegative() || window.isZero() || lockout.isNegative() || lockout.isZero()) {
            throw new IllegalArgumentException("Lockout limits, window and period must be positive");
        }
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.nameLimit = nameLimit;
        this.addressLimit = addressLimit;
        this.window = window;
        this.lockout = lockout;
    }

    public Check check(Attempt attempt) {
        Instant now = clock.instant();
        return Jdbc.inTransaction(db, c -> {
            Duration locked = null;
            boolean hadFailures = false;
            String sql = attempt.address() == null
                    ? "SELECT subject, failures, locked_until FROM wm_login_failure WHERE subject = ?"
                    : "SELECT subject, failures, locked_until FROM wm_login_failure WHERE subject IN (?, ?)";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, attempt.nameSubject());
                if (attempt.address() != null) {
                    s.setString(2, attempt.addressSubject());
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Timestamp until = r.getTimestamp(3);
                        if (until != null && until.toInstant().isAfter(now)) {
                            Duration left = Duration.between(now, until.toInstant());
                            locked = locked == null || left.compareTo(locked) > 0 ? left : locked;
                        }
                        if (r.getString(1).equals(attempt.nameSubject())) {
                            hadFailures = true;
                        }
                    }
                }
            }
            return new Check(locked, hadFailures);
        });
    }

    /** Counts a failure against the user or client and the address; locks either when it reaches its limit. */
    public void failed(Attempt attempt) {
        count(attempt, attempt.nameSubject(), nameLimit);
        if (attempt.address() != null) {
            count(attempt, attempt.addressSubject(), addressLimit);
        }
    }

    /** A successful sign-in clears the user's or client's failures (not the address's: others may share it). */
    public void succeeded(Attempt attempt, Check before) {
        if (!before.hadFailures()) {
            return;
        }
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_login_failure WHERE subject = ?")) {
                s.setString(1, attempt.nameSubject());
                return s.executeUpdate();
            }
        });
    }

    private void count(Attempt attempt, String subject, int limit) {
        Instant now = clock.instant();
        Boolean counted = Jdbc.inTransaction(db, c -> increment(c, subject, now) == 0 ? null : lockIfOverLimit(c, subject, limit, now));
        boolean lockedNow = counted == Boolean.TRUE;
        if (counted == null) {
            // No row yet: insert one in its own transaction; a concurrent insert on another node wins the race and
            // this failure is counted on its row instead.
            try {
                Boolean inserted = Jdbc.inTransaction(db, c -> {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO wm_login_failure (subject, failures, window_start) VALUES (?, 1, ?)")) {
                        s.setString(1, subject);
                        s.setTimestamp(2, Timestamp.from(now));
                        return s.executeUpdate() == 1 ? lockIfOverLimit(c, subject, limit, now) : null;
                    }
                });
                lockedNow = inserted == Boolean.TRUE;
            } catch (Jdbc.DatabaseUnavailableException e) {
                if (!(e.getCause() instanceof SQLException sql) || sql.getSQLState() == null || !sql.getSQLState().startsWith("23")) {
                    throw e;
                }
                lockedNow = Jdbc.inTransaction(db, c -> increment(c, subject, now) == 1 && lockIfOverLimit(c, subject, limit, now));
            }
        }
        if (lockedNow) {
            LOG.warn("Sign-in lockout: a {} reached {} failed attempts and is refused for {} s",
                    subject.startsWith("address:") ? "remote address" : attempt.kind(), limit, lockout.toSeconds());
            audit.record(new Caller(attempt.name(), attempt.kind().equals("client") ? Caller.Kind.CLIENT : Caller.Kind.USER,
                    Set.of(), Set.of(), false), AuditLog.Action.LOGIN_FAILED, "Lockout",
                    subject + " locked for " + lockout.toSeconds() + " s", null);
        }
    }

    /** @return rows updated: 0 when the subject has no row yet */
    private int increment(Connection c, String subject, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE wm_login_failure SET "
                + "failures = CASE WHEN window_start < CAST(? AS TIMESTAMP) THEN 1 ELSE failures + 1 END, "
                + "window_start = CASE WHEN window_start < CAST(? AS TIMESTAMP) THEN CAST(? AS TIMESTAMP) ELSE window_start END "
                + "WHERE subject = ?")) {
            Timestamp windowOpen = Timestamp.from(now.minus(window));
            s.setTimestamp(1, windowOpen);
            s.setTimestamp(2, windowOpen);
            s.setTimestamp(3, Timestamp.from(now));
            s.setString(4, subject);
            return s.executeUpdate();
        }
    }

    /** @return whether this failure locked the subject (it was not locked already) */
    private Boolean lockIfOverLimit(Connection c, String subject, int limit, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE wm_login_failure SET locked_until = ?, failures = 0, window_start = ? "
                + "WHERE subject = ? AND failures >= ? AND (locked_until IS NULL OR locked_until < ?)")) {
            s.setTimestamp(1, Timestamp.from(now.plus(lockout)));
            s.setTimestamp(2, Timestamp.from(now));
            s.setString(3, subject);
            s.setInt(4, limit);
            s.setTimestamp(5, Timestamp.from(now));
            return s.executeUpdate() == 1;
        }
    }
}
