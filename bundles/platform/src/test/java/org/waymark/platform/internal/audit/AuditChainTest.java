package org.waymark.platform.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.security.AuditLog.Action;
import org.waymark.api.security.Caller;
import org.waymark.platform.testing.TestDatabase;

class AuditChainTest {
    private static final Caller SAM = new Caller("sam", Caller.Kind.USER, Set.of("link-worker"), Set.of("sheffield"), false);
    private DataSource db;
    private JdbcAuditLog audit;
    private AuditChain chain;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml");
        audit = new JdbcAuditLog(db, null);
        chain = new AuditChain(db, Clock.systemUTC(), false);
        for (int i = 0; i < 7; i++) {
            audit.record(SAM, Action.READ, "Patient", "p" + i, "p" + i);
        }
    }

    @Test
    void anUntouchedTrailVerifiesAndEveryRowIsSealed() {
        assertThat(chain.seal()).isEqualTo(7);
        audit.record(SAM, Action.UPDATE, "Patient", "p1", "p1");
        AuditChain.Verification result = chain.verify();
        assertThat(result.intact()).isTrue();
        assertThat(result.checkedRows()).isEqualTo(8);
        assertThat(result.unsealedRows()).isZero();
    }

    @Test
    void changingASealedRowBreaksTheChainAtThatRow() throws Exception {
        chain.seal();
        execute("UPDATE wm_audit SET actor = 'someone-else' WHERE chain_seq = 4");
        AuditChain.Verification result = chain.verify();
        assertThat(result.intact()).isFalse();
        assertThat(result.brokenAtSeq()).isEqualTo(4L);
        assertThat(result.problem()).contains("changed");
        assertThat(result.checkedRows()).isEqualTo(3);
    }

    @Test
    void deletingARowOrTheLastRowsIsReported() throws Exception {
        chain.seal();
        execute("DELETE FROM wm_audit WHERE chain_seq = 7");
        assertThat(chain.verify().problem()).contains("end of the chain");
        execute("DELETE FROM wm_audit WHERE chain_seq = 2");
        AuditChain.Verification result = chain.verify();
        assertThat(result.brokenAtSeq()).isEqualTo(2L);
        assertThat(result.problem()).contains("missing");
    }

    @Test
    void unsealingARowToRewriteItLeavesAGap() throws Exception {
        chain.seal();
        execute("UPDATE wm_audit SET chain_seq = NULL, row_hash = NULL, resource_id = 'nothing to see' WHERE chain_seq = 3");
        AuditChain.Verification result = chain.verify();
        assertThat(result.intact()).isFalse();
        assertThat(result.brokenAtSeq()).isEqualTo(3L);
    }

    @Test
    void concurrentSealersBuildOneChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        audit.record(SAM, Action.READ, "Patient", "x" + i, null);
                        chain.seal();
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        AuditChain.Verification result = chain.verify();
        assertThat(result.intact()).isTrue();
        assertThat(result.checkedRows()).isEqualTo(7 + 200);
    }

    @Test
    void theSealerFindsUnsealedRowsThroughTheChainIndexWithoutASortHoweverSmallTheTrail() throws Exception {
        // Seven rows: a table this small is where Derby, left to choose, scans the whole table and sorts, and it kept
        // that plan while the trail grew.
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_RUNTIMESTATISTICS(1)");
            try (PreparedStatement unsealed = c.prepareStatement(AuditChain.UNSEALED); ResultSet rows = unsealed.executeQuery()) {
                int found = 0;
                while (rows.next()) {
                    found++;
                }
                assertThat(found).isEqualTo(7);
            }
            try (ResultSet plan = s.executeQuery("VALUES SYSCS_UTIL.SYSCS_GET_RUNTIMESTATISTICS()")) {
                plan.next();
                assertThat(plan.getString(1)).contains("Index Scan ResultSet for WM_AUDIT using index WM_AUDIT_CHAIN_SEQ")
                        .doesNotContain("Sort ResultSet").doesNotContain("Table Scan ResultSet");
            }
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }
}
