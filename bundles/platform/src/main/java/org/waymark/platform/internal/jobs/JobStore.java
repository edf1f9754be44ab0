package org.waymark.platform.internal.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.waymark.api.jobs.Job;
import org.waymark.api.jobs.JobRequest;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;

/**
 * The jobs table. Leasing is a conditional UPDATE (state still pending, due, lease free or expired), so whichever node
 * changes the row owns the run; no lock is held in memory or across statements.
 */
public final class JobStore {
    public enum State { PENDING, DONE, DEAD }

    /** A job as an operator sees it. */
    public record JobView(String id, String type, String key, State state, int attempts, int maxAttempts, Instant runAt,
                          String leaseOwner, Instant leaseUntil, String lastError, Instant created, Instant updated) {
    }

    private static final int ERROR_LENGTH = 1000;
    private final DataSource db;
    private final Clock clock;
    private final String nodeId;
    private final int defaultMaxAttempts;

    public JobStore(DataSource db, Clock clock, String nodeId, int defaultMaxAttempts) {
        this.db = db;
        this.clock = clock;
        this.nodeId = nodeId;
        this.defaultMaxAttempts = defaultMaxAttempts;
    }

    public String nodeId() {
        return nodeId;
    }

    public String insert(Connection c, JobRequest request) throws SQLException {
        // Looked for first rather than left to the unique index: daily jobs are scheduled again at every start, and
        // Derby, just after a crash, failed at inserts into wm_job that were then undone (FaultIT: XBCA0 on a page of
        // the job index).
        Optional<String> existing = idOf(c, request.type(), request.key());
        if (existing.isPresent()) {
            return existing.get();
        }
        // Another transaction may schedule the same key at the same moment: the key is the job's identity, so the
        // first one's job is the one.
        Optional<String> inserted = Jdbc.unlessDuplicate(c, tx -> insertNew(tx, request));
        return inserted.isPresent() ? inserted.get() : idOf(c, request.type(), request.key()).orElseThrow();
    }

