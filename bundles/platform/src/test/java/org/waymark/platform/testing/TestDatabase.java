package org.waymark.platform.testing;

import java.sql.Connection;
import java.util.UUID;
import javax.sql.DataSource;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.core.DerbyDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.apache.derby.jdbc.EmbeddedDataSource;

/** A fresh in-memory Derby database with the given bundles' migrations applied (shared with other bundles' tests). */
public final class TestDatabase {
    private TestDatabase() {
    }

    /** @param changelogs class-path locations, e.g. {@code db/platform.xml} */
    public static DataSource migrated(String... changelogs) throws Exception {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName("memory:" + UUID.randomUUID());
        ds.setCreateDatabase("create");
        return migrate(ds, changelogs);
    }

    /**
     * Applies the changelogs' changesets that have not run yet to an existing test database: a test of a migration
     * that finds rows written before it inserts them, forgets the changeset and migrates again.
     */
    public static DataSource migrate(DataSource ds, String... changelogs) throws Exception {
        try (Connection c = ds.getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            ((DerbyDatabase) database).setShutdownEmbeddedDerby(false);
            for (String changelog : changelogs) {
                new Liquibase(changelog, new ClassLoaderResourceAccessor(), database).update("");
            }
        }
        return ds;
    }
}
