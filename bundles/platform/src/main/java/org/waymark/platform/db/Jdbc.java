package org.waymark.platform.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.error.WaymarkException;

/** One transaction per use case: commit on success, roll back on any failure. */
public final class Jdbc {
    private Jdbc() {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Jdbc.class);

    /** Per thread, the transactions {@link #inTransaction} has open and what each does once it has committed. */
    private static final ThreadLocal<Map<Connection, List<Runnable>>> AFTER_COMMIT =
            ThreadLocal.withInitial(IdentityHashMap::new);

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Attempts at a transaction that loses a lock conflict before its failure reaches the caller. */
    static final int ATTEMPTS = 3;

    /**
     * Runs the work in one transaction. A transaction that loses a lock conflict (a deadlock victim, a lock wait
     * that timed out) has been rolled back whole, so it is run again, up to {@link #ATTEMPTS} times, after a short
     * random pause: the conflict is with another transaction that is about to finish, and a caller would otherwise
     * get a 503 for it (seen in FaultIT on Derby with 32 clients). Work must therefore touch nothing but the
     * connection, which holds for Waymark: messages, jobs and audit rows all go through the database.
     */
    public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(dataSource, work);
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !isLockConflict(e)) {
                    throw e;
                }
                pauseBeforeAttempt(attempt + 1);
            }
        }
    }

    /**
     * Does something once the transaction of {@link #inTransaction} that holds this connection has committed: hands
     * work to another thread that must not see, or act on, what may still be rolled back (or, on PostgreSQL, what
     * another connection cannot see yet). Nothing is done when the transaction rolls back, and a transaction run
     * again after a lost lock conflict registers its actions again. The action runs on the committing thread before
     * {@code inTransaction} returns; it must be short and must not fail the caller, whose work is already durable, so a
     * failure is logged, not thrown.
     *
     * @throws IllegalStateException if the connection is not that of a transaction open in this thread
     */
    public static void afterCommit(Connection transaction, Runnable action) {
        List<Runnable> actions = AFTER_COMMIT.get().get(transaction);
        if (actions == null) {
            throw new IllegalStateException("Not a transaction of Jdbc.inTransaction open in this thread");
        }
        actions.add(action);
    }

    private static <T> T once(DataSource dataSource, Work<T> work) {
        List<Runnable> committed;
        T result;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            Map<Connection, List<Runnable>> open = AFTER_COMMIT.get();
            open.put(connection, new ArrayList<>(0));
            try {
                result = work.run(connection);
                connection.commit();
                committed = open.get(connection);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                open.remove(connection);
                if (open.isEmpty()) {
                    AFTER_COMMIT.remove();
                }
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            if (isDataException(e)) {
                // A value that does not fit its column (too long, out of range): input the code should have refused
                // with a precise message. Still the caller's 4xx, never a 503 that tells the sender to retry for ever.
                throw WaymarkException.invalid("A value in the request is longer or larger than this service stores");
            }
            throw new DatabaseUnavailableException(e);
        }
        for (Runnable action : committed) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("An action after a committed transaction failed: {}", e.toString());
            }
        }
        return result;
    }

    /** SQLState class 22, data exception (22001 string data right truncation, 22003 numeric value out of range...). */
    static boolean isDataException(SQLException error) {
        String state = error.getSQLState();
        return state != null && state.startsWith("22");
    }

    /**
     * Whether a failure is a lost lock conflict, after which the whole transaction has been rolled back: SQLState
     * 40001 (serialization failure, Derby's deadlock victim), 40P01 (PostgreSQL's deadlock victim), 40XL1 and 40XL2
     * (Derby's lock wait timeout, the second with the lock table). Application errors never are.
     */
    static boolean isLockConflict(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WaymarkException) {
                return false;
            }
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    // Null for the connection pool's own failures, and an immutable Set refuses to look for null.
                    String state = s.getSQLState();
                    if (state != null && LOCK_CONFLICTS.contains(state)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static final Set<String> LOCK_CONFLICTS = Set.of("40001", "40P01", "40XL1", "40XL2");

    /**
     * Whether a statement failed because a unique index or key already holds its value (SQLState 23505, the same on
     * Derby and PostgreSQL). Test the state, not the exception's class: Derby throws
     * {@code SQLIntegrityConstraintViolationException}, but PostgreSQL's driver throws a plain {@code SQLException}.
     * On PostgreSQL the failure also ends the transaction: work that carries on after it must roll back to a
     * savepoint taken before the statement.
     */
    public static boolean isUniqueViolation(SQLException error) {
        return UNIQUE_VIOLATION.equals(error.getSQLState());
    }

    private static final String UNIQUE_VIOLATION = "23505";

    /**
     * Runs work, inside the caller's transaction, that may clash with a unique key another transaction (or an earlier
     * attempt) already holds. On a clash it rolls back to a savepoint taken before the work, so the transaction can go
     * on (PostgreSQL ends a transaction at the failed statement otherwise), and answers empty.
     */
    public static <T> Optional<T> unlessDuplicate(Connection connection, Work<T> work) throws SQLException {
        Savepoint before = connection.setSavepoint();
        try {
            return Optional.of(work.run(connection));
        } catch (SQLException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            connection.rollback(before);
            return Optional.empty();
        }
    }

    private static void pauseBeforeAttempt(int attempt) {
        long millis = ThreadLocalRandom.current().nextLong(10, 50L * attempt);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException(new SQLException("Interrupted before retrying a transaction", "08000"));
        }
    }

    /**
     * The database could not do the work. Its message, which reaches the log, names the SQLState and repeats the
     * driver's text except for data and integrity errors (classes 22 and 23), whose texts quote the row's values
     * (Derby's truncation error, PostgreSQL's duplicate key detail), which can be personal data. The others (a lost
     * connection, a shutdown, a lock timeout) are what an operator needs to read.
     */
    public static final class DatabaseUnavailableException extends RuntimeException {
        public DatabaseUnavailableException(SQLException cause) {
            super("Database error (SQLState " + cause.getSQLState() + ")" + (quotesRowValues(cause) ? "" : ": " + cause.getMessage()),
                    cause);
        }

        private static boolean quotesRowValues(SQLException cause) {
            return isDataException(cause) || (cause.getSQLState() != null && cause.getSQLState().startsWith("23"));
        }
    }
}
