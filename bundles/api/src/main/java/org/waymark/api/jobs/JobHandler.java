package org.waymark.api.jobs;

/**
 * Runs the jobs of one type; registered as an OSGi service (core or plugin). A job may run more than once (after a
 * crash, or when its lease ran out), so a handler must be idempotent, typically through the job's stable key.
 * A handler is called through the plugin guard: with a time limit, outside any caller's transaction.
 */
public interface JobHandler {

    /** The job type this handler runs, e.g. {@code notification.deliver}. */
    String type();

    /**
     * How many jobs of this type may run at once on one node. A type whose jobs are heavy (a profile validation takes
     * a core) keeps its backlog to itself this way: the other workers stay free for the other types, which are
     * leased beside it rather than behind it.
     *
     * @since 1.1
     */
    default int maxConcurrentRuns() {
        return Integer.MAX_VALUE;
    }

    /**
     * Whether this type's jobs are background work that yields to requests: while the node serves requests, the
     * runner runs them one at a time and spaces them out so that they take at most about a quarter of one core; when
     * it is idle, it runs them back to back, up to {@link #maxConcurrentRuns()} at once. Right for work that nobody
     * waits on (a profile validation flags a referral; intake never waits for it).
     *
     * @since 1.2
     */
    default boolean background() {
        return false;
    }

    /**
     * Does the work. Returning normally completes the job. Throwing {@link PermanentJobFailure} sends it straight to
     * the dead-letter list; any other exception schedules a retry with backoff until the attempts are used up.
     */
    void run(Job job) throws Exception;
}
