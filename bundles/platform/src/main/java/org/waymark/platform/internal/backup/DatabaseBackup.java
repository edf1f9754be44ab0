package org.waymark.platform.internal.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.admin.AdminCommand;
import org.waymark.api.error.WaymarkException;

/**
 * {@code ./waymark backup DIR} (and {@code waymark:backup}): an online backup of the embedded Derby database while
 * Waymark keeps serving. Derby writes a consistent copy (the {@code db} folder) into a new time-stamped folder under
 * DIR; restoring is stopping Waymark and putting that folder back as {@code $WAYMARK_DATA/db}. PostgreSQL deployments
 * use {@code pg_dump} instead (see the README).
 */
@Component(service = {AdminCommand.class, DatabaseBackup.class})
public final class DatabaseBackup implements AdminCommand {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private final DataSource db;
    private final Clock clock = Clock.systemUTC();

    @Activate
    public DatabaseBackup(@Reference(target = "(dataSourceName=waymark)") DataSource db) {
        this.db = db;
    }

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public String usage() {
        return "backup DIR\n    online backup of the embedded database into a new folder under DIR (PostgreSQL: use pg_dump).";
    }

    @Override
    public String run(List<String> arguments) {
        if (arguments.size() != 1) {
            throw WaymarkException.invalid("Usage: " + usage());
        }
        return "Backed up the database to " + backup(Path.of(arguments.get(0)));
    }

    /** @return the folder that holds the copy (its {@code db} subfolder is the database) */
    public Path backup(Path parent) {
        Path target = parent.toAbsolutePath().resolve("waymark-" + STAMP.format(clock.instant()));
        try (Connection c = db.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (!product.contains("Derby")) {
                throw WaymarkException.unprocessable("Online backup is for the embedded database; back up " + product
                        + " with its own tools (pg_dump)");
            }
            Files.createDirectories(target);
            try (CallableStatement backup = c.prepareCall("CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)")) {
                backup.setString(1, target.toString());
                backup.execute();
            }
            return target;
        } catch (SQLException e) {
            throw new WaymarkException(WaymarkException.Kind.UNAVAILABLE, "The backup failed: SQLState " + e.getSQLState());
        } catch (java.io.IOException e) {
            throw WaymarkException.invalid("Cannot create " + target + ": " + e.getMessage());
        }
    }
}
