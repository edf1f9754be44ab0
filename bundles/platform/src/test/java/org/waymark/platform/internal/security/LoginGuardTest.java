package org.waymark.platform.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.security.AuditLog;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class LoginGuardTest {
    private final List<String> audited = new ArrayList<>();
    private final AuditLog audit = (caller, action, type, id, patient) -> audited.add(action + " " + type + " " + id);
    private DataSource db;
    private MutableClock clock;
    private LoginGuard guard;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml");
        clock = new MutableClock(Instant.parse("2026-01-01T09:00:00Z"));
        guard = new LoginGuard(db, audit, clock, 3, 10, Duration.ofMinutes(15), Duration.ofMinutes(10));
    }

    @Test
    void theThirdFailureLocksTheUserForThePeriodAndTheLockIsAudited() {
        LoginGuard.Attempt attempt = new LoginGuard.Attempt("user", "alice", "10.0.0.1");
        guard.failed(attempt);
        guard.failed(attempt);
        assertThat(guard.check(attempt).locked()).isFalse();
        guard.failed(attempt);

        LoginGuard.Check check = guard.check(attempt);
        assertThat(check.locked()).isTrue();
        assertThat(check.retryAfterSeconds()).isEqualTo(600);
        assertThat(audited).containsExactly("LOGIN_FAILED Lockout user:alice locked for 600 s");
        assertThat(guard.check(new LoginGuard.Attempt("user", "bob", "10.0.0.1")).locked())
                .as("another user from the same address is not locked by alice's failures").isFalse();

        clock.advance(Duration.ofMinutes(9));
        assertThat(guard.check(attempt).retryAfterSeconds()).isEqualTo(60);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(guard.check(attempt).locked()).as("the lock runs out").isFalse();
    }

    @Test
    void failuresOutsideTheWindowStartANewCount() {
        LoginGuard.Attempt attempt = new LoginGuard.Attempt("client", "gp", null);
        guard.failed(attempt);
        guard.failed(attempt);
        clock.advance(Duration.ofMinutes(16));
        guard.failed(attempt);
        guard.failed(attempt);
        assertThat(guard.check(attempt).locked()).isFalse();
        guard.failed(attempt);
        assertThat(guard.check(attempt).locked()).isTrue();
    }

    @Test
    void aSuccessClearsTheCountSoEarlierFailuresDoNotAddUp() {
        LoginGuard.Attempt attempt = new LoginGuard.Attempt("user", "carol", "10.0.0.2");
        guard.failed(attempt);
        guard.failed(attempt);
        LoginGuard.Check before = guard.check(attempt);
        assertThat(before.hadFailures()).isTrue();
        guard.succeeded(attempt, before);
        assertThat(guard.check(attempt).hadFailures()).isFalse();
        guard.failed(attempt);
        guard.failed(attempt);
        assertThat(guard.check(attempt).locked()).isFalse();
    }

    @Test
    void manyNamesTriedFromOneAddressLockTheAddress() {
        for (int i = 0; i < 10; i++) {
            guard.failed(new LoginGuard.Attempt("user", "guess" + i, "192.0.2.9"));
        }
        assertThat(guard.check(new LoginGuard.Attempt("user", "someone-else", "192.0.2.9")).locked()).isTrue();
        assertThat(guard.check(new LoginGuard.Attempt("user", "someone-else", "192.0.2.10")).locked()).isFalse();
        assertThat(audited).contains("LOGIN_FAILED Lockout address:192.0.2.9 locked for 600 s");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new LoginGuard(db, audit, clock, 0, 10, Duration.ofMinutes(1), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
