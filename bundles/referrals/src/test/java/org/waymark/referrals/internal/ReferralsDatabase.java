package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.waymark.platform.testing.TestDatabase;

/** A fresh in-memory Derby with this bundle's migrations applied, as the platform applies them. */
final class ReferralsDatabase {
    private ReferralsDatabase() {
    }

    static DataSource create() throws Exception {
        return TestDatabase.migrated("db/referrals.xml");
    }

    static int count(DataSource db, String sql) {
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
