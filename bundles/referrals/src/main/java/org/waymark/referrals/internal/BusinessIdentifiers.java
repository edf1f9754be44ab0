package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.BusinessIdentifier;
import org.waymark.api.referral.ReferralSearch;

/**
 * The sender's own identifiers of a referral known by another (a BaRS ServiceRequest's case number): kept in the
 * referral row for display (one column, so reading a referral never joins) and in {@code wm_referral_identifier} for
 * search (indexed by value, so a sender's case number finds its referral among millions).
 */
final class BusinessIdentifiers {
    /** The width of the referral row's column. */
    static final int COLUMN_WIDTH = 2100;
    private static final char ESCAPE = '\\';
    private static final char FIELD = '\t';
    private static final char RECORD = '\n';
    /** More referrals than this with one business identifier is a sender reusing one number for everything: a search finds these. */
    static final int MAX_MATCHES = 1000;

    private BusinessIdentifiers() {
    }

    /** Refuses what cannot be kept whole: a cut identifier would never be found by the value its sender searches. */
    static void requireStorable(List<BusinessIdentifier> identifiers) {
        whyNotStorable(identifiers).ifPresent(problem -> {
            throw WaymarkException.invalid(problem);
        });
    }

    /** What keeps these identifiers from being kept whole, if anything. */
    static Optional<String> whyNotStorable(List<BusinessIdentifier> identifiers) {
        if (identifiers.size() > BusinessIdentifier.MAX_PER_REFERRAL) {
            return Optional.of("A referral may carry at most " + BusinessIdentifier.MAX_PER_REFERRAL + " identifiers");
        }
        for (BusinessIdentifier identifier : identifiers) {
            if (length(identifier.system()) > BusinessIdentifier.MAX_LENGTH || identifier.value().length() > BusinessIdentifier.MAX_LENGTH) {
                return Optional.of("A referral's identifier may have at most " + BusinessIdentifier.MAX_LENGTH
                        + " characters in its system and in its value");
            }
        }
        String encoded = encode(identifiers);
        if (encoded != null && encoded.length() > COLUMN_WIDTH) {
            return Optional.of("The referral's identifiers are too long to keep");
        }
        return Optional.empty();
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /** One line per identifier, system and value separated by a tab; backslash, tab and newline escaped. */
    static String encode(List<BusinessIdentifier> identifiers) {
        if (identifiers.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (BusinessIdentifier identifier : identifiers) {
            if (out.length() > 0) {
                out.append(RECORD);
            }
            if (identifier.system() != null) {
                escape(out, identifier.system());
            } else {
                // No system at all, as distinct from an empty one (which FHIR does not allow anyway).
                out.append(ESCAPE).append('0');
            }
            out.append(FIELD);
            escape(out, identifier.value());
        }
        return out.toString();
    }

    static List<BusinessIdentifier> decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return List.of();
        }
        List<BusinessIdentifier> identifiers = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean absent = false;
        for (int i = 0; i <= encoded.length(); i++) {
            char c = i == encoded.length() ? RECORD : encoded.charAt(i);
            if (c == ESCAPE && i + 1 < encoded.length()) {
                char next = encoded.charAt(++i);
                switch (next) {
                    case 't' -> field.append(FIELD);
                    case 'n' -> field.append(RECORD);
                    case '0' -> absent = true;
                    default -> field.append(next);
                }
            } else if (c == FIELD || c == RECORD) {
                fields.add(absent ? null : field.toString());
                field.setLength(0);
                absent = false;
                if (c == RECORD) {
                    if (fields.size() == 2 && fields.get(1) != null) {
                        identifiers.add(new BusinessIdentifier(fields.get(0), fields.get(1)));
                    }
                    fields.clear();
                }
            } else {
                field.append(c);
            }
        }
        return List.copyOf(identifiers);
    }

    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case ESCAPE -> out.append(ESCAPE).append(ESCAPE);
                case FIELD -> out.append(ESCAPE).append('t');
                case RECORD -> out.append(ESCAPE).append('n');
                default -> out.append(c);
            }
        }
    }

    /** The search rows of a referral just stored. */
    static void store(Connection c, String referralId, List<BusinessIdentifier> identifiers) throws SQLException {
        if (identifiers.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_referral_identifier (referral_id, seq, identifier_system, "
                + "identifier_value) VALUES (?, ?, ?, ?)")) {
            int seq = 0;
            for (BusinessIdentifier identifier : identifiers) {
                s.setString(1, referralId);
                s.setInt(2, seq++);
                s.setString(3, identifier.system());
                s.setString(4, identifier.value());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * The referrals (at most {@link #MAX_MATCHES}) whose sender gave them this identifier of its own; {@code system} null matches
     * any system (a FHIR token search without one), {@link ReferralSearch#NO_SYSTEM} only an identifier sent without
     * one. The caller's scope applies to the search that uses them.
     */
    static List<String> referralsWith(Connection c, String system, String value) throws SQLException {
        boolean none = ReferralSearch.NO_SYSTEM.equals(system);
        String sql = "SELECT i.referral_id FROM wm_referral_identifier i WHERE i.identifier_value = ?"
                + (system == null ? "" : none ? " AND i.identifier_system IS NULL" : " AND i.identifier_system = ?")
                + " FETCH FIRST " + MAX_MATCHES + " ROWS ONLY";
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            if (system != null && !none) {
                s.setString(2, system);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        return ids;
    }
}
