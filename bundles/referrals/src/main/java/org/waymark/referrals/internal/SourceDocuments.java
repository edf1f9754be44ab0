package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each referral's original document as its sender sent it (provenance), kept compressed in a table of its own
 * ({@link CompressedText}: a CLOB costs Derby dearly). Referrals stored before this table existed keep their document in
 * {@code wm_referral.source_document}; reading falls back to it.
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
        CompressedText.Packed packed = CompressedText.pack(text);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral_document (referral_id, media_type, "
                + "original_length, content) VALUES (?,?,?,?)")) {
            s.setString(1, referralId);
            s.setString(2, mediaType);
            s.setInt(3, packed.originalLength());
            s.setBytes(4, packed.content());
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
                    return Optional.of(new Document(r.getString(1), CompressedText.unpack(content, r.getInt(2))));
                }
                String legacy = r.getString(5);
                return legacy == null ? Optional.empty() : Optional.of(new Document(r.getString(4), legacy));
            }
        }
    }

    /** The documents of these referrals, as text, for a subject access export. */
    public static List<Map<String, Object>> export(Connection c, List<Object> referralIds) throws SQLException {
        return CaseRecords.query(c, "SELECT referral_id, media_type, original_length, content FROM wm_referral_document "
                + "WHERE referral_id IN (" + CaseRecords.parameterMarks(referralIds.size()) + ") ORDER BY referral_id",
                referralIds, r -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("referral_id", r.getString(1));
                    row.put("media_type", r.getString(2));
                    row.put("document", CompressedText.unpack(r.getBytes(4), r.getInt(3)));
                    return row;
                });
    }
}
