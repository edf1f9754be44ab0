package org.waymark.platform.internal.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobRequest;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class JobStoreTest {
    private static final Duration LEASE = Duration.ofSeconds(120);
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(10));
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
    private DataSource db;
    private JobStore nodeA;
    private JobStore nodeB;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml");
        nodeA = new JobStore(db, clock, "node-a", 3);
        nodeB = new JobStore(db, clock, "node-b", 3);
    }

    private String schedule(JobStore store, JobRequest request) {
        return Jdbc.inTransaction(db, c -> store.insert(c, request));
    }

    @Test
    void finishedJobsAreDeletedOnceOlderThanTheCutOffInBatchesWhileDeadAndPendingOnesStay() {
        for (int i = 0; i < 5; i++) {
            schedule(nodeA, JobRequest.now("mail", "old-" + i, "{}"));
        }
        schedule(nodeA, JobRequest.now("sms", "dead", "{}"));
        for (Job job : nodeA.lease(List.of("mail"), 10, LEASE)) {
            assertThat(nodeA.complete(job.id())).isTrue();
        }
        Job dead = nodeA.lease(List.of("sms"), 1, LEASE).get(0);
        assertThat(nodeA.fail(dead.id(), "refused", true, BACKOFF)).isEqualTo(JobStore.State.DEAD);
        clock.advance(Duration.ofDays(31));
        schedule(nodeA, JobRequest.now("mail", "recent", "{}"));
        Job recent = nodeA.lease(List.of("mail"), 1, LEASE).get(0);
        assertThat(nodeA.complete(recent.id())).isTrue();
        schedule(nodeA, JobRequest.now("mail", "waiting", "{}"));

        assertThat(nodeA.purgeDone(Duration.ofDays(30), 2, () -> true)).as("three batches of at most two").isEqualTo(5);

        assertThat(nodeA.list(null, 10)).extracting(JobStore.JobView::key).containsExactlyInAnyOrder("dead", "recent", "waiting");
        assertThat(nodeA.purgeDone(Duration.ofDays(30), 2, () -> true)).isZero();
    }

    @Test
    void theSameKeyIsScheduledOnce() {
        String first = schedule(nodeA, JobRequest.now("mail", "message-1", "{}"));
        String again = schedule(nodeB, JobRequest.now("mail", "message-1", "{\"other\":true}"));
        assertThat(again).isEqualTo(first);
        assertThat(nodeA.list(null, 10)).hasSize(1);
    }

    @Test
    void aKeyScheduledAgainInOneTransactionGivesTheFirstJobAndTheTransactionGoesOn() {
        List<String> ids = Jdbc.inTransaction(db, c -> List.of(nodeA.insert(c, JobRequest.now("mail", "message-2", "{}")),
                nodeA.insert(c, JobRequest.now("mail", "message-2", "{}")),
                nodeA.insert(c, JobRequest.now("mail", "message-3", "{}"))));
        assertThat(ids.get(1)).isEqualTo(ids.get(0));
        assertThat(ids.get(2)).isNotEqualTo(ids.get(0));
        assertThat(nodeA.list(null, 10)).hasSize(2);
    }

    @Test
    void aNewKeyIsInsertedWithoutLookingAndATakenOneFailsTheTransaction() {
        String fresh = Jdbc.inTransaction(db, c -> nodeA.insertNew(c, JobRequest.now("validate", "referral-1", null)));
        assertThat(schedule(nodeB, JobRequest.now("validate", "referral-1", null))).isEqualTo(fresh);
        assertThat(nodeA.lease(Set.of("validate"), 10, LEASE)).extracting(Job::id).containsExactly(fresh);

        assertThatThrownBy(() -> Jdbc.inTransaction(db, c -> {
            nodeA.insert(c, JobRequest.now("mail", "message-9", "{}"));
            return nodeA.insertNew(c, JobRequest.now("validate", "referral-1", null));
        })).isInstanceOf(Jdbc.DatabaseUnavailableException.class)
                .satisfies(e -> assertThat(Jdbc.isUniqueViolation((java.sql.SQLException) e.getCause())).isTrue());
        assertThat(nodeA.list(null, 10)).extracting(JobStore.JobView::key).containsExactly("referral-1");
    }

    @Test
    void aJobScheduledInARolledBackTransactionDoesNotExist() {
        try {
            Jdbc.inTransaction(db, c -> {
                nodeA.insert(c, JobRequest.now("mail", "message-1", "{}"));
                throw new IllegalStateException("the change failed");
            });
        } catch (IllegalStateException expected) {
            // the caller's change and its job go together
        }
        assertThat(nodeA.list(null, 10)).isEmpty();
    }

    @Test
    void aJobIsNotDueBeforeItsTime() {
        schedule(nodeA, new JobRequest("reminder", "week-2", null, clock.instant().plus(Duration.ofDays(14)), 0));
        assertThat(nodeA.lease(Set.of("reminder"), 10, LEASE)).isEmpty();
        clock.advance(Duration.ofDays(14));
        assertThat(nodeA.lease(Set.of("reminder"), 10, LEASE)).extracting(Job::key).containsExactly("week-2");
    }

    @Test
    void onlyOneNodeLeasesAJob() {
        schedule(nodeA, JobRequest.now("mail", "message-1", "{}"));
        assertThat(nodeA.lease(Set.of("mail"), 10, LEASE)).hasSize(1);
        assertThat(nodeB.lease(Set.of("mail"), 10, LEASE)).isEmpty();
    }

    @Test
    void concurrentNodesNeverLeaseTheSameJobTwice() throws Exception {
        for (int i = 0; i < 40; i++) {
            schedule(nodeA, JobRequest.now("mail", "message-" + i, null));
        }
        List<JobStore> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(new JobStore(db, clock, "node-" + i, 3));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Job>>> results = new ArrayList<>();
        for (JobStore node : nodes) {
            results.add(pool.submit(() -> {
                start.await();
                List<Job> mine = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    mine.addAll(node.lease(Set.of("mail"), 3, LEASE));
                }
                return mine;
            }));
        }
        start.countDown();
        List<String> leased = Collections.synchronizedList(new ArrayList<>());
        for (Future<List<Job>> result : results) {
            result.get(30, TimeUnit.SECONDS).forEach(job -> leased.add(job.key()));
        }
        pool.shutdown();
        assertThat(leased).hasSize(40).doesNotHaveDuplicates();
    }

    @Test
    void aJobWhoseNodeDiedRunsAgainWhenTheLeaseRunsOut() {
        schedule(nodeA, JobRequest.now("mail", "message-1", "{}"));
        Job first = nodeA.lease(Set.of("mail"), 10, LEASE).get(0);
        // node A dies without finishing; node B must wait for the lease
        clock.advance(LEASE.minusSeconds(1));
        assertThat(nodeB.lease(Set.of("mail"), 10, LEASE)).isEmpty();
        clock.advance(Duration.ofSeconds(2));
        Job second = nodeB.lease(Set.of("mail"), 10, LEASE).get(0);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.attempt()).isEqualTo(2);
        // node A coming back late cannot complete a job it no longer owns
        assertThat(nodeA.complete(first.id())).isFalse();
        assertThat(nodeB.complete(second.id())).isTrue();
        assertThat(nodeA.list(JobStore.State.DONE, 10)).hasSize(1);
    }

    @Test
    void releasingLeasesAfterARestartMakesJobsDueAtOnce() {
        schedule(nodeA, JobRequest.now("mail", "message-1", "{}"));
        nodeA.lease(Set.of("mail"), 10, LEASE);
        JobStore restarted = new JobStore(db, clock, "node-a2", 3);
        assertThat(restarted.releaseAllLeases()).isEqualTo(1);
        assertThat(restarted.lease(Set.of("mail"), 10, LEASE)).hasSize(1);
    }

    /** On a shared database: a node that comes back under its own name takes back its jobs, never another node's. */
    @Test
    void aRestartedNodeTakesBackItsOwnLeasesAtOnceAndLeavesOtherNodesLeases() {
        schedule(nodeA, JobRequest.now("mail", "held-by-a", "{}"));
        Job heldByA = nodeA.lease(Set.of("mail"), 1, LEASE).get(0);
        schedule(nodeB, JobRequest.now("mail", "held-by-b", "{}"));
        Job heldByB = nodeB.lease(Set.of("mail"), 1, LEASE).get(0);

        JobStore nodeAAgain = new JobStore(db, clock, "node-a", 3);
        assertThat(nodeAAgain.releaseOwnLeases()).isEqualTo(1);

        List<Job> leasedAgain = nodeAAgain.lease(Set.of("mail"), 10, LEASE);
        assertThat(leasedAgain).extracting(Job::id).containsExactly(heldByA.id());
        assertThat(nodeB.complete(heldByB.id())).as("node B's lease was left alone").isTrue();
    }

    @Test
    void failuresBackOffThenDeadLetterAndReplayStartsAfresh() {
        String id = schedule(nodeA, JobRequest.now("mail", "message-1", "{}"));
        Job job = nodeA.lease(Set.of("mail"), 10, LEASE).get(0);
        assertThat(nodeA.fail(job.id(), "connection refused", false, BACKOFF)).isEqualTo(JobStore.State.PENDING);
        clock.advance(Duration.ofSeconds(4));
        assertThat(nodeA.lease(Set.of("mail"), 10, LEASE)).as("still backing off").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        job = nodeA.lease(Set.of("mail"), 10, LEASE).get(0);
        assertThat(nodeA.fail(job.id(), "connection refused", false, BACKOFF)).isEqualTo(JobStore.State.PENDING);
        clock.advance(Duration.ofSeconds(9));
        assertThat(nodeA.lease(Set.of("mail"), 10, LEASE)).as("second wait is twice the first").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        job = nodeA.lease(Set.of("mail"), 10, LEASE).get(0);
        assertThat(nodeA.fail(job.id(), "connection refused", false, BACKOFF)).isEqualTo(JobStore.State.DEAD);

        clock.advance(Duration.ofHours(1));
        assertThat(nodeA.lease(Set.of("mail"), 10, LEASE)).isEmpty();
        assertThat(nodeA.list(JobStore.State.DEAD, 10)).singleElement()
                .satisfies(dead -> assertThat(dead.lastError()).isEqualTo("connection refused"));

        assertThat(nodeA.replay(id)).isTrue();
        assertThat(nodeA.replay(id)).as("only dead jobs replay").isFalse();
        assertThat(nodeA.lease(Set.of("mail"), 10, LEASE)).singleElement().satisfies(j -> assertThat(j.attempt()).isEqualTo(1));
    }

    @Test
    void aPermanentFailureDeadLettersAtOnce() {
        schedule(nodeA, JobRequest.now("mail", "message-1", "{}"));
        Job job = nodeA.lease(Set.of("mail"), 10, LEASE).get(0);
        assertThat(nodeA.fail(job.id(), "recipient refused", true, BACKOFF)).isEqualTo(JobStore.State.DEAD);
    }

    @Test
    void jobsOfTypesWithoutAHandlerWait() {
        schedule(nodeA, JobRequest.now("sms", "message-1", "{}"));
        assertThat(nodeA.lease(Set.of("mail"), 10, LEASE)).isEmpty();
        assertThat(nodeA.lease(Set.of("mail", "sms"), 10, LEASE)).hasSize(1);
    }

    @Test
    void aCancelledJobNeverRuns() {
        schedule(nodeA, JobRequest.now("reminder", "week-6", null));
        boolean cancelled = Jdbc.inTransaction(db, c -> nodeA.cancel(c, "reminder", "week-6"));
        assertThat(cancelled).isTrue();
        assertThat(nodeA.lease(Set.of("reminder"), 10, LEASE)).isEmpty();
    }

    @Test
    void backoffDoublesUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(60));
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delay(500)).isEqualTo(Duration.ofSeconds(60));
    }
}
