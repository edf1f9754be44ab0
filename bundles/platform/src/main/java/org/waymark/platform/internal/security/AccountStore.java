package org.waymark.platform.internal.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.SenderIdentities;
import org.waymark.api.security.StaffDirectory;
import org.waymark.platform.db.Jdbc;

/** People (console users) and machine clients, with hashed passwords and secrets and the senders clients are bound to. */
@Component(service = {AccountStore.class, StaffDirectory.class, AreaDirectory.class, SenderIdentities.class})
public final class AccountStore implements StaffDirectory, AreaDirectory, SenderIdentities {
    /** Users and clients are remembered apart: a client and a user of the same name are different callers. */
    private static final String USER_KEY = "u:";
    private static final String CLIENT_KEY = "c:";
    private static final int MIN_PASSWORD = 10;
    private static final int MAX_PASSWORD_BYTES = 72;
    private static final String USER_NAME = "[a-z0-9][a-z0-9._-]{1,63}";

    private final DataSource db;
    private final Clock clock;
    /** Checked credentials, so that HTTP Basic does not pay for bcrypt on every request. */
    private final RememberedCallers verified;

    public record NewUser(String username, String password, Set<String> roles, Set<String> areas) {
    }

    @Activate
    public AccountStore(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                        @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, Clock.systemUTC());
    }

    AccountStore(DataSource db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.verified = new RememberedCallers(clock);
    }

    public void createUser(NewUser user) {
        if (!user.username().matches(USER_NAME)) {
            throw WaymarkException.invalid("User names are 2 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
        requirePasswordLength(user.password());
        if (user.roles().isEmpty() || !Roles.USER_ROLES.containsAll(user.roles())) {
            throw WaymarkException.invalid("Roles are " + String.join(", ", Roles.USER_ROLES));
        }
        // Found probing: "--area ''" made a user of no area, whom no admin's user list shows.
        if (user.areas().isEmpty()) {
            throw WaymarkException.invalid("A user needs at least one area");
        }
        user.areas().forEach(AccountStore::requireAreaName);
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

    /**
     * Areas are stored comma-separated with a user, and a blank one names no area: "--area ''" made a client whose
     * referrals went to an area nobody works in, and "a,b" one whose area no user's could ever equal.
     */
    private static void requireAreaName(String area) {
        if (area == null || area.isBlank() || area.contains(",") || !area.equals(area.strip())) {
            throw WaymarkException.invalid("An area is a name without commas or surrounding spaces, e.g. sheffield");
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

    /** @return the new client's secret, which is shown once and stored only as a hash */
    public String createClient(String clientId, String area, boolean anySender) {
        return createClient(clientId, area, anySender, Registered.none());
    }

    /**
     * @param senders the endpoints and ODS codes it sends as, stored with the client
     * @return the new client's secret, which is shown once and stored only as a hash
     */
    public String createClient(String clientId, String area, boolean anySender, Registered senders) {
        if (!clientId.matches(USER_NAME)) {
            throw WaymarkException.invalid("Client ids are 2 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
        requireAreaName(area);
        String secret = Secrets.newToken();
        insertClient(clientId, PasswordHashing.hash(secret), area, anySender, null, senders);
        return secret;
    }

    /** A client that authenticates with signed JWTs (RFC 7523): it has a public key and no secret at all. */
    public String createKeyClient(String clientId, String area, boolean anySender, String publicKeyText) {
        return createKeyClient(clientId, area, anySender, publicKeyText, Registered.none());
    }

    public String createKeyClient(String clientId, String area, boolean anySender, String publicKeyText, Registered senders) {
        if (!clientId.matches(USER_NAME)) {
            throw WaymarkException.invalid("Client ids are 2 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
        requireAreaName(area);
        String jwks = ClientKeys.parse(publicKeyText);
        if (jwks.length() > 8000) {
            throw WaymarkException.invalid("The key set is too large (at most 8000 characters as JSON)");
        }
        insertClient(clientId, NO_SECRET, area, anySender, jwks, senders);
        return jwks;
    }

    /** Stored instead of a hash for key-only clients: no secret can match it. */
    private static final String NO_SECRET = "!";

    public record ClientKey(Caller caller, String jwks) {
    }

    /** A client's registered public keys (a JWK set as JSON), if it has any. */
    public Optional<ClientKey> findClientKey(String clientId) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT area, any_sender, public_jwk FROM wm_client WHERE client_id = ? AND enabled = TRUE AND public_jwk IS NOT NULL")) {
                s.setString(1, clientId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<ClientKey>empty();
                    }
                    return Optional.of(new ClientKey(new Caller(clientId, Caller.Kind.CLIENT, Set.of(Roles.REFERRER),
                            Set.of(r.getString(1)), r.getBoolean(2)), r.getString(3)));
                }
            }
        });
    }

    /** The contract's demo client: a known secret, allowed to send as any sender so official examples go through. */
    public void createDemoClient(String clientId, String secret, String area) {
        createClient(clientId, secret, area, true);
    }

    private String createClient(String clientId, String secret, String area, boolean anySender) {
        insertClient(clientId, PasswordHashing.hash(secret), area, anySender, null, Registered.none());
        return secret;
    }

    private void insertClient(String clientId, String hash, String area, boolean anySender, String jwks, Registered senders) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_client (client_id, secret_hash, area, any_sender, "
                    + "enabled, created_at, public_jwk) VALUES (?,?,?,?,?,?,?)")) {
                s.setString(1, clientId);
                s.setString(2, hash);
                s.setString(3, area);
                s.setBoolean(4, anySender);
                s.setBoolean(5, true);
                s.setTimestamp(6, Timestamp.from(clock.instant()));
                s.setString(7, jwks);
                s.executeUpdate();
            } catch (SQLException e) {
                if (Jdbc.isUniqueViolation(e)) {
                    throw WaymarkException.conflict("A client with that id exists");
                }
                throw e;
            }
            ClientSenderRows.replace(c, clientId, senders);
            return null;
        });
    }

    /**
     * A new secret for a client whose secret leaked or is due to change, shown once: the old secret stops working and
     * the access tokens issued with it are deleted (a node that resolved one forgets it: {@link TokenService#forgetResolved}).
     */
    public String newClientSecret(String clientId) {
        String secret = Secrets.newToken();
        String hash = PasswordHashing.hash(secret);
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT public_jwk FROM wm_client WHERE client_id = ?")) {
                s.setString(1, clientId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw WaymarkException.notFound("No client " + clientId);
                    }
                    if (r.getString(1) != null) {
                        throw WaymarkException.invalid("Client " + clientId + " signs JWTs with its key and has no secret");
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_client SET secret_hash = ? WHERE client_id = ?")) {
                s.setString(1, hash);
                s.setString(2, clientId);
                s.executeUpdate();
            }
            deleteAccessTokens(c, clientId);
            return null;
        });
        verified.forgetAll();
        return secret;
    }

    /**
     * Disables a client (a practice that left, a system that was compromised) or enables it again. A disabled client
     * gets no token and its tokens are deleted; its referrals stay.
     */
    public void setClientEnabled(String clientId, boolean enabled) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_client SET enabled = ? WHERE client_id = ?")) {
                s.setBoolean(1, enabled);
                s.setString(2, clientId);
                if (s.executeUpdate() == 0) {
                    throw WaymarkException.notFound("No client " + clientId);
                }
            }
            if (!enabled) {
                deleteAccessTokens(c, clientId);
            }
            return null;
        });
        verified.forgetAll();
    }

    private static void deleteAccessTokens(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_access_token WHERE client_id = ?")) {
            s.setString(1, clientId);
            s.executeUpdate();
        }
    }

    /** Read on every message of a bound client, so that a change of its registration holds on every node at once. */
    @Override
    public Registered of(String clientId) {
        return clientId == null ? Registered.none() : Jdbc.inTransaction(db, c -> ClientSenderRows.read(c, clientId));
    }

    /** Replaces the endpoints and ODS codes a client sends as (none: it can no longer send BaRS messages). */
    public void replaceSenders(String clientId, Registered senders) {
        Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM wm_client WHERE client_id = ?")) {
                s.setString(1, clientId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw WaymarkException.notFound("No client " + clientId);
                    }
                }
            }
            ClientSenderRows.replace(c, clientId, senders);
            return null;
        });
    }

    /** Whether a client may send as any sender (integration-test clients), enabled or not; empty when there is none. */
    public Optional<Boolean> anySender(String clientId) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT any_sender FROM wm_client WHERE client_id = ?")) {
                s.setString(1, clientId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getBoolean(1)) : Optional.<Boolean>empty();
                }
            }
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
        return verify(USER_KEY + username, password, () -> findUserHash(username));
    }

    /**
     * A user whose password was checked within the last minute, from memory only: HTTP Basic's hot path, which needs
     * neither bcrypt nor the lockout's database read for a credential already proven right.
     */
    public Optional<Caller> rememberedUser(String username, String password) {
        if (password == null) {
            return Optional.empty();
        }
        return verified.find(credentialDigest(USER_KEY + username, password));
    }

    public Optional<Caller> verifyClient(String clientId, String secret) {
        return verify(CLIENT_KEY + clientId, secret, () -> findClientHash(clientId));
    }

    private record Stored(String hash, Caller caller) {
    }

    private Optional<Caller> verify(String key, String secret, java.util.function.Supplier<Optional<Stored>> lookup) {
        if (secret == null || secret.isEmpty() || secret.length() > 200) {
            return Optional.empty();
        }
        String cacheKey = credentialDigest(key, secret);
        Optional<Caller> remembered = verified.find(cacheKey);
        if (remembered.isPresent()) {
            return remembered;
        }
        Optional<Stored> stored = lookup.get();
        if (stored.isEmpty() || !PasswordHashing.matches(secret, stored.get().hash())) {
            return Optional.empty();
        }
        verified.remember(cacheKey, stored.get().caller(), null);
        return Optional.of(stored.get().caller());
    }

    /** What a proven credential is remembered by: neither the name nor the secret is kept as it is. */
    private static String credentialDigest(String key, String secret) {
        return Secrets.sha256(key + "\u0000" + secret);
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

    @Override
    public Optional<Set<String>> areasOfUser(String username) {
        return username == null ? Optional.empty() : Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT areas FROM wm_user WHERE username = ?")) {
                s.setString(1, username);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(split(r.getString(1))) : Optional.<Set<String>>empty();
                }
            }
        });
    }

    @Override
    public Optional<String> areaOfClient(String clientId) {
        return clientId == null ? Optional.empty() : Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT area FROM wm_client WHERE client_id = ?")) {
                s.setString(1, clientId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1).strip()) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public Set<String> areas() {
        return Jdbc.inTransaction(db, c -> {
            Set<String> areas = new java.util.TreeSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT areas FROM wm_user"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    areas.addAll(split(r.getString(1)));
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT area FROM wm_client"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    areas.add(r.getString(1).strip());
                }
            }
            return areas;
        });
    }

    /** A console user as an admin sees them. */
    public record UserAccount(Caller caller, boolean enabled, Instant created) {
    }

    /** Every user, by name. */
    public List<UserAccount> users() {
        return Jdbc.inTransaction(db, c -> {
            List<UserAccount> users = new java.util.ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT username, roles, areas, enabled, created_at FROM wm_user ORDER BY username");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    users.add(new UserAccount(new Caller(r.getString(1), Caller.Kind.USER, split(r.getString(2)), split(r.getString(3)),
                            false), r.getBoolean(4), r.getTimestamp(5).toInstant()));
                }
            }
            return users;
        });
    }

    /** The areas machine clients are registered for, disabled ones included: the areas they sent referrals to. */
    public Set<String> clientAreas() {
        return Jdbc.inTransaction(db, c -> {
            Set<String> areas = new java.util.TreeSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT area FROM wm_client"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    areas.add(r.getString(1));
                }
            }
            return areas;
        });
    }

    /** Disables (a leaver) or re-enables a user; a disabled user's sessions stop working at their next request. */
    public void setEnabled(String username, boolean enabled) {
        update(username, "UPDATE wm_user SET enabled = ? WHERE username = ?", s -> s.setBoolean(1, enabled));
        verified.forgetAll();
        if (!enabled) {
            Jdbc.inTransaction(db, c -> {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_session WHERE username = ?")) {
                    s.setString(1, username);
                    return s.executeUpdate();
                }
            });
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
            try (PreparedStatement s = c.prepareStatement(keepSessionId == null ? "DELETE FROM wm_session WHERE username = ?"
                    : "DELETE FROM wm_session WHERE username = ? AND session_hash <> ?")) {
                s.setString(1, username);
                if (keepSessionId != null) {
                    s.setString(2, Secrets.sha256(keepSessionId));
                }
                return s.executeUpdate();
            }
        });
        verified.forgetAll();
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
        return findUserHash(username).map(Stored::caller);
    }

    private Optional<Stored> findUserHash(String username) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT password_hash, roles, areas FROM wm_user WHERE username = ? AND enabled = TRUE")) {
                s.setString(1, username);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    Caller caller = new Caller(username, Caller.Kind.USER, split(r.getString(2)), split(r.getString(3)), false);
                    return Optional.of(new Stored(r.getString(1), caller));
                }
            }
        });
    }

    /** An enabled client, read in the caller's transaction (a token's client is read with the token). */
    static Optional<Caller> findClient(Connection c, String clientId) throws SQLException {
        return findClientHash(c, clientId).map(Stored::caller);
    }

    private Optional<Stored> findClientHash(String clientId) {
        return Jdbc.inTransaction(db, c -> findClientHash(c, clientId));
    }

    private static Optional<Stored> findClientHash(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT secret_hash, area, any_sender FROM wm_client WHERE client_id = ? AND enabled = TRUE")) {
            s.setString(1, clientId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Caller caller = new Caller(clientId, Caller.Kind.CLIENT, Set.of(Roles.REFERRER),
                        Set.of(r.getString(2)), r.getBoolean(3));
                return Optional.of(new Stored(r.getString(1), caller));
            }
        }
    }

    private static Set<String> split(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
