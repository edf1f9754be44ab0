package org.waymark.api.jobs;

import java.time.Instant;

/**
 * A job as handed to its handler.
 *
 * @param attempt 1 on the first run; a job that ran on a node that died runs again with the next number
 */
public record Job(String id, String type, String key, String payload, int attempt, Instant scheduledFor) {
}
