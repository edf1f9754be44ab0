package org.waymark.platform.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;

/**
 * Whether the node is serving requests: the JAX-RS servlets count the requests in flight, and background jobs (see
 * {@code JobHandler.background()}) yield to them. A request that ended a moment ago still counts, since clients send
 * back to back and the gaps between their requests are not idle time.
 */
@Component(service = RequestActivity.class)
public final class RequestActivity {
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastEnded = System.nanoTime() - QUIET_NANOS;

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
}
