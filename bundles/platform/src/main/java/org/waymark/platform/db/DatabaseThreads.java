package org.waymark.platform.db;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stopping threads that use the database. Never by interrupting them: a thread interrupted in the middle of Derby's
 * file I/O closes the file channel under every other thread, and Derby's checkpoint at shutdown then retries for up
 * to a minute (a node that did not stop within 60 s of SIGTERM: CaseworkApiIT, later FeatureMixIT, whose Derby
 * shutdown slept in RAFContainer.clean). A task still running after the wait is left to end with the database; the
 * work it did is in a transaction or a durable job, and is taken up again after the next start. The wait matters even
 * so: Derby itself interrupts every thread still inside it when its engine shuts down, moments after Waymark's bundles
 * stopped ({@code ContextService.notifyAllActiveThreads}), so every executor that touches the database, a poller's
 * included, is stopped here and not just shut down.
 */
public final class DatabaseThreads {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseThreads.class);

    private DatabaseThreads() {
    }

    /**
     * One daemon thread for scheduled work in the database. At shutdown it drops its delayed one-off tasks as well as
     * its repeating ones (a plain scheduled executor still runs the former), so that {@link #stop} waits only for a
     * run in progress.
     */
    public static ScheduledExecutorService scheduler(String threadName) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return scheduler;
    }

    /**
     * Shuts the executor down without interrupting its threads: repeating tasks stop, a running task may finish within
     * {@code wait}. A scheduled executor not made by {@link #scheduler} still runs its delayed one-off tasks after
     * shutdown; cancel them first.
     */
    public static void stop(ExecutorService executor, Duration wait) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("A task using the database was still running {} s after its component stopped; it ends with the "
                        + "database", wait.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
