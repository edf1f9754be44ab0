package org.waymark.referrals.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Each referral's original document as its sender sent it (provenance), kept compressed in a table of its own.
 *
 * <p>Why compressed bytes rather than a CLOB on the referral row: embedded Derby writes a CLOB into its transaction
 * log one character at a time, and a 34 KB BaRS message took more than a quarter of all intake CPU that way. Zlib
 * (whose checksum also tells a damaged document) at its fastest level cuts the bytes to a seventh in a fraction of a millisecond, and Derby writes binary in
 * one piece. Referrals stored before this table existed keep their document in {@code wm_referral.source_document};
 * reading falls back to it.
 */
public final class SourceDocuments {
    /** A document as received: its media type and text. */
    public record Document(String mediaType, String text) {
    }

    private SourceDocuments() {
    }

    static void store(Connection c, String referralId, String mediaType, String text) throws SQLException {
        if (text == null) {
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral_document (referral_id, media_type, "
                + "original_length, content) VALUES (?,?,?,?)")) {
            s.setString(1, referralId);
            s.setString(2, mediaType);
            s.setInt(3, utf8.length);
            s.setBytes(4, deflate(utf8));
            s.executeUpdate();
        }
    }

    /** The referral's document, from this table or (for referrals stored before it) from the referral's own row. */
    static Optional<Document> read(Connection c, String referralId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT d.media_type, d.original_length, d.content, r.source_format, "
                + "r.source_document FROM wm_referral r LEFT JOIN wm_referral_document d ON d.referral_id = r.id WHERE r.id = ?")) {
            s.setString(1, referralId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                byte[] content = r.getBytes(3);
                if (content != null) {
                    return Optional.of(new Document(r.getString(1), inflate(content, r.getInt(2))));
                }
                String legacy = r.getString(5);
                return legacy == null ? Optional.empty() : Optional.of(new Document(r.getString(4), legacy));
            }
        }
    }

    /** The documents of these referrals, as text, for a subject access export. */
    public static List<Map<String, Object>> export(Connection c, List<Object> referralIds, String placeholders)
            throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT referral_id, media_type, original_length, content "
                + "FROM wm_referral_document WHERE referral_id IN (" + placeholders + ") ORDER BY referral_id")) {
            for (int i = 0; i < referralIds.size(); i++) {
                s.setObject(i + 1, referralIds.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("referral_id", r.getString(1));
                    row.put("media_type", r.getString(2));
                    row.put("document", inflate(r.getBytes(4), r.getInt(3)));
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    static String inflate(byte[] content, int originalLength) throws SQLException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(content);
            byte[] text = new byte[originalLength];
            int read = 0;
            while (read < originalLength && !inflater.finished()) {
                int n = inflater.inflate(text, read, originalLength - read);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                read += n;
            }
            if (read != originalLength || !inflater.finished()) {
                throw new SQLException("A stored referral document is damaged: " + read + " of " + originalLength + " bytes");
            }
            return new String(text, StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new SQLException("A stored referral document is damaged", e);
        } finally {
            inflater.end();
        }
    }
}
