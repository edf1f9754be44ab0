package org.waymark.platform.internal.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.waymark.api.security.Caller;

/**
 * Callers whose credential (a password, a client secret, an access token) was proven within the last minute, kept in
 * memory by a SHA-256 digest of that credential so that the credential itself is held nowhere. Checking a password
 * costs bcrypt and a token costs a database transaction, on every request of a GP system or a console using HTTP
 * Basic; a minute bounds how long a disabled account or a withdrawn token still works on a node that remembered it.
 */
final class RememberedCallers {
    static final Duration REMEMBERED_FOR = Duration.ofSeconds(60);
    /** Digests are random-looking, so there is no hot subset to keep: past this many, start again from empty. */
    private static final int MAX_ENTRIES = 10_000;

    private final Clock clock;
    private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();

    private record Remembered(Caller caller, Instant until) {
    }

    RememberedCallers(Clock clock) {
        this.clock = clock;
    }

    Optional<Caller> find(String digest) {
        Remembered hit = remembered.get(digest);
        if (hit == null) {
            return Optional.empty();
        }
        if (!hit.until().isAfter(clock.instant())) {
            remembered.remove(digest, hit);
            return Optional.empty();
        }
        return Optional.of(hit.caller());
    }

    /** Remembers for a minute, or until {@code notAfter} if that is sooner (a token's own expiry). */
    void remember(String digest, Caller caller, Instant notAfter) {
        if (remembered.size() >= MAX_ENTRIES) {
            remembered.clear();
        }
        Instant until = clock.instant().plus(REMEMBERED_FOR);
        remembered.put(digest, new Remembered(caller, notAfter != null && notAfter.isBefore(until) ? notAfter : until));
    }

    void forget(String digest) {
        remembered.remove(digest);
    }

    /** An account changed (disabled, new password): nothing proven before the change may stand for it. */
    void forgetAll() {
        remembered.clear();
    }
}
