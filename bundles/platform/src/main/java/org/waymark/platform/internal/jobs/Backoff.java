package org.waymark.platform.internal.jobs;

import java.time.Duration;

/** Exponential backoff: base, 2 x base, 4 x base ... up to a cap. */
public record Backoff(Duration base, Duration cap) {

    /** The wait after the given failed attempt (1 for the first). */
    public Duration delay(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 30));
        Duration delay = base.multipliedBy(1L << doublings);
        return delay.compareTo(cap) > 0 ? cap : delay;
    }
}
