package org.waymark.platform.internal.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.platform.db.DatabaseThreads;
import org.waymark.platform.db.Jdbc;

/**
 * Tamper evidence for the audit trail: a hash chain over its rows. {@code AuditLog.record} only inserts (it sits on
 * the intake path and must stay cheap); this sealer links new rows into the chain about once a second, in a
 * transaction of its own that first locks the single head row of {@code wm_audit_chain}, so that several nodes on one
 * PostgreSQL database append to one chain in turn. Each sealed row gets the next {@code chain_seq} and
 * {@code row_hash = SHA-256(previous row_hash + its content)}. Changing, deleting or unsealing a sealed row breaks the
 * chain at that row, which {@link #verify()} reports. Rows younger than a sealing interval are not yet covered.
 */
@Component(service = AuditChain.class)
public final class AuditChain {
    static final String GENESIS = "0".repeat(64);
    static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(AuditChain.class);
    /** How often new rows are sealed; the system property {@code waymark.audit.sealMillis} changes it, 0 turns the
     *  background sealer off (rows are then sealed when the chain is verified). */
    private static final long SEAL_EVERY_MILLIS = Long.getLong("waymark.audit.sealMillis", 1000);

    /** The rows not yet in the chain, found through the chain index (a comment to PostgreSQL). */
    private static final String UNSEALED_ROWS = " FROM wm_audit --DERBY-PROPERTIES index=wm_audit_chain_seq\n WHERE chain_seq IS NULL";

    /**
     * The rows not yet in the chain, oldest first. Derby is told to use the (chain_seq, id) index: left to itself it
     * kept the plan it had made while the trail was small, a scan of the whole table and a sort, once a second and
     * dearer with every row (a profile of intake at 8 clients found the sealer at 7% of the CPU, mostly that scan).
     * Ordering by chain_seq, NULL in every row wanted, lets the index's own order stand for the sort.
     */
    static final String UNSEALED = "SELECT id, occurred_at, actor, actor_kind, action_type, resource_type, resource_id, patient_id"
            + UNSEALED_ROWS + " ORDER BY chain_seq, id FETCH FIRST " + BATCH + " ROWS ONLY";

    private final DataSource db;
    private final Clock clock;
    private final ScheduledExecutorService sealer;

    /** The outcome of a verification: where the chain first breaks, if it does. */
    public record Verification(boolean intact, long checkedRows, long unsealedRows, Long brokenAtSeq, Long brokenAuditId,
                               String problem, Instant verifiedAt) {
    }

    @Activate
    public AuditChain(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                      @Reference(target = "(waymark.schema=org.waymark.platform)") SchemaReady schema) {
        this(db, Clock.systemUTC(), true);
    }

