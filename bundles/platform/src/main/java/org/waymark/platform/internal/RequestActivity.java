package org.waymark.platform.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.osgi.service.component.annotations.Component;

/**
 * Whether the node is serving requests: the JAX-RS servlets count the requests in flight, and background jobs (see
 * {@code JobHandler.background()}) yield to them. A request that ended a moment ago still counts, since clients send
 * back to back and the gaps between their requests are not idle time.
 *
 * <p>When the node stops, it first {@linkplain #drain drains}: requests already admitted finish, new ones are refused
 * (see {@code ReadinessGate}), and only then do Waymark's bundles stop. Derby interrupts every thread still inside it
 * when its engine shuts down, and a request interrupted in its file I/O would hold the stop for up to a minute.
 */
@Component(service = RequestActivity.class)
public final class RequestActivity {
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastEnded = System.nanoTime() - QUIET_NANOS;
    private volatile boolean stopping;

    public void started() {
        inFlight.incrementAndGet();
    }

    public void ended() {
        lastEnded = System.nanoTime();
        inFlight.decrementAndGet();
    }

    public boolean busy() {
        return inFlight.get() > 0 || System.nanoTime() - lastEnded < QUIET_NANOS;
    }

    /** Whether the node is stopping: a request that sees this must be refused (503 with Retry-After), not served. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Marks the node stopping and waits until no request is in flight, or for {@code limit}. A request counts itself in
     * before it asks {@link #stopping()}, so one that was let through is always waited for.
     *
     * @return how many requests were still in flight when the wait ended (0: drained)
     */
    public int drain(Duration limit) {
        stopping = true;
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return inFlight.get();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
