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

    /**
     * Schedules a job whose key was made in this same transaction (the id of a referral or message it has just
     * created), so that no job can hold the key yet: it is inserted without looking for an earlier one, which saves a
     * query and a savepoint on every referral. A key that is taken after all fails the transaction.
     *
     * @return the new job's id
     */
    default String scheduleNew(Connection transaction, JobRequest request) {
        return schedule(transaction, request);
    }

    /** Schedules a job in a transaction of its own. */
    String schedule(JobRequest request);

    /** Cancels a pending job by its key, inside the caller's transaction; true if one was pending. */
    boolean cancel(Connection transaction, String type, String key);
}
