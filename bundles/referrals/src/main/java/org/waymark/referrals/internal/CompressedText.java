package org.waymark.referrals.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Long texts (documents and answers as sent) kept as zlib-compressed UTF-8 in binary columns.
 *
 * <p>Why not a CLOB: embedded Derby writes a CLOB into its transaction log one character at a time, and a 34 KB BaRS
 * message took more than a quarter of all intake CPU that way. Zlib at its fastest level cuts such a document to a
 * seventh in a fraction of a millisecond, Derby writes binary in one piece, and zlib's checksum tells a damaged value
 * from a good one.
 */
final class CompressedText {
    private CompressedText() {
    }

    /** A text's compressed bytes and the length of its UTF-8 form, which reading needs. */
    record Packed(byte[] content, int originalLength) {
    }

    static Packed pack(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(utf8);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, utf8.length / 4));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return new Packed(out.toByteArray(), utf8.length);
        } finally {
            deflater.end();
        }
    }

    static String unpack(byte[] content, int originalLength) throws SQLException {
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
                throw new SQLException("A stored text is damaged: " + read + " of " + originalLength + " bytes");
            }
            return new String(text, StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new SQLException("A stored text is damaged", e);
        } finally {
            inflater.end();
        }
    }
}
