package org.waymark.fhir.internal;

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
 * A posted FHIR body as text. FHIR bodies are UTF-8 unless the Content-Type names another charset; bytes that are not
 * UTF-8 are refused rather than replaced, because a replacement character stored in place of the "ë" in a name is a
 * corrupted record that nobody notices (JAX-RS decoding to String replaces them silently).
 */
final class FhirBody {
    private FhirBody() {
    }

    static String decode(byte[] bytes, MediaType type) {
        if (bytes == null || bytes.length == 0) {
            return "";
        }
        Charset charset = charsetOf(type);
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
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
                    "The charset " + Messages.safe(declared) + " is not supported; send UTF-8");
        }
    }
}
