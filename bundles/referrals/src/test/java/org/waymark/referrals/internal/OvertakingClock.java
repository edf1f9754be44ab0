package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A clock that, when armed with a referral, lets another change of that referral land the next time it is read: the
 * writes read the clock just before their conditional UPDATE, so this is the moment between a read and a write that
 * two workers' changes race for.
 */
final class OvertakingClock extends Clock {
    private final DataSource db;
    private final AtomicReference<String> overtake = new AtomicReference<>();

    OvertakingClock(DataSource db) {
        this.db = db;
    }

    /** The next reading of the clock first changes this referral's version on a connection of its own. */
    void overtakeOnce(String referralId) {
        overtake.set(referralId);
    }

    @Override
    public Instant instant() {
        String referralId = overtake.getAndSet(null);
        if (referralId != null) {
            try (Connection other = db.getConnection();
                 PreparedStatement bump = other.prepareStatement("UPDATE wm_referral SET version = version + 1 WHERE id = ?")) {
                other.setAutoCommit(true);
                bump.setString(1, referralId);
                bump.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
