package org.waymark.platform.internal.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.Scope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.core.DerbyDatabase;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;
import liquibase.UpdateSummaryOutputEnum;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/** Runs one bundle's Liquibase changelog against the Waymark database. */
final class LiquibaseMigrator {
    private final DataSource dataSource;

    private final SchemaDigests digests;

    LiquibaseMigrator(DataSource dataSource) {
        this.dataSource = dataSource;
        this.digests = new SchemaDigests(dataSource);
    }

    /**
     * Migrations of several bundles never interleave: Liquibase's own lock would make them wait anyway.
     *
     * @return false when the changelog is unchanged since it was last applied, so Liquibase was not needed
     */
    synchronized boolean migrate(Bundle bundle, String changelog) {
        ClassLoader bundleLoader = bundle.adapt(BundleWiring.class).getClassLoader();
        String digest = SchemaDigests.of(bundleLoader, changelog);
        // Starting Liquibase costs about two seconds; on an ordinary restart nothing has changed.
        if (digests.isApplied(bundle.getSymbolicName(), digest)) {
            return false;
        }
        ClassLoaderResourceAccessor resources = new ClassLoaderResourceAccessor(bundleLoader);
        withLiquibase(bundleLoader, resources, database -> {
            Liquibase liquibase = new Liquibase(changelog, resources, database);
            liquibase.setShowSummaryOutput(UpdateSummaryOutputEnum.LOG);
            liquibase.update(new Contexts(), new LabelExpression());
        });
        digests.recordApplied(bundle.getSymbolicName(), digest);
        return true;
    }

    /**
     * On embedded Derby this JVM is the only user of the database, so a lock still held at start was left by a
     * process killed during a migration and can be released. On a shared server database another node may hold it.
     */
    synchronized void releaseStaleLock() {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getMetaData().getDatabaseProductName().contains("Derby")) {
                return;
            }
            try (var statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE DATABASECHANGELOGLOCK SET LOCKED = FALSE, LOCKGRANTED = NULL, LOCKEDBY = NULL");
            } catch (SQLException noLockTableYet) {
                // A new database: Liquibase creates the table on the first migration.
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The database is not reachable for migrations", e);
        }
    }

    private interface DatabaseWork {
        void run(Database database) throws LiquibaseException;
    }

    private void withLiquibase(ClassLoader loader, ClassLoaderResourceAccessor resources, DatabaseWork work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Liquibase.class.getClassLoader());
        try (Connection connection = dataSource.getConnection()) {
            // Liquibase's console output goes to the log, not to the terminal of ./waymark run.
            Scope.child(Map.of(Scope.Attr.classLoader.name(), loader, Scope.Attr.resourceAccessor.name(), resources,
                    Scope.Attr.ui.name(), new LoggerUIService()), () -> {
                Database database = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                if (database instanceof DerbyDatabase derby) {
                    // Liquibase would otherwise shut the whole embedded engine down when it closes.
                    derby.setShutdownEmbeddedDerby(false);
                }
                work.run(database);
            });
        } catch (SQLException e) {
            throw new IllegalStateException("The database is not reachable for migrations", e);
        } catch (Exception e) {
            throw new IllegalStateException("Migration failed: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
