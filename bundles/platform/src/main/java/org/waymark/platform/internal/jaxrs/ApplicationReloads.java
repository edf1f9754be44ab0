package org.waymark.platform.internal.jaxrs;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesced reloads of the JAX-RS applications. Resources arrive one by one (a dozen at boot, several per plugin) and
 * reloading Jersey for each costs a full application rebuild, so changes within the delay are applied in one reload.
 *
 * <p>A reload for a core resource coming or going holds readiness (the node answers 503 until it has run): until then
 * the new route would be a 404, or the old one would call a withdrawn object. A change of service properties does
 * not: the same objects stay served until the new application is swapped in, and holding readiness for it only
 * turned a ready node away for a moment.
 */
final class ApplicationReloads {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationReloads.class);

    private final ScheduledExecutorService executor;
    private final long delayMillis;
    private final Runnable hold;
    private final Runnable release;
    private final Consumer<String> reload;
    /** Applications with a reload scheduled and not started yet, and whether that reload holds readiness. */
    private final Map<String, Boolean> scheduled = new HashMap<>();

    /** {@code hold} and {@code release}: readiness's {@link JaxRsReadiness#adding()} and {@link JaxRsReadiness#added()}. */
    ApplicationReloads(ScheduledExecutorService executor, long delayMillis, Runnable hold, Runnable release,
                       Consumer<String> reload) {
        this.executor = executor;
        this.delayMillis = delayMillis;
        this.hold = hold;
        this.release = release;
        this.reload = reload;
    }

    void schedule(String application, boolean holdsReadiness) {
        synchronized (scheduled) {
            Boolean held = scheduled.get(application);
            if (held == null) {
                scheduled.put(application, holdsReadiness);
                if (holdsReadiness) {
                    hold.run();
                }
                executor.schedule(() -> run(application), delayMillis, TimeUnit.MILLISECONDS);
            } else if (holdsReadiness && !held) {
                // A route comes in while a reload that does not hold is waiting: that reload now brings it.
                scheduled.put(application, true);
                hold.run();
            }
        }
    }

    private void run(String application) {
        boolean held;
        synchronized (scheduled) {
            // Taken off before the reload reads the services: a change from now on schedules a reload of its own.
            held = scheduled.remove(application);
        }
        try {
            reload.accept(application);
        } catch (RuntimeException e) {
            LOG.error("Reloading the {} JAX-RS application failed", application, e);
        } finally {
            if (held) {
                release.run();
            }
        }
    }
}
