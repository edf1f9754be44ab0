package org.waymark.platform.internal.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.waymark.api.error.WaymarkException;

class EncryptedBackupTest {
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    Path temp;

    @Test
    void anArchiveOfSeveralChunksRoundTripsByteForByte() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("db/seg0"));
        byte[] big = new byte[EncryptedArchive.CHUNK * 2 + 12345];
        new SecureRandom().nextBytes(big);
        Files.write(folder.resolve("c10.dat"), big);
        Files.writeString(temp.resolve("db/service.properties"), "derby=yes");
        Path archive = temp.resolve("backup.wmbackup");

        EncryptedArchive.write(temp.resolve("db"), "db", archive, PASSPHRASE);
        assertThat(Files.readString(archive, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("derby=yes");
        EncryptedArchive.read(archive, temp.resolve("restored"), PASSPHRASE);

        assertThat(Files.readAllBytes(temp.resolve("restored/db/seg0/c10.dat"))).isEqualTo(big);
        assertThat(Files.readString(temp.resolve("restored/db/service.properties"))).isEqualTo("derby=yes");
    }

    @Test
    void aWrongPassphraseAChangedByteOrACutArchiveIsRefused() throws Exception {
        Files.createDirectories(temp.resolve("db"));
        byte[] data = new byte[EncryptedArchive.CHUNK + 100];
        new SecureRandom().nextBytes(data);
        Files.write(temp.resolve("db/file"), data);
        Path archive = temp.resolve("a.wmbackup");
        EncryptedArchive.write(temp.resolve("db"), "db", archive, PASSPHRASE);
        byte[] bytes = Files.readAllBytes(archive);

        assertThatThrownBy(() -> EncryptedArchive.read(archive, temp.resolve("r1"), "not the passphrase".toCharArray()))
                .isInstanceOf(EncryptedArchive.TamperedOrWrongPassphrase.class);

        byte[] changed = bytes.clone();
        changed[changed.length / 2] ^= 1;
        Files.write(temp.resolve("changed.wmbackup"), changed);
        assertThatThrownBy(() -> EncryptedArchive.read(temp.resolve("changed.wmbackup"), temp.resolve("r2"), PASSPHRASE))
                .isInstanceOf(EncryptedArchive.TamperedOrWrongPassphrase.class);

        // Cut right after the first chunk: every remaining chunk verifies, but the final one is missing.
        int firstChunkEnd = EncryptedArchive.MAGIC.length + 16 + 8 + 4 + 4 + EncryptedArchive.CHUNK + 16;
        Files.write(temp.resolve("cut.wmbackup"), java.util.Arrays.copyOf(bytes, firstChunkEnd));
        assertThatThrownBy(() -> EncryptedArchive.read(temp.resolve("cut.wmbackup"), temp.resolve("r3"), PASSPHRASE))
                .isInstanceOf(EncryptedArchive.TamperedOrWrongPassphrase.class).hasMessageContaining("cut short");
    }

    @Test
    void anOnlineBackupWithAPassphraseLeavesOnlyTheArchiveAndRestoresToAWorkingDatabase() throws Exception {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(temp.resolve("live").toString());
        ds.setCreateDatabase("create");
        try (Connection c = ds.getConnection()) {
            c.createStatement().execute("CREATE TABLE referral (id VARCHAR(10))");
            c.createStatement().execute("INSERT INTO referral VALUES ('r1'), ('r2')");
        }
        Map<String, String> env = Map.of(DatabaseBackup.PASSPHRASE, new String(PASSPHRASE));
        DatabaseBackup backup = new DatabaseBackup(ds, env::get);
        Path backups = Files.createDirectories(temp.resolve("backups"));

        Path archive = backup.backup(backups);
        assertThat(archive.getFileName().toString()).endsWith(".wmbackup");
        try (var left = Files.list(backups)) {
            assertThat(left).containsExactly(archive);
        }
        Path restored = backup.restore(archive, temp.resolve("restored"));
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + restored.resolve("db"));
             ResultSet r = c.createStatement().executeQuery("SELECT COUNT(*) FROM referral")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(2);
        }
        try {
            DriverManager.getConnection("jdbc:derby:" + restored.resolve("db") + ";shutdown=true");
        } catch (SQLException expected) {
            // Derby reports a clean shutdown as an exception
        }

        DatabaseBackup wrongKey = new DatabaseBackup(ds, Map.of(DatabaseBackup.PASSPHRASE, "another long passphrase")::get);
        assertThatThrownBy(() -> wrongKey.restore(archive, temp.resolve("again"))).isInstanceOfSatisfying(WaymarkException.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE));
        assertThat(temp.resolve("again")).doesNotExist();
        assertThatThrownBy(() -> new DatabaseBackup(ds, Map.of(DatabaseBackup.PASSPHRASE, "short")::get).backup(backups))
                .hasMessageContaining("at least 12");
    }

    @Test
    void aBackupPlainOrEncryptedIsOpenToItsOwnerOnly() throws Exception {
        // Found probing: ./waymark backup left a plain copy of every person's record readable by every local user.
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(temp.resolve("live2").toString());
        ds.setCreateDatabase("create");
        try (Connection c = ds.getConnection()) {
            c.createStatement().execute("CREATE TABLE person (name VARCHAR(10))");
        }
        Path backups = Files.createDirectories(temp.resolve("perm-backups"));

        Path plain = new DatabaseBackup(ds, name -> null).backup(backups);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)))
                .isEqualTo("rwx------");

        DatabaseBackup encrypted = new DatabaseBackup(ds, Map.of(DatabaseBackup.PASSPHRASE, new String(PASSPHRASE))::get);
        Path archive = encrypted.backup(Files.createDirectories(temp.resolve("perm-archives")));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)))
                .isEqualTo("rw-------");
        Path restored = encrypted.restore(archive, temp.resolve("perm-restored"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(restored)))
                .as("the restored database too").isEqualTo("rwx------");
    }
}
