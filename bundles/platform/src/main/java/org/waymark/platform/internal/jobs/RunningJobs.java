package org.waymark.platform.internal.jobs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** How many jobs of each type run on this node now, against each type's own limit. */
final class RunningJobs {
    private final Map<String, Integer> running = new ConcurrentHashMap<>();

    /** How many more jobs of this type may start. */
    int room(String type, int limit) {
        return Math.max(0, limit - running.getOrDefault(type, 0));
    }

    void started(String type) {
        running.merge(type, 1, Integer::sum);
    }

    void finished(String type) {
        running.computeIfPresent(type, (t, n) -> n <= 1 ? null : n - 1);
    }
}