    /** Inserts a job whose key no job can hold yet (the caller made it in this transaction); a clash fails. */
    public String insertNew(Connection c, JobRequest request) throws SQLException {
        String id = RowIds.next();
        Timestamp now = Timestamp.from(clock.instant());
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_job (id, job_type, job_key, payload, state, "
                + "attempts, max_attempts, run_at, created_at, updated_at) VALUES (?,?,?,?,?,0,?,?,?,?)")) {
            s.setString(1, id);
            s.setString(2, request.type());
            s.setString(3, request.key());
            s.setString(4, request.payload());
            s.setString(5, State.PENDING.name());
            s.setInt(6, request.maxAttempts() == 0 ? defaultMaxAttempts : request.maxAttempts());
            s.setTimestamp(7, request.runAt() == null ? now : Timestamp.from(request.runAt()));
            s.setTimestamp(8, now);
            s.setTimestamp(9, now);
            s.executeUpdate();
            return id;
        }
    }

    private static Optional<String> idOf(Connection c, String type, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM wm_job WHERE job_type = ? AND job_key = ?")) {
            s.setString(1, type);
            s.setString(2, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    public boolean cancel(Connection c, String type, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_job WHERE job_type = ? AND job_key = ? AND state = ?")) {
            s.setString(1, type);
            s.setString(2, key);
            s.setString(3, State.PENDING.name());
            return s.executeUpdate() > 0;
        }
    }

    /**
     * Leases up to {@code limit} due jobs of the given types for this node.
     *
     * @return the jobs now owned by this node, each with its attempt number
     */
    public List<Job> lease(Collection<String> types, int limit, Duration leaseFor) {
        if (types.isEmpty() || limit <= 0) {
            return List.of();
        }
        Instant now = clock.instant();
        return Jdbc.inTransaction(db, c -> {
            List<String> candidates = new ArrayList<>();
            String placeholders = String.join(",", java.util.Collections.nCopies(types.size(), "?"));
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM wm_job WHERE state = ? AND run_at <= ?"
                    + " AND (lease_until IS NULL OR lease_until < ?) AND job_type IN (" + placeholders + ") ORDER BY run_at")) {
                s.setMaxRows(limit);
                s.setString(1, State.PENDING.name());
                s.setTimestamp(2, Timestamp.from(now));
                s.setTimestamp(3, Timestamp.from(now));
                int i = 4;
                for (String type : types) {
                    s.setString(i++, type);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        candidates.add(r.getString(1));
                    }
                }
            }
            List<Job> leased = new ArrayList<>();
            for (String id : candidates) {
                try (PreparedStatement s = c.prepareStatement("UPDATE wm_job SET lease_owner = ?, lease_until = ?,"
                        + " attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = ? AND run_at <= ?"
                        + " AND (lease_until IS NULL OR lease_until < ?)")) {
                    s.setString(1, nodeId);
                    s.setTimestamp(2, Timestamp.from(now.plus(leaseFor)));
                    s.setTimestamp(3, Timestamp.from(now));
                    s.setString(4, id);
                    s.setString(5, State.PENDING.name());
                    s.setTimestamp(6, Timestamp.from(now));
                    s.setTimestamp(7, Timestamp.from(now));
                    if (s.executeUpdate() == 1) {
                        leased.add(load(c, id));
                    }
                }
            }
            return leased;
        });
    }

    private static Job load(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT job_type, job_key, payload, attempts, run_at FROM wm_job WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new Job(id, r.getString(1), r.getString(2), r.getString(3), r.getInt(4), r.getTimestamp(5).toInstant());
            }
        }
    }

    /** Marks a job this node leased as done; false if the lease was lost meanwhile (another node took it over). */
    public boolean complete(String id) {
        return finish(id, State.DONE, null, null);
    }

    /**
     * Records a failed run: dead-lettered when permanent or out of attempts, else due again after the backoff.
     *
     * @return the job's state afterwards
     */
    public State fail(String id, String error, boolean permanent, Backoff backoff) {
        return Jdbc.inTransaction(db, c -> {
            int attempts;
            int maxAttempts;
            try (PreparedStatement s = c.prepareStatement("SELECT attempts, max_attempts FROM wm_job WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return State.DEAD;
                    }
                    attempts = r.getInt(1);
                    maxAttempts = r.getInt(2);
                }
            }
            boolean dead = permanent || attempts >= maxAttempts;
            State next = dead ? State.DEAD : State.PENDING;
            Instant runAt = dead ? null : clock.instant().plus(backoff.delay(attempts));
            update(c, id, next, error, runAt);
            return next;
        });
    }

    private boolean finish(String id, State state, String error, Instant runAt) {
        return Jdbc.inTransaction(db, c -> update(c, id, state, error, runAt));
    }

    private boolean update(Connection c, String id, State state, String error, Instant runAt) throws SQLException {
        String sql = "UPDATE wm_job SET state = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?"
                + (error != null ? ", last_error = ?" : state == State.DONE ? ", last_error = NULL" : "")
                + (runAt != null ? ", run_at = ?" : "")
                + " WHERE id = ? AND lease_owner = ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            s.setString(i++, state.name());
            s.setTimestamp(i++, Timestamp.from(clock.instant()));
            if (error != null) {
                s.setString(i++, error.length() > ERROR_LENGTH ? error.substring(0, ERROR_LENGTH) : error);
            }
            if (runAt != null) {
                s.setTimestamp(i++, Timestamp.from(runAt));
            }
            s.setString(i++, id);
            s.setString(i, nodeId);
            return s.executeUpdate() == 1;
        }
    }

    /**
     * Puts a dead-lettered job back in the queue with fresh attempts.
     *
     * @return false if there is no dead job with this id
     */
    public boolean replay(String id) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_job SET state = ?, attempts = 0, run_at = ?,"
                    + " lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND state = ?")) {
                Timestamp now = Timestamp.from(clock.instant());
                s.setString(1, State.PENDING.name());
                s.setTimestamp(2, now);
                s.setTimestamp(3, now);
                s.setString(4, id);
                s.setString(5, State.DEAD.name());
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Takes back the leases this node held when it last stopped or died: on a shared database, at its start, before it
     * leases anything (whatever it ran then ended with it). Other nodes' leases stay.
     */
    public int releaseOwnLeases() {
        return releaseLeases(" AND lease_owner = ?", nodeId);
    }

    /**
     * Frees every lease. Only for a database that a single process owns (embedded Derby): leases left by a process
     * that died then belong to nobody, and the jobs need not wait for the leases to run out.
     */
    public int releaseAllLeases() {
        return releaseLeases(" AND lease_until IS NOT NULL");
    }

    private int releaseLeases(String condition, String... parameters) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE wm_job SET lease_owner = NULL, lease_until = NULL WHERE state = ?" + condition)) {
                s.setString(1, State.PENDING.name());
                for (int i = 0; i < parameters.length; i++) {
                    s.setString(i + 2, parameters[i]);
                }
                return s.executeUpdate();
            }
        });
    }

    /**
     * Deletes finished jobs whose last run ended longer ago than {@code kept}, a batch per transaction so that no lock is
     * held for long. Dead-lettered and pending jobs stay. A finished job's key keeps a second schedule of the same
     * key from running again; the keys Waymark uses name a day, a message or a due date, so none is scheduled again
     * after the weeks a finished job is kept.
     *
     * @param carryOn asked before each batch: false stops (the node is stopping)
     * @return how many were deleted
     */
    public int purgeDone(Duration kept, int batch, BooleanSupplier carryOn) {
        Instant before = clock.instant().minus(kept);
        int total = 0;
        int deleted;
        do {
            deleted = Jdbc.inTransaction(db, c -> {
                List<String> ids = new ArrayList<>();
                // run_at first: the (state, run_at) index finds them; a finished job ran at or after its run_at.
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT id FROM wm_job WHERE state = ? AND run_at < ? AND updated_at < ?")) {
                    s.setMaxRows(batch);
                    s.setString(1, State.DONE.name());
                    s.setTimestamp(2, Timestamp.from(before));
                    s.setTimestamp(3, Timestamp.from(before));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            ids.add(r.getString(1));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    return 0;
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_job WHERE id = ? AND state = ?")) {
                    for (String id : ids) {
                        s.setString(1, id);
                        s.setString(2, State.DONE.name());
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                return ids.size();
            });
            total += deleted;
        } while (deleted == batch && carryOn.getAsBoolean());
        return total;
    }

    public List<JobView> list(State state, int limit) {
        return Jdbc.inTransaction(db, c -> {
            String sql = "SELECT id, job_type, job_key, state, attempts, max_attempts, run_at, lease_owner, lease_until,"
                    + " last_error, created_at, updated_at FROM wm_job" + (state == null ? "" : " WHERE state = ?")
                    + " ORDER BY updated_at DESC";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setMaxRows(limit);
                if (state != null) {
                    s.setString(1, state.name());
                }
                List<JobView> jobs = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        jobs.add(new JobView(r.getString(1), r.getString(2), r.getString(3), State.valueOf(r.getString(4)),
                                r.getInt(5), r.getInt(6), instant(r.getTimestamp(7)), r.getString(8),
                                instant(r.getTimestamp(9)), r.getString(10), instant(r.getTimestamp(11)),
                                instant(r.getTimestamp(12))));
                    }
                }
                return jobs;
            }
        });
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
