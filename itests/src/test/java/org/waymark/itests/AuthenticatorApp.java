package org.waymark.itests;

import java.nio.ByteBuffer;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a phone's authenticator app does with the key Waymark shows (RFC 6238: HMAC-SHA1, 6 digits, 30 s), written
 * apart from the server's code so the tests check it against the standard rather than against itself. It never hands
 * out a step twice, because the server refuses a code it has already seen at sign-in.
 */
final class AuthenticatorApp {
    private final byte[] key;
    private long lastStep = Long.MIN_VALUE;

    AuthenticatorApp(String base32Key) {
        this.key = decodeBase32(base32Key.replace(" ", ""));
    }

    /** The code of the current step, or of the next when the current one was used (the server allows one step ahead). */
    synchronized String nextCode() {
        long step = Math.max(Instant.now().getEpochSecond() / 30, lastStep + 1);
        lastStep = step;
        return code(step);
    }

    /** The code of the current step, even if used already. */
    String currentCode() {
        return code(Instant.now().getEpochSecond() / 30);
    }

    String code(long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int o = h[19] & 0xf;
            int value = ((h[o] & 0x7f) << 24 | (h[o + 1] & 0xff) << 16 | (h[o + 2] & 0xff) << 8 | (h[o + 3] & 0xff)) % 1_000_000;
            return String.format("%06d", value);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decodeBase32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer out = ByteBuffer.allocate(text.length() * 5 / 8);
        long buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = buffer << 5 | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
