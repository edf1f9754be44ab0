package org.waymark.platform.internal.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
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
import org.waymark.api.security.SenderIdentities;
import org.waymark.platform.db.Jdbc;

/**
 * Machine clients (GP systems) of the OAuth2 token endpoint: their hashed secrets or public keys, their area, the
 * senders they are bound to, and whether they may have tokens at all.
 */
@Component(service = {ClientAccounts.class, SenderIdentities.class})
public final class ClientAccounts implements SenderIdentities {
    /** Stored instead of a hash for key-only clients: no secret can match it. */
    private static final String NO_SECRET = "!";

    private final DataSource db;
    private final TokenService tokens;
    private final Clock clock;
    private final Credentials credentials;

    public record ClientKey(Caller caller, String jwks) {
    }

    @Activate
    public ClientAccounts(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference TokenService tokens,
                          @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, tokens, Clock.systemUTC());
    }

    ClientAccounts(DataSource db, TokenService tokens, Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.clock = clock;
        this.credentials = new Credentials(clock);
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
        requireNewClient(clientId, area);
        String secret = Secrets.newToken();
        insertClient(clientId, PasswordHashing.hash(secret), area, anySender, null, senders);
        return secret;
    }

    /** A client that authenticates with signed JWTs (RFC 7523): it has a public key and no secret at all. */
    public String createKeyClient(String clientId, String area, boolean anySender, String publicKeyText) {
        return createKeyClient(clientId, area, anySender, publicKeyText, Registered.none());
    }

    public String createKeyClient(String clientId, String area, boolean anySender, String publicKeyText, Registered senders) {
        requireNewClient(clientId, area);
        String jwks = ClientKeys.parse(publicKeyText);
        if (jwks.length() > 8000) {
            throw WaymarkException.invalid("The key set is too large (at most 8000 characters as JSON)");
        }
        insertClient(clientId, NO_SECRET, area, anySender, jwks, senders);
        return jwks;
    }

    private static void requireNewClient(String clientId, String area) {
        Credentials.requireName(clientId, "Client ids");
        Credentials.requireAreaName(area);
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
        insertClient(clientId, PasswordHashing.hash(secret), area, true, null, Registered.none());
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
     * the access tokens issued with it are revoked.
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
            tokens.revokeAccessTokens(c, clientId);
            return null;
        });
        forgetChecked();
        return secret;
    }

    /**
     * Disables a client (a practice that left, a system that was compromised) or enables it again. A disabled client
     * gets no token and its tokens are revoked; its referrals stay.
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
                tokens.revokeAccessTokens(c, clientId);
            }
            return null;
        });
        forgetChecked();
    }

    /**
     * After the change is committed, so that no check on this node brings back what it revoked (other nodes look again
     * within a minute).
     */
    private void forgetChecked() {
        credentials.forgetAll();
        tokens.forgetResolved();
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

    public Optional<Caller> verifyClient(String clientId, String secret) {
        return credentials.verify(clientId, secret, () -> Jdbc.inTransaction(db, c -> findClientHash(c, clientId)));
    }

    /** The area of a client, enabled or not; empty when there is no such client. */
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

    /** An enabled client, read in the caller's transaction (a token's client is read with the token). */
    static Optional<Caller> findClient(Connection c, String clientId) throws SQLException {
        return findClientHash(c, clientId).map(Credentials.Stored::caller);
    }

    private static Optional<Credentials.Stored> findClientHash(Connection c, String clientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT secret_hash, area, any_sender FROM wm_client WHERE client_id = ? AND enabled = TRUE")) {
            s.setString(1, clientId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Caller caller = new Caller(clientId, Caller.Kind.CLIENT, Set.of(Roles.REFERRER),
                        Set.of(r.getString(2)), r.getBoolean(3));
                return Optional.of(new Credentials.Stored(r.getString(1), caller));
            }
        }
    }
}
