package org.waymark.platform.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import javax.ws.rs.core.MediaType;
import org.waymark.api.error.WaymarkException;

/**
 * A posted body as text, for FHIR and for uploads read as bytes. Bodies are UTF-8 unless the Content-Type names another
 * charset; bytes that are not valid in it are refused rather than replaced, because a replacement character stored in
 * place of the "ë" in a name is a corrupted record that nobody notices (JAX-RS decoding to String replaces them
 * silently).
 */
public final class RequestBodies {
    private static final int MAX_CHARSET_SHOWN = 40;

    private RequestBodies() {
    }

    /** The body as text, without a byte order mark; empty for none; a 400 for bytes not valid in its charset, a 415 for a charset not known here. */
    public static String decode(byte[] bytes, MediaType type) {
        if (bytes == null || bytes.length == 0) {
            return "";
        }
        Charset charset = charsetOf(type);
        try {
            String text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            // A byte order mark, which Windows tools put before JSON as well as XML: RFC 8259 lets a reader ignore it,
            // and the JSON parsers refused the body over it.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw WaymarkException.invalid(charset.equals(StandardCharsets.UTF_8) ? "The body is not valid UTF-8"
                    : "The body is not valid " + charset.name());
        }
    }

    private static Charset charsetOf(MediaType type) {
        String declared = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (declared == null || declared.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(declared.strip().replace("\"", ""));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new WaymarkException(WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE,
                    "The charset " + shown(declared) + " is not supported; send UTF-8");
        }
    }

    /** A charset name as the caller sent it, cut short and without anything but a name's characters. */
    private static String shown(String declared) {
        String name = declared.strip().replaceAll("[^A-Za-z0-9._:+-]", "");
        return name.length() > MAX_CHARSET_SHOWN ? name.substring(0, MAX_CHARSET_SHOWN) + "\u2026" : name;
    }
}
