package org.waymark.platform.internal.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
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
 * use {@code pg_dump} instead (see the README). With {@code WAYMARK_BACKUP_PASSPHRASE} set, the copy is written as one
 * AES-256-GCM encrypted archive ({@code waymark-...wmbackup}, see {@link EncryptedArchive}) and nothing unencrypted is
 * left behind; {@code ./waymark restore-backup} opens it.
 */
@Component(service = {AdminCommand.class, DatabaseBackup.class})
public final class DatabaseBackup implements AdminCommand {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private final DataSource db;
    static final String PASSPHRASE = "WAYMARK_BACKUP_PASSPHRASE";
    static final int MIN_PASSPHRASE = 12;
    private final Clock clock = Clock.systemUTC();
    private final UnaryOperator<String> environment;

    @Activate
    public DatabaseBackup(@Reference(target = "(dataSourceName=waymark)") DataSource db) {
        this(db, System::getenv);
    }

    DatabaseBackup(DataSource db, UnaryOperator<String> environment) {
        this.db = db;
        this.environment = environment;
    }

    /** The backup passphrase from the environment, or null when backups are not encrypted. */
    char[] passphrase() {
        String passphrase = environment.apply(PASSPHRASE);
        if (passphrase == null || passphrase.isEmpty()) {
            return null;
        }
        if (passphrase.length() < MIN_PASSPHRASE) {
            throw WaymarkException.invalid(PASSPHRASE + " must have at least " + MIN_PASSPHRASE + " characters");
        }
        return passphrase.toCharArray();
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
        Path backup = backup(Path.of(arguments.get(0)));
        return "Backed up the database to " + backup + (backup.toString().endsWith(".wmbackup") ? " (encrypted)" : "");
    }

    /**
     * @return the folder that holds the copy (its {@code db} subfolder is the database), or the encrypted archive
     *         when a backup passphrase is set
     */
    public Path backup(Path parent) {
        char[] passphrase = passphrase();
        String name = "waymark-" + STAMP.format(clock.instant());
        if (passphrase == null) {
            return copy(parent.toAbsolutePath().resolve(name));
        }
        Path archive = parent.toAbsolutePath().resolve(name + ".wmbackup");
        Path plain = parent.toAbsolutePath().resolve("." + name + ".partial");
        try {
            copy(plain);
            // Derby names the copy after the live database's folder ($WAYMARK_DATA/db); the archive always says db/.
            Path copied;
            try (Stream<Path> children = Files.list(plain)) {
                copied = children.filter(Files::isDirectory).findFirst().orElseThrow(() -> new java.io.IOException("Derby wrote no copy"));
            }
            EncryptedArchive.write(copied, "db", archive, passphrase);
            ownerOnly(archive);
            return archive;
        } catch (java.io.IOException e) {
            throw new WaymarkException(WaymarkException.Kind.UNAVAILABLE, "The encrypted backup could not be written: " + e.getMessage());
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
            deleteTree(plain);
        }
    }

    /** Opens an encrypted archive into a new folder (the {@code db} folder inside it is the database). */
    public Path restore(Path archive, Path folder) {
        char[] passphrase = passphrase();
        if (passphrase == null) {
            throw WaymarkException.invalid("Set " + PASSPHRASE + " to the passphrase the backup was made with");
        }
        try {
            EncryptedArchive.read(archive.toAbsolutePath(), folder.toAbsolutePath(), passphrase);
            ownerOnly(folder.toAbsolutePath());
            return folder.toAbsolutePath();
        } catch (EncryptedArchive.TamperedOrWrongPassphrase e) {
            deleteTree(folder.toAbsolutePath());
            throw WaymarkException.unprocessable(e.getMessage());
        } catch (java.io.IOException e) {
            throw WaymarkException.invalid("Cannot restore: " + e.getMessage());
        } finally {
            java.util.Arrays.fill(passphrase, '\0');
        }
    }

    /**
     * A backup holds every person's record: only the account that runs Waymark may open it. Derby writes the copy's
     * files as the umask lets it (usually readable by every local user, as ./waymark backup left them), so the folder
     * that holds them is closed instead. Where the file system has no POSIX permissions, the folder keeps its own.
     */
    static void ownerOnly(Path path) throws java.io.IOException {
        if (Files.getFileStore(path).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(
                    Files.isDirectory(path) ? "rwx------" : "rw-------"));
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path copy(Path target) {
        try (Connection c = db.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            if (!product.contains("Derby")) {
                throw WaymarkException.unprocessable("Online backup is for the embedded database; back up " + product
                        + " with its own tools (pg_dump)");
            }
            Files.createDirectories(target);
            ownerOnly(target);
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
