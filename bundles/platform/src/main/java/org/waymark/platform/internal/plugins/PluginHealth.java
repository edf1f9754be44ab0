package org.waymark.platform.internal.plugins;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the guard has seen of one plugin. Only unexpected failures count (exceptions a plugin was not asked to use
 * for a declared outcome, and time-outs). When {@code failureThreshold} of the last {@code 2 x failureThreshold} calls
 * failed, the plugin is marked failed until an admin resets it or the plugin is redeployed. A window rather than a
 * run of failures, because a broken plugin's cheap calls (can you reach this person?) succeed between its failing
 * ones.
 */
final class PluginHealth {
    private final int failureThreshold;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final boolean[] recentFailures;
    private int next;
    private volatile boolean failed;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    PluginHealth(int failureThreshold) {
        this.failureThreshold = failureThreshold;
        this.recentFailures = new boolean[2 * failureThreshold];
    }

    void succeeded() {
        calls.incrementAndGet();
        remember(false);
    }

    /** A declared outcome (the receiver refused, say): the plugin behaved, the work did not succeed. */
    void declined() {
        succeeded();
    }

    void misbehaved(String error, boolean timedOut, Instant at) {
        calls.incrementAndGet();
        (timedOut ? timeouts : errors).incrementAndGet();
        lastError = error;
        lastErrorAt = at;
        if (remember(true) >= failureThreshold) {
            failed = true;
        }
    }

    /** @return the failures among the remembered calls */
    private synchronized int remember(boolean failure) {
        recentFailures[next] = failure;
        next = (next + 1) % recentFailures.length;
        int failures = 0;
        for (boolean f : recentFailures) {
            failures += f ? 1 : 0;
        }
        return failures;
    }

    synchronized void reset() {
        java.util.Arrays.fill(recentFailures, false);
        failed = false;
    }

    boolean failed() {
        return failed;
    }

    long calls() {
        return calls.get();
    }

    long errors() {
        return errors.get();
    }

    long timeouts() {
        return timeouts.get();
    }

    String lastError() {
        return lastError;
    }

    Instant lastErrorAt() {
        return lastErrorAt;
    }
}
