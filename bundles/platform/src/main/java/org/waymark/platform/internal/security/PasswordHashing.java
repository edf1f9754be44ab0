package org.waymark.platform.internal.security;

import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** bcrypt (Bouncy Castle) for people's passwords and clients' secrets. */
final class PasswordHashing {
    /** About 50 ms a check on this class of machine: slow for guessing, fast enough with the verified cache. */
    static final int COST = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHashing() {
    }

    static String hash(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(secret.toCharArray(), salt, COST);
    }

    static boolean matches(String secret, String hash) {
        if (hash == null || !hash.startsWith("$2")) {
            return false; // no secret at all (a client that signs JWTs instead)
        }
        try {
            return OpenBSDBCrypt.checkPassword(hash, secret.toCharArray());
        } catch (IllegalArgumentException malformedHash) {
            return false;
        }
    }
}
