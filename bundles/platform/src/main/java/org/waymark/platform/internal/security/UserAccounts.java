package org.waymark.platform.internal.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.StaffDirectory;
import org.waymark.platform.db.Jdbc;

/** The console's users: their hashed passwords, roles and areas, and whether they may sign in. */
@Component(service = {UserAccounts.class, StaffDirectory.class})
public final class UserAccounts implements StaffDirectory {
    private static final int MIN_PASSWORD = 10;
    private static final int MAX_PASSWORD_BYTES = 72;

    private final DataSource db;
    private final TokenService tokens;
    private final Clock clock;
    private final Credentials credentials;

    public record NewUser(String username, String password, Set<String> roles, Set<String> areas) {
    }

    /** A console user as an admin sees them. */
    public record UserAccount(Caller caller, boolean enabled, Instant created) {
    }

    @Activate
    public UserAccounts(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference TokenService tokens,
                        @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, tokens, Clock.systemUTC());
    }

    UserAccounts(DataSource db, TokenService tokens, Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.clock = clock;
        this.credentials = new Credentials(clock);
    }

    public void createUser(NewUser user) {
        Credentials.requireName(user.username(), "User names");
        requirePasswordLength(user.password());
        if (user.roles().isEmpty() || !Roles.USER_ROLES.containsAll(user.roles())) {
            throw WaymarkException.invalid("Roles are " + String.join(", ", Roles.USER_ROLES));
        }
        // Found probing: "--area ''" made a user of no area, whom no admin's user list shows.
        if (user.areas().isEmpty()) {
            throw WaymarkException.invalid("A user needs at least one area");
        }
        user.areas().forEach(Credentials::requireAreaName);
        insertUser(user);
    }

    /**
     * bcrypt reads only the first 72 bytes of a password: a longer one would be accepted with any ending (found
     * probing: 72 letters and "X" matched 72 letters and "Y"), so it is refused rather than silently shortened.
     */
    private static void requirePasswordLength(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            throw WaymarkException.invalid("Passwords have at least " + MIN_PASSWORD + " characters");
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw WaymarkException.invalid("Passwords have at most " + MAX_PASSWORD_BYTES
                    + " bytes (72 letters without accents; fewer with accents or other scripts)");
        }
    }

    /** The contract's demo users, whose passwords are shorter than real ones may be. */
    public void createDemoUser(NewUser user) {
        insertUser(user);
    }

    private void insertUser(NewUser user) {
        String hash = PasswordHashing.hash(user.password());
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO wm_user (username, password_hash, roles, areas, enabled, created_at) VALUES (?,?,?,?,?,?)")) {
                s.setString(1, user.username());
                s.setString(2, hash);
                s.setString(3, String.join(",", user.roles()));
                s.setString(4, String.join(",", user.areas()));
                s.setBoolean(5, true);
                s.setTimestamp(6, Timestamp.from(clock.instant()));
                s.executeUpdate();
            } catch (SQLException e) {
                if (Jdbc.isUniqueViolation(e)) {
                    throw WaymarkException.conflict("A user with that name exists");
                }
                throw e;
            }
            return null;
        });
    }

    public boolean hasUsers() {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM wm_user"); ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) > 0;
            }
        });
    }

    public Optional<Caller> verifyUser(String username, String password) {
        return credentials.verify(username, password, () -> Jdbc.inTransaction(db, c -> findUserHash(c, username)));
    }

    /**
     * A user whose password was checked within the last minute, from memory only: HTTP Basic's hot path, which needs
     * neither bcrypt nor the lockout's database read for a credential already proven right.
     */
    public Optional<Caller> rememberedUser(String username, String password) {
        return credentials.remembered(username, password);
    }

    @Override
    public Optional<Caller> findStaff(String username) {
        return username == null ? Optional.empty() : findUser(username);
    }

    @Override
    public List<Caller> staffOf(String area) {
        if (area == null) {
            return List.of();
        }
        return users().stream().filter(u -> u.enabled() && u.caller().areas().contains(area)).map(UserAccount::caller).toList();
    }

    /** The areas of a user, enabled or not; empty when there is no such user. */
    public Optional<Set<String>> areasOfUser(String username) {
        return username == null ? Optional.empty() : Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT areas FROM wm_user WHERE username = ?")) {
                s.setString(1, username);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(Credentials.split(r.getString(1))) : Optional.<Set<String>>empty();
                }
            }
        });
    }

    /** The areas users work in, disabled ones included. */
    public Set<String> userAreas() {
        return Jdbc.inTransaction(db, c -> {
            Set<String> areas = new java.util.TreeSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT areas FROM wm_user"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    areas.addAll(Credentials.split(r.getString(1)));
                }
            }
            return areas;
        });
    }

    /** Every user, by name. */
    public List<UserAccount> users() {
        return Jdbc.inTransaction(db, c -> {
            List<UserAccount> users = new java.util.ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT username, roles, areas, enabled, created_at FROM wm_user ORDER BY username");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    users.add(new UserAccount(new Caller(r.getString(1), Caller.Kind.USER, Credentials.split(r.getString(2)),
                            Credentials.split(r.getString(3)), false), r.getBoolean(4), r.getTimestamp(5).toInstant()));
                }
            }
            return users;
        });
    }

    /** Disables (a leaver) or re-enables a user; a disabled user's sessions stop working at their next request. */
    public void setEnabled(String username, boolean enabled) {
        update(username, "UPDATE wm_user SET enabled = ? WHERE username = ?", s -> s.setBoolean(1, enabled));
        credentials.forgetAll();
        if (!enabled) {
            Jdbc.inTransaction(db, c -> tokens.endSessionsOf(c, username, null));
        }
    }

    /**
     * Sets a new password and ends the user's sessions: a reset is what an admin does for an account that may be in
     * someone else's hands, and a session signed in with the old password would otherwise last its twelve hours.
     *
     * @param keepSessionId the one session to keep (an admin resetting their own password stays signed in), or null
     */
    public void setPassword(String username, String password, String keepSessionId) {
        requirePasswordLength(password);
        String hash = PasswordHashing.hash(password);
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_user SET password_hash = ? WHERE username = ?")) {
                s.setString(1, hash);
                s.setString(2, username);
                if (s.executeUpdate() == 0) {
                    throw WaymarkException.notFound("No user " + username);
                }
            }
            return tokens.endSessionsOf(c, username, keepSessionId);
        });
        credentials.forgetAll();
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws java.sql.SQLException;
    }

    private void update(String username, String sql, Binder first) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                first.bind(s);
                s.setString(2, username);
                if (s.executeUpdate() == 0) {
                    throw WaymarkException.notFound("No user " + username);
                }
                return null;
            }
        });
    }

    Optional<Caller> findUser(String username) {
        return Jdbc.inTransaction(db, c -> findUser(c, username));
    }

    /** An enabled user, read in the caller's transaction (a session's user is read with it). */
    static Optional<Caller> findUser(Connection c, String username) throws SQLException {
        return findUserHash(c, username).map(Credentials.Stored::caller);
    }

    private static Optional<Credentials.Stored> findUserHash(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT password_hash, roles, areas FROM wm_user WHERE username = ? AND enabled = TRUE")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Caller caller = new Caller(username, Caller.Kind.USER, Credentials.split(r.getString(2)),
                        Credentials.split(r.getString(3)), false);
                return Optional.of(new Credentials.Stored(r.getString(1), caller));
            }
        }
    }
}