    AuditChain(DataSource db, Clock clock, boolean background) {
        this.db = db;
        this.clock = clock;
        if (background && SEAL_EVERY_MILLIS > 0) {
            sealer = DatabaseThreads.scheduler("waymark-audit-chain");
            sealer.scheduleWithFixedDelay(this::sealQuietly, SEAL_EVERY_MILLIS, SEAL_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            sealer = null;
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (sealer != null) {
            // A sealing run still going is let finish: see DatabaseThreads for why it is never interrupted.
            DatabaseThreads.stop(sealer, Duration.ofSeconds(5));
        }
    }

    private void sealQuietly() {
        try {
            seal();
        } catch (RuntimeException e) {
            // The database may be away (it comes back by itself); the rows stay unsealed until the next run.
            LOG.warn("Audit chain: sealing failed, will retry: {}", e.toString());
        }
    }

    /** Links every row not yet in the chain; returns how many were sealed. */
    public int seal() {
        int total = 0;
        int sealed;
        do {
            sealed = Jdbc.inTransaction(db, this::sealBatch);
            total += sealed;
        } while (sealed == BATCH);
        return total;
    }

    private int sealBatch(Connection c) throws SQLException {
        // Taking the head row's write lock first serialises sealers across nodes (the conditional UPDATE works the
        // same on Derby and PostgreSQL, where SELECT ... FOR UPDATE differs in detail).
        try (PreparedStatement lock = c.prepareStatement("UPDATE wm_audit_chain SET sealed_at = ? WHERE id = 1")) {
            lock.setTimestamp(1, Timestamp.from(clock.instant()));
            if (lock.executeUpdate() != 1) {
                throw new SQLException("The audit chain head row is missing");
            }
        }
        long seq;
        String previous;
        try (PreparedStatement head = c.prepareStatement("SELECT last_seq, last_hash FROM wm_audit_chain WHERE id = 1");
             ResultSet r = head.executeQuery()) {
            r.next();
            seq = r.getLong(1);
            previous = r.getString(2);
        }
        List<Object[]> updates = new ArrayList<>();
        try (PreparedStatement rows = c.prepareStatement(UNSEALED);
             ResultSet r = rows.executeQuery()) {
            while (r.next()) {
                seq++;
                previous = hash(previous, content(r));
                updates.add(new Object[] {seq, previous, r.getLong(1)});
            }
        }
        if (updates.isEmpty()) {
            return 0;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE wm_audit SET chain_seq = ?, row_hash = ? WHERE id = ? AND chain_seq IS NULL")) {
            for (Object[] u : updates) {
                update.setLong(1, (Long) u[0]);
                update.setString(2, (String) u[1]);
                update.setLong(3, (Long) u[2]);
                update.addBatch();
            }
            update.executeBatch();
        }
        try (PreparedStatement head = c.prepareStatement("UPDATE wm_audit_chain SET last_seq = ?, last_hash = ? WHERE id = 1")) {
            head.setLong(1, seq);
            head.setString(2, previous);
            head.executeUpdate();
        }
        return updates.size();
    }

    /** Seals what is waiting, then walks the whole chain from its start and reports the first broken link. */
    public Verification verify() {
        seal();
        return Jdbc.inTransaction(db, c -> {
            long expected = 0;
            String previous = GENESIS;
            long checked = 0;
            try (PreparedStatement rows = c.prepareStatement("SELECT id, occurred_at, actor, actor_kind, action_type, resource_type,"
                    + " resource_id, patient_id, chain_seq, row_hash FROM wm_audit WHERE chain_seq IS NOT NULL ORDER BY chain_seq, id")) {
                rows.setFetchSize(1000);
                try (ResultSet r = rows.executeQuery()) {
                    while (r.next()) {
                        expected++;
                        long seq = r.getLong(9);
                        long id = r.getLong(1);
                        if (seq != expected) {
                            return broken(c, checked, seq < expected ? seq : expected, id, seq < expected
                                    ? "chain position " + seq + " appears twice"
                                    : "the row at chain position " + expected + " is missing (deleted)");
                        }
                        String hash = hash(previous, content(r));
                        if (!hash.equals(r.getString(10))) {
                            return broken(c, checked, seq, id, "the row's content or hash was changed after it was sealed");
                        }
                        previous = hash;
                        checked++;
                    }
                }
            }
            try (PreparedStatement head = c.prepareStatement("SELECT last_seq, last_hash FROM wm_audit_chain WHERE id = 1");
                 ResultSet r = head.executeQuery()) {
                r.next();
                if (r.getLong(1) != expected || !r.getString(2).equals(previous)) {
                    return broken(c, checked, expected + 1, null, "rows at the end of the chain are missing (the chain head"
                            + " records " + r.getLong(1) + " rows)");
                }
            }
            return new Verification(true, checked, unsealed(c), null, null, null, clock.instant());
        });
    }

    private Verification broken(Connection c, long checked, long seq, Long id, String problem) throws SQLException {
        LOG.warn("Audit chain broken at position {} (audit row {}): {}", seq, id, problem);
        return new Verification(false, checked, unsealed(c), seq, id, problem, clock.instant());
    }

    private static long unsealed(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*)" + UNSEALED_ROWS);
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The row's content as hashed: every column but the chain's own, each length-prefixed so fields cannot shift. */
    static String content(ResultSet r) throws SQLException {
        StringBuilder text = new StringBuilder();
        field(text, Long.toString(r.getLong(1)));
        Timestamp at = r.getTimestamp(2);
        field(text, at == null ? null : Long.toString(at.toInstant().getEpochSecond() * 1_000_000 + at.toInstant().getNano() / 1000));
        for (int column = 3; column <= 8; column++) {
            field(text, r.getString(column));
        }
        return text.toString();
    }

    private static void field(StringBuilder text, String value) {
        if (value == null) {
            text.append("-1:");
        } else {
            text.append(value.length()).append(':').append(value);
        }
    }

    static String hash(String previous, String content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous.getBytes(StandardCharsets.US_ASCII));
            sha.update(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
