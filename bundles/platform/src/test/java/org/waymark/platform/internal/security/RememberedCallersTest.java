package org.waymark.platform.internal.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.waymark.api.security.Caller;
import org.waymark.platform.testing.MutableClock;

class RememberedCallersTest {
    private static final Caller GP = new Caller("demo-gp", Caller.Kind.CLIENT, Set.of("referrer"), Set.of("sheffield"), false);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T09:00:00Z"));
    private final RememberedCallers remembered = new RememberedCallers(clock);

    @Test
    void aProvenCallerIsRememberedForAMinuteAndNoLonger() {
        remembered.remember("digest", GP, null);
        clock.advance(RememberedCallers.REMEMBERED_FOR.minusSeconds(1));
        assertThat(remembered.find("digest")).contains(GP);
        clock.advance(Duration.ofSeconds(1));
        assertThat(remembered.find("digest")).isEmpty();
    }

    @Test
    void neverPastTheCredentialsOwnExpiry() {
        remembered.remember("token", GP, clock.instant().plusSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(remembered.find("token")).isEmpty();
    }

    @Test
    void forgetsOneCredentialOrAll() {
        remembered.remember("a", GP, null);
        remembered.remember("b", GP, null);
        remembered.forget("a");
        assertThat(remembered.find("a")).isEmpty();
        assertThat(remembered.find("b")).contains(GP);
        remembered.forgetAll();
        assertThat(remembered.find("b")).isEmpty();
    }

    @Test
    void boundedInSize() {
        for (int i = 0; i <= 10_000; i++) {
            remembered.remember("d" + i, GP, null);
        }
        assertThat(remembered.find("d0")).isEmpty();
        assertThat(remembered.find("d10000")).contains(GP);
    }
}
