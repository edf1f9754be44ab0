package org.waymark.api.jobs;

import java.sql.Connection;

/**
 * Durable jobs: stored in the database, leased by one node at a time with a conditional update, retried with
 * backoff, dead-lettered after their last attempt. They survive restarts and crashes.
 */
public interface JobScheduler {

    /**
     * Schedules a job inside the caller's transaction, so the job exists exactly when the change that caused it
     * commits (the outbox pattern). Scheduling an existing (type, key) again changes nothing.
     *
     * @return the job's id (the existing one for a repeated key)
     */
    String schedule(Connection transaction, JobRequest request);

    /** Schedules a job in a transaction of its own. */
    String schedule(JobRequest request);

    /** Cancels a pending job by its key, inside the caller's transaction; true if one was pending. */
    boolean cancel(Connection transaction, String type, String key);
}
