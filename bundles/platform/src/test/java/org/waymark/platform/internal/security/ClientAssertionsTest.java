package org.waymark.platform.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class ClientAssertionsTest {
    private static final String AUDIENCE = "https://waymark.example/oauth2/token";
    private MutableClock clock;
    private ClientAccounts clients;
    private ClientAssertions assertions;
    private RSAKey rsa;
    private ECKey ec;

    @BeforeEach
    void setUp() throws Exception {
        DataSource db = TestDatabase.migrated("db/platform.xml");
        clock = new MutableClock(Instant.parse("2026-01-01T09:00:00Z"));
        clients = new ClientAccounts(db, new TokenService(db, clock), clock);
        assertions = new ClientAssertions(db, clients, clock);
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).generate();
        clients.createKeyClient("rsa-gp", "sheffield", false, rsa.toPublicJWK().toJSONString());
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ec.toECPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        clients.createKeyClient("ec-gp", "islington", false, pem);
    }

    private JWTClaimsSet.Builder claims(String client) {
        return new JWTClaimsSet.Builder().issuer(client).subject(client).audience(AUDIENCE)
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(2)))).jwtID(UUID.randomUUID().toString());
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String kid, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private String rs256(JWTClaimsSet claims) throws Exception {
        return sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", claims);
    }

    @Test
    void anRs256AssertionFromAJwkRegisteredClientAuthenticatesItOnce() throws Exception {
        String assertion = rs256(claims("rsa-gp").build());
        assertThat(assertions.verify(assertion, null, AUDIENCE)).satisfies(c -> {
            assertThat(c.id()).isEqualTo("rsa-gp");
            assertThat(c.areas()).containsExactly("sheffield");
        });
        assertThatThrownBy(() -> assertions.verify(assertion, null, AUDIENCE))
                .isInstanceOf(ClientAssertions.Refused.class).hasMessageContaining("used already");
    }

    @Test
    void anEs256AssertionVerifiesWithAPemRegisteredKey() throws Exception {
        String assertion = sign(new ECDSASigner(ec), JWSAlgorithm.ES256, null, claims("ec-gp").build());
        assertThat(assertions.verify(assertion, "ec-gp", AUDIENCE).id()).isEqualTo("ec-gp");
    }

    @Test
    void aKeyClientHasNoSecretThatCouldMatch() {
        assertThat(clients.verifyClient("rsa-gp", "!")).isEmpty();
        assertThat(clients.verifyClient("rsa-gp", "")).isEmpty();
    }

    @Test
    void assertionsThatBreakARuleAreRefusedWithTheReason() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        assertRefused(sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-1", claims("rsa-gp").build()), null, "signature");
        assertRefused(rs256(claims("rsa-gp").audience("https://elsewhere.example/token").build()), null, "aud");
        assertRefused(rs256(claims("rsa-gp").subject("someone-else").build()), null, "iss and sub");
        assertRefused(rs256(claims("rsa-gp").build()), "ec-gp", "client_id");
        assertRefused(rs256(claims("rsa-gp").expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(10)))).build()),
                null, "at most 5 minutes");
        assertRefused(rs256(claims("rsa-gp").expirationTime(Date.from(clock.instant().minus(Duration.ofMinutes(1)))).build()),
                null, "expired");
        assertRefused(rs256(claims("rsa-gp").expirationTime(null).build()), null, "exp is required");
        assertRefused(rs256(claims("rsa-gp").jwtID(null).build()), null, "jti");
        assertRefused(sign(new MACSigner(new byte[32]), JWSAlgorithm.HS256, null, claims("rsa-gp").build()), null, "HS256");
        assertRefused(rs256(claims("nobody").build()), null, "Unknown client");
        assertRefused("not.a.jwt", null, "not a signed JWT");
        // An unsigned JWT (alg none) is not even a signed JWT.
        String unsigned = new com.nimbusds.jwt.PlainJWT(claims("rsa-gp").build()).serialize();
        assertRefused(unsigned, null, "not a signed JWT");
    }

    @Test
    void aDisabledKeyClientIsRefusedAndAKeyClientGetsNoSecret() throws Exception {
        clients.setClientEnabled("rsa-gp", false);
        assertRefused(rs256(claims("rsa-gp").build()), null, "Unknown client");
        assertThatThrownBy(() -> clients.newClientSecret("ec-gp"))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("no secret");
    }

    @Test
    void anAssertionExpiresWithTheClock() throws Exception {
        String assertion = rs256(claims("rsa-gp").build());
        clock.advance(Duration.ofMinutes(3));
        assertRefused(assertion, null, "expired");
    }

    @Test
    void privateKeysAndOddFilesAreNeverRegistered() {
        assertThatThrownBy(() -> clients.createKeyClient("leaky", "sheffield", false, rsa.toJSONString()))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("private key");
        assertThatThrownBy(() -> clients.createKeyClient("leaky", "sheffield", false, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("private key");
        assertThatThrownBy(() -> clients.createKeyClient("odd", "sheffield", false, "hello"))
                .isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> clients.createKeyClient("rsa-gp", "sheffield", false, rsa.toPublicJWK().toJSONString()))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("exists");
        assertThat(clients.findClientKey("odd")).isEmpty();
        assertThat(ClientKeys.load(clients.findClientKey("ec-gp").orElseThrow().jwks()).getKeys())
                .singleElement().satisfies(k -> assertThat(k.getKeyID()).as("kid from the thumbprint").isNotBlank());
        assertThat(Set.of(ClientAssertions.TYPE)).containsExactly("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    }

    private void assertRefused(String assertion, String clientId, String reason) {
        assertThatThrownBy(() -> assertions.verify(assertion, clientId, AUDIENCE))
                .isInstanceOf(ClientAssertions.Refused.class).hasMessageContaining(reason);
    }
}
