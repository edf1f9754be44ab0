package org.waymark.platform.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A task using the database is never interrupted by its component stopping (Derby would close its files). */
class DatabaseThreadsTest {

    @Test
    void aRunningTaskIsNotInterruptedAndMayFinishWithinTheWait() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        executor.execute(() -> {
            running.countDown();
            try {
                release.await();
                finished.set(true);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        running.await();
        // The task finishes once the stop has begun: within the stop's wait, never because of an interrupt.
        new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!executor.isShutdown() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
        }).start();

        DatabaseThreads.stop(executor, Duration.ofSeconds(10));

        assertThat(interrupted).isFalse();
        assertThat(finished).isTrue();
        assertThat(executor.isTerminated()).isTrue();
    }

    @Test
    void aTaskLongerThanTheWaitIsLeftRunningUninterrupted() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        });
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        executor.execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        running.await();

        long started = System.nanoTime();
        DatabaseThreads.stop(executor, Duration.ofMillis(300));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(250);
        assertThat(executor.isTerminated()).isFalse();
        release.countDown();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isFalse();
    }

    @Test
    void repeatingTasksStop() throws Exception {
        ScheduledExecutorService daily = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch ranTwice = new CountDownLatch(2);
        daily.scheduleAtFixedRate(ranTwice::countDown, 0, 10, TimeUnit.MILLISECONDS);
        assertThat(ranTwice.await(10, TimeUnit.SECONDS)).isTrue();

        DatabaseThreads.stop(daily, Duration.ofSeconds(5));

        assertThat(daily.isTerminated()).as("a terminated executor runs nothing more").isTrue();
    }

    @Test
    void aSchedulersDelayedOneOffTaskIsDroppedAtTheStopNotWaitedFor() {
        ScheduledExecutorService scheduler = DatabaseThreads.scheduler("test-scheduler");
        AtomicBoolean ran = new AtomicBoolean();
        scheduler.schedule(() -> ran.set(true), 3, TimeUnit.SECONDS);
        long started = System.nanoTime();

        DatabaseThreads.stop(scheduler, Duration.ofSeconds(10));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(scheduler.isTerminated()).as("nothing left to run after the stop").isTrue();
        assertThat(ran).isFalse();
    }
}
