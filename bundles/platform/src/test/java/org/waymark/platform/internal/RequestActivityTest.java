package org.waymark.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RequestActivityTest {
    private final RequestActivity activity = new RequestActivity();

    @Test
    void drainingMarksTheNodeStoppingAndWaitsForTheRequestsInFlight() throws Exception {
        activity.started();
        activity.started();
        CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> activity.drain(Duration.ofSeconds(10)));

        activity.ended();
        assertThatThrownBy(() -> drained.get(100, TimeUnit.MILLISECONDS)).as("one request is still in flight")
                .isInstanceOf(TimeoutException.class);
        activity.ended();
        assertThat(drained.get(5, TimeUnit.SECONDS)).isZero();
        assertThat(activity.stopping()).isTrue();
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
}
