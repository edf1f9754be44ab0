package org.waymark.platform.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.security.Caller;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class TwoFactorTest {
    private MutableClock clock;
    private TwoFactor twoFactor;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(Instant.parse("2026-01-01T09:00:00Z"));
        twoFactor = new TwoFactor(TestDatabase.migrated("db/platform.xml"), clock, TwoFactor.roles(" admin , "), "Waymark Test");
    }

    private String currentCode(String secret) {
        return Totp.code(secret, Totp.step(clock.instant()), Totp.DIGITS);
    }

    @Test
    void enrolmentIsPendingAndStableUntilAFirstCodeConfirmsIt() {
        TwoFactor.Enrolment first = twoFactor.enrolment("ann");
        assertThat(twoFactor.status("ann")).isEqualTo(TwoFactor.Status.PENDING);
        assertThat(twoFactor.enrolment("ann").secret()).as("asking again keeps the scanned secret").isEqualTo(first.secret());
        assertThat(first.keyUri()).startsWith("otpauth://totp/Waymark%20Test:ann?secret=" + first.secret());
        assertThat(first.qrSvgDataUri()).startsWith("data:image/svg+xml;base64,");
        assertThat(twoFactor.verifyOnce("ann", currentCode(first.secret()))).as("pending is not enrolled").isFalse();

        assertThat(twoFactor.confirm("ann", "000000".equals(currentCode(first.secret())) ? "111111" : "000000")).isFalse();
        assertThat(twoFactor.confirm("ann", currentCode(first.secret()))).isTrue();
        assertThat(twoFactor.status("ann")).isEqualTo(TwoFactor.Status.ENROLLED);
        assertThat(twoFactor.enrolled("ann")).isTrue();
        assertThatThrownBy(() -> twoFactor.enrolment("ann")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCodeSignsInOnceButBasicMayRepeatItWithinItsStep() {
        String secret = twoFactor.enrolment("ann").secret();
        assertThat(twoFactor.confirm("ann", currentCode(secret))).isTrue();
        assertThat(twoFactor.verifyOnce("ann", currentCode(secret))).as("the enrolment code is spent").isFalse();

        clock.advance(Duration.ofSeconds(30));
        String code = currentCode(secret);
        assertThat(twoFactor.verifyOnce("ann", code)).isTrue();
        assertThat(twoFactor.verifyOnce("ann", code)).as("replayed").isFalse();
        assertThat(twoFactor.verify("ann", code)).as("a script's Basic requests reuse the header").isTrue();

        clock.advance(Duration.ofSeconds(90));
        assertThat(twoFactor.verify("ann", code)).as("three steps later").isFalse();
        assertThat(twoFactor.verify("bob", code)).as("not enrolled").isFalse();
    }

    @Test
    void resetRemovesTheAppAndOnlyTheConfiguredRolesRequireIt() {
        String secret = twoFactor.enrolment("ann").secret();
        twoFactor.confirm("ann", currentCode(secret));
        assertThat(twoFactor.reset("ann")).isTrue();
        assertThat(twoFactor.status("ann")).isEqualTo(TwoFactor.Status.NONE);
        assertThat(twoFactor.enrolled("ann")).isFalse();
        assertThat(twoFactor.reset("ann")).isFalse();
        assertThat(twoFactor.enrolment("ann").secret()).as("a new secret after a reset").isNotEqualTo(secret);

        assertThat(twoFactor.requiredFor(new Caller("a", Caller.Kind.USER, Set.of("admin"), Set.of("x"), false))).isTrue();
        assertThat(twoFactor.requiredFor(new Caller("w", Caller.Kind.USER, Set.of("link-worker"), Set.of("x"), false))).isFalse();
        assertThat(TwoFactor.roles("")).isEmpty();
    }
}
