package org.waymark.platform.internal.db;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import javax.sql.DataSource;

/**
 * Remembers the digest of each bundle's changelog as last applied, so that an unchanged bundle does not start
 * Liquibase at all. Liquibase stays the authority: any change to a changelog (or a missing record) runs it.
 */
final class SchemaDigests {
    private final DataSource dataSource;

    SchemaDigests(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    static String of(ClassLoader loader, String changelog) {
        try (InputStream in = loader.getResourceAsStream(changelog)) {
            if (in == null) {
                throw new IllegalStateException("Changelog " + changelog + " is not in the bundle");
            }
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot read changelog " + changelog, e);
        }
    }

    boolean isApplied(String bundle, String digest) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT digest FROM wm_schema_digest WHERE bundle = ?")) {
            s.setString(1, bundle);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && digest.equals(r.getString(1));
            }
        } catch (SQLException tableNotThereYet) {
            return false;
        }
    }

    void recordApplied(String bundle, String digest) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement update = c.prepareStatement("UPDATE wm_schema_digest SET digest = ? WHERE bundle = ?")) {
                update.setString(1, digest);
                update.setString(2, bundle);
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO wm_schema_digest (bundle, digest) VALUES (?, ?)")) {
                insert.setString(1, bundle);
                insert.setString(2, digest);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            // Only an optimisation is lost: Liquibase runs again at the next start and finds nothing to do.
        }
    }
}
