package org.waymark.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.testing.TestDatabase;

class JdbcTest {
    private static DataSource db;

    @BeforeAll
    static void database() throws Exception {
        db = TestDatabase.migrated();
        Jdbc.inTransaction(db, c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE jdbc_test (n INT)");
            }
            return null;
        });
    }

    @Test
    void aTransactionThatLosesALockConflictRunsAgainAndItsFirstAttemptLeavesNothing() {
        AtomicInteger attempts = new AtomicInteger();
        int rows = Jdbc.inTransaction(db, c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO jdbc_test (n) VALUES (1)");
            }
            if (attempts.incrementAndGet() == 1) {
                throw new SQLException("A lock could not be obtained within the time requested", "40XL1");
            }
            try (Statement s = c.createStatement(); var r = s.executeQuery("SELECT COUNT(*) FROM jdbc_test WHERE n = 1")) {
                r.next();
                return r.getInt(1);
            }
        });
        assertThat(attempts).hasValue(2);
        assertThat(rows).as("the rolled-back first attempt left no row").isEqualTo(1);
        Jdbc.inTransaction(db, c -> c.createStatement().executeUpdate("DELETE FROM jdbc_test"));
    }

    @Test
    void whatWaitsForTheCommitHappensOnceAfterItAndNeverForARollback() {
        java.util.List<String> done = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        String answer = Jdbc.inTransaction(db, c -> {
            int attempt = attempts.incrementAndGet();
            Jdbc.afterCommit(c, () -> done.add("attempt " + attempt));
            Jdbc.inTransaction(db, inner -> {
                Jdbc.afterCommit(inner, () -> done.add("inner of attempt " + attempt));
                return null;
            });
            assertThat(done).as("an inner transaction's action waits for its own commit only").contains("inner of attempt " + attempt);
            assertThat(done).as("not before the commit").doesNotContain("attempt " + attempt);
            if (attempt == 1) {
                throw new SQLException("deadlock", "40001");
            }
            return "stored";
        });
        assertThat(answer).isEqualTo("stored");
        assertThat(done).as("the rolled-back attempt's action never ran").containsExactly("inner of attempt 1",
                "inner of attempt 2", "attempt 2");

        done.clear();
        assertThatThrownBy(() -> Jdbc.inTransaction(db, c -> {
            Jdbc.afterCommit(c, () -> done.add("rolled back"));
            throw WaymarkException.invalid("refused");
        })).isInstanceOf(WaymarkException.class);
        assertThat(done).isEmpty();
    }

    @Test
    void aFailingActionAfterTheCommitDoesNotFailTheCommittedWork() {
        AtomicInteger later = new AtomicInteger();
        String answer = Jdbc.inTransaction(db, c -> {
            Jdbc.afterCommit(c, () -> {
                throw new IllegalStateException("queue full");
            });
            Jdbc.afterCommit(c, later::incrementAndGet);
            return "stored";
        });
        assertThat(answer).isEqualTo("stored");
        assertThat(later).as("the next action still runs").hasValue(1);
    }

    @Test
    void onlyATransactionOfInTransactionTakesAnActionAfterItsCommit() throws Exception {
        try (java.sql.Connection own = db.getConnection()) {
            assertThatThrownBy(() -> Jdbc.afterCommit(own, () -> { }))
                    .as("a commit it would never see").isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aConflictThatPersistsReachesTheCallerAfterTheLastAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Jdbc.inTransaction(db, c -> {
            attempts.incrementAndGet();
            throw new SQLException("deadlock", "40001");
        })).isInstanceOf(Jdbc.DatabaseUnavailableException.class);
        assertThat(attempts).hasValue(Jdbc.ATTEMPTS);
    }

    @Test
    void aFailureWithoutAnSqlStateIsPassedOnAsItIs() {
        // The connection pool's own failures carry no SQLState (a node being killed, FaultIT): classifying one must not
        // throw in its place (it did: an immutable Set's contains(null) is a NullPointerException, answered as a 500).
        SQLException poolClosed = new SQLException("Pool not open");
        assertThat(Jdbc.isLockConflict(new Jdbc.DatabaseUnavailableException(poolClosed))).isFalse();
        assertThatThrownBy(() -> Jdbc.inTransaction(db, c -> {
            throw poolClosed;
        })).isInstanceOf(Jdbc.DatabaseUnavailableException.class).hasCause(poolClosed);
    }

    @Test
    void otherFailuresAreNeverRunAgain() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Jdbc.inTransaction(db, c -> {
            attempts.incrementAndGet();
            throw new SQLException("duplicate key", "23505");
        })).isInstanceOf(Jdbc.DatabaseUnavailableException.class);
        assertThatThrownBy(() -> Jdbc.inTransaction(db, c -> {
            attempts.incrementAndGet();
            throw WaymarkException.conflict("Already sent");
        })).isInstanceOf(WaymarkException.class);
        assertThat(attempts).hasValue(2);
        assertThat(Jdbc.isLockConflict(new RuntimeException(new SQLException("timeout", "40XL2")))).isTrue();
        assertThat(Jdbc.isLockConflict(new RuntimeException(new SQLException("gone", "08006")))).isFalse();
    }

    @Test
    void aUniqueViolationIsKnownByItsStateWhateverTheDriversExceptionClass() {
        // PostgreSQL's driver throws a plain SQLException; Derby a SQLIntegrityConstraintViolationException.
        assertThat(Jdbc.isUniqueViolation(new SQLException("duplicate key value violates unique constraint", "23505"))).isTrue();
        assertThat(Jdbc.isUniqueViolation(new SQLIntegrityConstraintViolationException("duplicate", "23505"))).isTrue();
        assertThat(Jdbc.isUniqueViolation(new SQLIntegrityConstraintViolationException("no parent", "23503"))).isFalse();
        assertThat(Jdbc.isUniqueViolation(new SQLException("lock timeout", "40XL1"))).isFalse();
    }

    /** Found by mutating a BaRS message: a Bundle.id of 400 characters met its 100-character column and answered 503. */
    @Test
    void aValueTooLongForItsColumnIsTheCallersMistakeNotAnOutage() {
        Jdbc.inTransaction(db, c -> c.createStatement().executeUpdate("CREATE TABLE jdbc_narrow (v VARCHAR(5))"));
        assertThatThrownBy(() -> Jdbc.inTransaction(db, c -> {
            try (var insert = c.prepareStatement("INSERT INTO jdbc_narrow (v) VALUES (?)")) {
                insert.setString(1, "Holloway-9990010005");
                return insert.executeUpdate();
            }
        })).isInstanceOfSatisfying(WaymarkException.class, e -> {
            assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID);
            assertThat(e.getMessage()).doesNotContain("Holloway");
        });
    }

    @Test
    void anOutagesMessageQuotesNoRowValues() {
        // PostgreSQL's duplicate key detail and Derby's truncation error quote the row, which may be personal data.
        assertThat(new Jdbc.DatabaseUnavailableException(new SQLException("Key (nhs_number)=(9990010005) already exists", "23505"))
                .getMessage()).isEqualTo("Database error (SQLState 23505)");
        assertThat(new Jdbc.DatabaseUnavailableException(new SQLException("Connection refused", "08001")).getMessage())
                .as("a connection failure's text helps the operator and holds no data").contains("Connection refused");
        assertThat(new Jdbc.DatabaseUnavailableException(new SQLException("terminating connection due to administrator command",
                "57P01")).getMessage()).contains("terminating connection");
    }
}
