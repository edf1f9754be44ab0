package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.platform.testing.MutableClock;

class PluginGuardTest {
    private final PluginGuard guard = new PluginGuard(new MutableClock(Instant.parse("2026-03-01T09:00:00Z")), 3);
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        never.countDown();
        guard.shutdown();
    }

    @Test
    void aResultPassesThrough() throws Exception {
        assertThat(guard.call("sms", Duration.ofSeconds(1), () -> "sent")).isEqualTo("sent");
        assertThat(guard.health("sms").calls()).isEqualTo(1);
    }

    @Test
    void aHangingPluginTimesOutWithoutHoldingTheCaller() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> guard.call("sms", Duration.ofMillis(200), () -> {
            never.await();
            return "never";
        })).isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.timedOut()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(guard.health("sms").timeouts()).isEqualTo(1);
    }

    @Test
    void aCallThatRunsOutOfTimeIsAbandonedNotInterruptedForItMayBeInDerbysFileIo() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        assertThatThrownBy(() -> guard.call("report", Duration.ofMillis(100), () -> {
            // Parking, unlike a busy loop, ends early when interrupted, and the flag stays visible after it.
            long until = System.nanoTime() + Duration.ofMillis(600).toNanos();
            while (System.nanoTime() - until < 0 && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(until - System.nanoTime());
            }
            interrupted.set(Thread.currentThread().isInterrupted());
            finished.countDown();
            return "late";
        })).isInstanceOfSatisfying(PluginCallException.class, e -> assertThat(e.timedOut()).isTrue());

        assertThat(finished.await(5, TimeUnit.SECONDS)).as("the abandoned call ran to its end").isTrue();
        assertThat(interrupted).as("the abandoned call's thread was interrupted").isFalse();
    }

    @Test
    void repeatedFailuresMarkThePluginFailedUntilReset() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> guard.call("sms", Duration.ofSeconds(1), () -> {
                throw new IllegalStateException("bug in plugin");
            })).isInstanceOf(PluginCallException.class).hasCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(guard.failed("sms")).isTrue();
        assertThat(guard.health("sms").lastError()).as("no Java class names for admins").isEqualTo("bug in plugin");
        assertThatThrownBy(() -> guard.call("sms", Duration.ofSeconds(1), () -> "sent"))
                .isInstanceOf(PluginCallException.class).hasMessageContaining("marked failed");
        assertThat(guard.failed("email")).as("other plugins keep working").isFalse();

        guard.health("sms").reset();
        assertThat(guard.failed("sms")).isFalse();
    }

    @Test
    void aPluginWhoseCheapCallsWorkButWhoseRealWorkFailsIsStillMarkedFailed() throws Exception {
        for (int round = 0; round < 3; round++) {
            guard.call("sms", Duration.ofSeconds(1), () -> "can reach");
            assertThatThrownBy(() -> guard.call("sms", Duration.ofSeconds(1), () -> {
                throw new IllegalStateException("send fails");
            })).isInstanceOf(PluginCallException.class);
        }
        assertThat(guard.failed("sms")).isTrue();
    }

    @Test
    void rareFailuresAmongManyCallsDoNotMarkAPluginFailed() throws Exception {
        for (int round = 0; round < 10; round++) {
            assertThatThrownBy(() -> guard.call("sms", Duration.ofSeconds(1), () -> {
                throw new IllegalStateException("flaky");
            })).isInstanceOf(PluginCallException.class);
            for (int ok = 0; ok < 6; ok++) {
                guard.call("sms", Duration.ofSeconds(1), () -> "ok");
            }
        }
        assertThat(guard.failed("sms")).isFalse();
        assertThat(guard.health("sms").errors()).isEqualTo(10);
    }

    @Test
    void declaredOutcomesDoNotCountAgainstThePlugin() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> guard.call("fhir", Duration.ofSeconds(1), () -> {
                throw new DeliveryException("receiver answered 503", false);
            })).isInstanceOf(PluginCallException.class).hasCauseInstanceOf(DeliveryException.class);
        }
        assertThat(guard.failed("fhir")).isFalse();
        assertThat(guard.health("fhir").errors()).isZero();
    }
}
