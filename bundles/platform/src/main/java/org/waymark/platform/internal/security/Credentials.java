package org.waymark.platform.internal.security;

import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;

/**
 * What users and clients share: the rules for their names and areas, and checking a password or client secret against
 * its bcrypt hash. Each kind of account has its own instance, so a client and a user of the same name are remembered
 * apart, as the different callers they are.
 */
final class Credentials {
    private static final String NAME = "[a-z0-9][a-z0-9._-]{1,63}";

    /** @param what how the refusal names the kind of name, e.g. "User names" */
    static void requireName(String name, String what) {
        if (name == null || !name.matches(NAME)) {
            throw WaymarkException.invalid(what + " are 2 to 64 lower-case letters, digits, '.', '_' or '-'");
        }
    }

    /** An account's hash, with the caller it proves. */
    record Stored(String hash, Caller caller) {
    }

    /** Checked credentials, so that HTTP Basic does not pay for bcrypt on every request. */
    private final RememberedCallers verified;

    Credentials(Clock clock) {
        this.verified = new RememberedCallers(clock);
    }

    Optional<Caller> verify(String name, String secret, Supplier<Optional<Stored>> lookup) {
        if (secret == null || secret.isEmpty() || secret.length() > 200) {
            return Optional.empty();
        }
        String cacheKey = digest(name, secret);
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

    /** A credential proven within the last minute, from memory only; empty when it was not. */
    Optional<Caller> remembered(String name, String secret) {
        return secret == null ? Optional.empty() : verified.find(digest(name, secret));
    }

    /** An account changed (disabled, new password or secret): nothing proven before may stand. */
    void forgetAll() {
        verified.forgetAll();
    }

    /** What a proven credential is remembered by: neither the name nor the secret is kept as it is. */
    private static String digest(String name, String secret) {
        return Secrets.sha256(name + "\u0000" + secret);
    }

    /**
     * Areas are stored comma-separated with a user, and a blank one names no area: "--area ''" made a client whose
     * referrals went to an area nobody works in, and "a,b" one whose area no user's could ever equal.
     */
    static void requireAreaName(String area) {
        if (area == null || area.isBlank() || area.contains(",") || !area.equals(area.strip())) {
            throw WaymarkException.invalid("An area is a name without commas or surrounding spaces, e.g. sheffield");
        }
    }

    static Set<String> split(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
