package org.waymark.platform.internal.plugins;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.jobs.PermanentJobFailure;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.platform.db.Jdbc;

/**
 * The one way into plugin code: each call runs on a thread of the guard's own with a time limit, so a plugin that
 * hangs holds up neither the caller nor its transaction; exceptions and time-outs are counted per plugin, and a
 * plugin that misbehaves {@code failureThreshold} times in a row is marked failed and not called again until reset.
 *
 * <p>A call that runs out of time is abandoned, never interrupted: job handlers and report plugins work in the
 * database, and a thread interrupted inside Derby's file I/O closes the file channel under every thread (Derby then
 * retries for up to a minute, at the latest in the checkpoint of the node's stop: see {@code DatabaseThreads}). An
 * abandoned call ends on its own; the caller has its answer, and a plugin that keeps timing out is marked failed, so
 * abandoned threads stay few.
 */
final class PluginGuard {
    private static final Logger LOG = LoggerFactory.getLogger(PluginGuard.class);
    private final Clock clock;
    private final int failureThreshold;
    private final Map<String, PluginHealth> healthByPlugin = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "waymark-plugin-call");
        thread.setDaemon(true);
        return thread;
    });

    PluginGuard(Clock clock, int failureThreshold) {
        this.clock = clock;
        this.failureThreshold = failureThreshold;
    }

    PluginHealth health(String pluginId) {
        return healthByPlugin.computeIfAbsent(pluginId, id -> new PluginHealth(failureThreshold));
    }

    boolean failed(String pluginId) {
        PluginHealth health = healthByPlugin.get(pluginId);
        return health != null && health.failed();
    }

    /** Drops what was seen of a plugin, so a redeployed one starts clean. */
    void forget(String pluginId) {
        healthByPlugin.remove(pluginId);
    }

    <T> T call(String pluginId, Duration limit, Callable<T> call) throws PluginCallException {
        PluginHealth health = health(pluginId);
        if (health.failed()) {
            throw new PluginCallException("Plugin " + pluginId + " is marked failed", null, false);
        }
        Future<T> result = threads.submit(call);
        try {
            T value = result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            health.succeeded();
            return value;
        } catch (TimeoutException e) {
            result.cancel(false);
            health.misbehaved("timed out after " + limit.toMillis() + " ms", true, clock.instant());
            throw new PluginCallException("Plugin " + pluginId + " timed out after " + limit.toMillis() + " ms", null, true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isDeclaredOutcome(cause)) {
                health.declined();
            } else {
                // The plugin's own words for admins (GET /api/plugins); its class goes to the log (not its message: it may name a person).
                LOG.warn("Plugin {} failed with {}", pluginId, cause.getClass().getName());
                health.misbehaved(cause.getMessage() == null || cause.getMessage().isBlank() ? "failed unexpectedly"
                        : cause.getMessage(), false, clock.instant());
            }
            throw new PluginCallException("Plugin " + pluginId + " failed: " + cause.getMessage(), cause, false);
        } catch (InterruptedException e) {
            result.cancel(false);
            Thread.currentThread().interrupt();
            throw new PluginCallException("Interrupted while calling plugin " + pluginId, e, false);
        }
    }

    /** Exceptions the SPI gives plugins to report an outcome; they say nothing bad about the plugin itself. */
    private static boolean isDeclaredOutcome(Throwable error) {
        return error instanceof DeliveryException || error instanceof PermanentJobFailure || error instanceof WaymarkException
                || error instanceof Jdbc.DatabaseUnavailableException;
    }

    /** Without interrupts: a plugin call may be inside Derby's file I/O (see JobRunner.stop). */
    void shutdown() {
        threads.shutdown();
    }
}
