package org.waymark.platform.internal.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.waymark.api.error.WaymarkException;

/**
 * A machine client's public keys for RFC 7523 client assertions, read from what an operator has: a JWK, a JWK set, a
 * PEM public key ({@code BEGIN PUBLIC KEY}) or a PEM certificate. Only RSA and EC public keys are accepted; a file
 * that holds a private key is refused, so a private key is never stored.
 */
final class ClientKeys {
    private ClientKeys() {
    }

    /** @return the public keys as a JWK set in JSON, each with a key id (its thumbprint unless it had one) */
    static String parse(String text) {
        if (text == null || text.isBlank()) {
            throw WaymarkException.invalid("The public key file is empty");
        }
        String trimmed = text.strip();
        List<JWK> keys = new ArrayList<>();
        try {
            if (trimmed.startsWith("{")) {
                if (trimmed.contains("\"keys\"")) {
                    keys.addAll(JWKSet.parse(trimmed).getKeys());
                } else {
                    keys.add(JWK.parse(trimmed));
                }
            } else if (trimmed.contains("-----BEGIN")) {
                keys.add(fromPem(trimmed));
            } else {
                throw WaymarkException.invalid("The public key must be a JWK, a JWK set, or PEM (BEGIN PUBLIC KEY or BEGIN CERTIFICATE)");
            }
        } catch (ParseException e) {
            throw WaymarkException.invalid("The public key is not a valid JWK or JWK set");
        }
        if (keys.isEmpty()) {
            throw WaymarkException.invalid("The JWK set holds no key");
        }
        List<JWK> accepted = new ArrayList<>();
        for (JWK key : keys) {
            if (key.isPrivate()) {
                throw WaymarkException.invalid("The file holds a private key: register the public key only");
            }
            if (!(key instanceof RSAKey) && !(key instanceof ECKey)) {
                throw WaymarkException.invalid("Only RSA and EC public keys are supported");
            }
            accepted.add(key.getKeyID() != null ? key : withThumbprintId(key));
        }
        return new JWKSet(accepted).toString(true);
    }

    static JWKSet load(String json) {
        try {
            return JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("A stored client key set is not valid JSON", e);
        }
    }

    private static JWK withThumbprintId(JWK key) {
        try {
            if (key instanceof RSAKey rsa) {
                return new RSAKey.Builder(rsa).keyIDFromThumbprint().build();
            }
            return new ECKey.Builder((ECKey) key).keyIDFromThumbprint().build();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 thumbprints are part of every Java runtime", e);
        }
    }

    private static JWK fromPem(String pem) {
        if (pem.contains("PRIVATE KEY")) {
            throw WaymarkException.invalid("The file holds a private key: register the public key only");
        }
        PublicKey key;
        if (pem.contains("-----BEGIN CERTIFICATE-----")) {
            try {
                key = CertificateFactory.getInstance("X.509").generateCertificate(
                        new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))).getPublicKey();
            } catch (CertificateException e) {
                throw WaymarkException.invalid("The PEM certificate cannot be read");
            }
        } else if (pem.contains("-----BEGIN PUBLIC KEY-----")) {
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der;
            try {
                der = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw WaymarkException.invalid("The PEM public key is not valid base64");
            }
            key = decode(der);
        } else {
            throw WaymarkException.invalid("PEM files must hold a PUBLIC KEY or a CERTIFICATE");
        }
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw WaymarkException.invalid("EC keys must be on P-256, P-384 or P-521");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        throw WaymarkException.invalid("Only RSA and EC public keys are supported");
    }

    private static PublicKey decode(byte[] der) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException notThisKind) {
                // try the next kind
            }
        }
        throw WaymarkException.invalid("The PEM public key is neither RSA nor EC");
    }
}
