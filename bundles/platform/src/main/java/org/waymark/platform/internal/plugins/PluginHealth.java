package org.waymark.platform.internal.plugins;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the guard has seen of one plugin. Only unexpected failures count (exceptions a plugin was not asked to use
 * for a declared outcome, and time-outs); enough of them in a row mark the plugin failed until an admin resets it or
 * the plugin is redeployed.
 */
final class PluginHealth {
    private final int failureThreshold;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile boolean failed;
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    PluginHealth(int failureThreshold) {
        this.failureThreshold = failureThreshold;
    }

    void succeeded() {
        calls.incrementAndGet();
        consecutiveFailures.set(0);
    }

    /** A declared outcome (the receiver refused, say): the plugin behaved, the work did not succeed. */
    void declined() {
        calls.incrementAndGet();
        consecutiveFailures.set(0);
    }

    void misbehaved(String error, boolean timedOut, Instant at) {
        calls.incrementAndGet();
        (timedOut ? timeouts : errors).incrementAndGet();
        lastError = error;
        lastErrorAt = at;
        if (consecutiveFailures.incrementAndGet() >= failureThreshold) {
            failed = true;
        }
    }

    void reset() {
        consecutiveFailures.set(0);
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
