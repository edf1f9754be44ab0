package org.waymark.platform.internal.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * RFC 7523 client authentication ({@code private_key_jwt}): a client signs a short-lived JWT with its private key and
 * the token endpoint checks it against the public key registered for the client. The JWT must be signed with RS256,
 * PS256, ES256 or a stronger variant; {@code iss} and {@code sub} are the client id, {@code aud} the token endpoint,
 * {@code exp} at most five minutes ahead, and its {@code jti} is used once: seen ids are stored in the database until
 * they expire, so a replay is refused on every node.
 */
@Component(service = ClientAssertions.class)
public final class ClientAssertions {
    public static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
    /** Clocks of client and server differ a little. */
    static final Duration SKEW = Duration.ofSeconds(30);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final DataSource db;
    private final ClientAccounts clients;
    private final Clock clock;

    /** Why an assertion was refused; the message is safe to show the client. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final String clientId;

        Refused(String clientId, String message) {
            super(message);
            this.clientId = clientId;
        }

        /** The client the assertion claimed to be, or null when it named none. */
        public String clientId() {
            return clientId;
        }
    }

    @Activate
    public ClientAssertions(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference ClientAccounts clients,
                            @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, clients, Clock.systemUTC());
    }

    ClientAssertions(DataSource db, ClientAccounts clients, Clock clock) {
        this.db = db;
        this.clients = clients;
        this.clock = clock;
    }

    /** The client id an assertion claims ({@code iss}), before it is verified; null when it is not a JWT. */
    public static String claimedClient(String assertion) {
        try {
            return SignedJWT.parse(assertion).getJWTClaimsSet().getIssuer();
        } catch (ParseException | RuntimeException notAJwt) {
            return null;
        }
    }

    /**
     * @param formClientId the {@code client_id} form parameter, if the client sent one (it must match)
     * @param audience     the token endpoint's URL, which {@code aud} must name
     */
    public Caller verify(String assertion, String formClientId, String audience) throws Refused {
        if (assertion == null || assertion.length() > 16_000) {
            throw new Refused(formClientId, "client_assertion is missing or too long");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new Refused(formClientId, "client_assertion is not a signed JWT");
        }
        String clientId = claims.getIssuer();
        if (clientId == null || !clientId.equals(claims.getSubject())) {
            throw new Refused(formClientId, "iss and sub must both be the client id");
        }
        if (formClientId != null && !formClientId.equals(clientId)) {
            throw new Refused(formClientId, "client_id does not match the assertion's issuer");
        }
        ClientAccounts.ClientKey client = clients.findClientKey(clientId)
                .orElseThrow(() -> new Refused(clientId, "Unknown client or no public key registered for it"));
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(algorithm)) {
            throw new Refused(clientId, "Signature algorithm " + algorithm + " is not accepted");
        }
        if (!verifiedByAny(jwt, ClientKeys.load(client.jwks()))) {
            throw new Refused(clientId, "The signature does not verify with the client's registered key");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            throw new Refused(clientId, "aud must be the token endpoint " + audience);
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new Refused(clientId, "exp is required");
        }
        Instant expires = exp.toInstant();
        if (!expires.isAfter(now.minus(SKEW))) {
            throw new Refused(clientId, "The assertion has expired");
        }
        if (expires.isAfter(now.plus(MAX_LIFETIME).plus(SKEW))) {
            throw new Refused(clientId, "exp may be at most " + MAX_LIFETIME.toMinutes() + " minutes ahead");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now.plus(SKEW))) {
            throw new Refused(clientId, "The assertion is not valid yet (nbf)");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isBlank() || jti.length() > 200) {
            throw new Refused(clientId, "jti is required (at most 200 characters)");
        }
        if (!firstUse(clientId, jti, expires.plus(SKEW), now)) {
            throw new Refused(clientId, "This assertion (jti) has been used already");
        }
        return client.caller();
    }

    private static boolean verifiedByAny(SignedJWT jwt, JWKSet keys) {
        String kid = jwt.getHeader().getKeyID();
        for (JWK key : keys.getKeys()) {
            if (kid != null && !kid.equals(key.getKeyID())) {
                continue;
            }
            try {
                JWSVerifier verifier;
                if (key instanceof RSAKey rsa && JWSAlgorithm.Family.RSA.contains(jwt.getHeader().getAlgorithm())) {
                    verifier = new RSASSAVerifier(rsa);
                } else if (key instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(jwt.getHeader().getAlgorithm())) {
                    verifier = new ECDSAVerifier(ec);
                } else {
                    continue;
                }
                if (jwt.verify(verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException wrongKey) {
                // another key of the set may verify it
            }
        }
        return false;
    }

    /** Stores the jti; false when the client used it before (on any node). */
    private boolean firstUse(String clientId, String jti, Instant keepUntil, Instant now) {
        try {
            Jdbc.inTransaction(db, c -> {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_client_assertion WHERE expires_at < ?")) {
                    s.setTimestamp(1, Timestamp.from(now));
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO wm_client_assertion (client_id, jti, expires_at) VALUES (?,?,?)")) {
                    s.setString(1, clientId);
                    s.setString(2, jti);
                    s.setTimestamp(3, Timestamp.from(keepUntil));
                    return s.executeUpdate();
                }
            });
            return true;
        } catch (Jdbc.DatabaseUnavailableException e) {
            if (e.getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }
}
