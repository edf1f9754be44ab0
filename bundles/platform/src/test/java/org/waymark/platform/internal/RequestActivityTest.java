package org.waymark.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestActivityTest {
    private final RequestActivity activity = new RequestActivity();

    @Test
    void drainingMarksTheNodeStoppingAndWaitsForTheRequestsInFlight() throws Exception {
        activity.started();
        activity.started();
        CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> activity.drain(Duration.ofSeconds(10)));

        waitUntil(activity::stopping);
        activity.ended();
        Thread.sleep(100);
        assertThat(drained).as("one request is still in flight").isNotDone();
        activity.ended();
        assertThat(drained.get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void drainingGivesUpAfterItsLimitAndSaysHowManyAreLeft() {
        activity.started();
        long started = System.nanoTime();

        assertThat(activity.drain(Duration.ofMillis(200))).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(activity.stopping()).isTrue();
    }

    @Test
    void anIdleNodeDrainsAtOnce() {
        assertThat(activity.stopping()).isFalse();
        assertThat(activity.drain(Duration.ofSeconds(10))).isZero();
        assertThat(activity.stopping()).isTrue();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition met within 5 s").isNegative();
            Thread.sleep(5);
        }
    }
}
