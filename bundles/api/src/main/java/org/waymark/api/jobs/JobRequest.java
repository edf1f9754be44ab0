package org.waymark.api.jobs;

import java.time.Instant;
import java.util.Objects;

/**
 * Work to be done later, by whichever node leases it first.
 *
 * @param type        selects the {@link JobHandler}
 * @param key         unique per type: scheduling the same (type, key) again is a no-op, so callers can use a stable
 *                    key (a message id, "reminder-{plan}-{week}") and never schedule the same work twice
 * @param payload     what the handler needs, as text (JSON by convention); never more than the handler needs
 * @param runAt       earliest time to run; null for as soon as possible
 * @param maxAttempts attempts before the job goes to the dead-letter list; 0 for the scheduler's default
 */
public record JobRequest(String type, String key, String payload, Instant runAt, int maxAttempts) {
    public JobRequest {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative");
        }
    }

    public static JobRequest now(String type, String key, String payload) {
        return new JobRequest(type, key, payload, null, 0);
    }
}
