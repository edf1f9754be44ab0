package org.waymark.platform.internal.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * OAuth2 access tokens for machine clients and console sessions for people. Both are random and stored only as
 * SHA-256 digests in the database, so a restart or another node honours them and a database leak does not. The
 * accounts revoke them when they change ({@link ClientAccounts}, {@link UserAccounts}); this service reads an account
 * only through their static finders, in its own transactions, so that it needs neither of them as a component.
 */
@Component(service = TokenService.class)
public final class TokenService {
    static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(1);
    static final Duration SESSION_IDLE = Duration.ofMinutes(30);
    static final Duration SESSION_MAX = Duration.ofHours(12);
    /** Sliding the idle deadline costs a write: do it at most this often per session. */
    private static final Duration IDLE_GRANULARITY = Duration.ofMinutes(1);

    private final DataSource db;
    private final Clock clock;
    /** Resolved access tokens, never past their own expiry; looking one up costs a transaction on every request. */
    private final RememberedCallers resolved;

    public record AccessToken(String value, long expiresInSeconds) {
    }

    public record Session(String id, String csrfToken, Caller caller) {
    }

    @Activate
    public TokenService(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                        @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, Clock.systemUTC());
    }

    TokenService(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.resolved = new RememberedCallers(clock);
    }

    public AccessToken issueAccessToken(Caller client) {
        String token = Secrets.newToken();
        Instant expires = clock.instant().plus(ACCESS_TOKEN_LIFETIME);
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO wm_access_token (token_hash, client_id, expires_at) VALUES (?,?,?)")) {
                s.setString(1, Secrets.sha256(token));
                s.setString(2, client.id());
                s.setTimestamp(3, Timestamp.from(expires));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_access_token WHERE expires_at < ?")) {
                s.setTimestamp(1, Timestamp.from(clock.instant().minus(Duration.ofMinutes(5))));
                s.executeUpdate();
            }
            return null;
        });
        return new AccessToken(token, ACCESS_TOKEN_LIFETIME.toSeconds());
    }

    public Optional<Caller> resolveAccessToken(String token) {
        if (token.length() > 200) {
            return Optional.empty();
        }
        String hash = Secrets.sha256(token);
        Instant now = clock.instant();
        Optional<Caller> remembered = resolved.find(hash);
        if (remembered.isPresent()) {
            return remembered;
        }
        record Found(Caller caller, Instant expires) {
        }
        // The token and its client in one transaction.
        Optional<Found> found = Jdbc.inTransaction(db, c -> {
            String clientId;
            Instant expires;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT client_id, expires_at FROM wm_access_token WHERE token_hash = ? AND expires_at > ?")) {
                s.setString(1, hash);
                s.setTimestamp(2, Timestamp.from(now));
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<Found>empty();
                    }
                    clientId = r.getString(1);
                    expires = r.getTimestamp(2).toInstant();
                }
            }
            return ClientAccounts.findClient(c, clientId).map(client -> new Found(client, expires));
        });
        if (found.isEmpty()) {
            resolved.forget(hash);
            return Optional.empty();
        }
        resolved.remember(hash, found.get().caller(), found.get().expires());
        return Optional.of(found.get().caller());
    }

    /** Deletes a client's access tokens in the caller's transaction (a new secret, disabled); then {@link #forgetResolved}. */
    void revokeAccessTokens(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_access_token WHERE client_id = ?")) {
            s.setString(1, clientId);
            s.executeUpdate();
        }
    }

    /** A client's tokens were revoked (new secret, disabled): none this node resolved before may stand. */
    void forgetResolved() {
        resolved.forgetAll();
    }

    public Session startSession(Caller user) {
        String id = Secrets.newToken();
        String csrf = Secrets.newToken();
        Instant now = clock.instant();
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO wm_session (session_hash, username, csrf_token, expires_at, idle_until) VALUES (?,?,?,?,?)")) {
                s.setString(1, Secrets.sha256(id));
                s.setString(2, user.id());
                s.setString(3, csrf);
                s.setTimestamp(4, Timestamp.from(now.plus(SESSION_MAX)));
                s.setTimestamp(5, Timestamp.from(now.plus(SESSION_IDLE)));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_session WHERE expires_at < ? OR idle_until < ?")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setTimestamp(2, Timestamp.from(now));
                s.executeUpdate();
            }
            return null;
        });
        return new Session(id, csrf, user);
    }

    public Optional<Session> resolveSession(String id) {
        if (id.length() > 200) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String hash = Secrets.sha256(id);
        record Row(String username, String csrf, Instant idleUntil) {
        }
        Optional<Row> row = Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT username, csrf_token, idle_until FROM wm_session WHERE session_hash = ? AND expires_at > ? AND idle_until > ?")) {
                s.setString(1, hash);
                s.setTimestamp(2, Timestamp.from(now));
                s.setTimestamp(3, Timestamp.from(now));
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(new Row(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant()))
                            : Optional.<Row>empty();
                }
            }
        });
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (row.get().idleUntil().isBefore(now.plus(SESSION_IDLE).minus(IDLE_GRANULARITY))) {
            Jdbc.inTransaction(db, c -> {
                try (PreparedStatement s = c.prepareStatement("UPDATE wm_session SET idle_until = ? WHERE session_hash = ?")) {
                    s.setTimestamp(1, Timestamp.from(now.plus(SESSION_IDLE)));
                    s.setString(2, hash);
                    return s.executeUpdate();
                }
            });
        }
        // A user disabled since signing in loses the session at once.
        return Jdbc.inTransaction(db, c -> UserAccounts.findUser(c, row.get().username()))
                .map(user -> new Session(id, row.get().csrf(), user));
    }

    /**
     * Ends a user's sessions in the caller's transaction (disabled, a new password): all of them, or all but one.
     *
     * @param keepSessionId the session to keep (the one that changed its own password), or null
     */
    int endSessionsOf(Connection c, String username, String keepSessionId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(keepSessionId == null ? "DELETE FROM wm_session WHERE username = ?"
                : "DELETE FROM wm_session WHERE username = ? AND session_hash <> ?")) {
            s.setString(1, username);
            if (keepSessionId != null) {
                s.setString(2, Secrets.sha256(keepSessionId));
            }
            return s.executeUpdate();
        }
    }

    public void endSession(String id) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_session WHERE session_hash = ?")) {
                s.setString(1, Secrets.sha256(id));
                return s.executeUpdate();
            }
        });
    }
}
