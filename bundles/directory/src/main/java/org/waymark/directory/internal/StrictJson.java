package org.waymark.directory.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Imported JSON read as strictly as every other {@code /api} body (the platform's JAX-RS mapper): a field named twice
 * is an error rather than "the last one wins" (two {@code id}s would make the record ambiguous), and so is anything
 * after the JSON value. Uploaded bodies are decoded as /api decodes them: UTF-8 unless the Content-Type names another
 * charset, and bytes that are not valid in it are refused, never replaced.
 */
final class StrictJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {
    }

    /** An uploaded body as JSON; any problem is the caller's, a 400 (415 for a charset this server cannot read). */
    static JsonNode readBody(byte[] bytes, MediaType type) {
        Charset charset = charsetOf(type);
        String text;
        try {
            text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw WaymarkException.invalid(charset.equals(StandardCharsets.UTF_8) ? "The body is not valid UTF-8"
                    : "The body is not valid " + charset.name());
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw WaymarkException.invalid("The body is not valid JSON" + where(e));
        }
        if (json == null || json.isMissingNode()) {
            throw WaymarkException.invalid("The body is empty");
        }
        return json;
    }

    /**
     * What is wrong and where, in plain words for an import's report: " (line 3, column 7: the field 'id' is named
     * twice)". Jackson's own message is not passed on: it names its classes and settings.
     */
    static String where(JsonProcessingException e) {
        StringBuilder text = new StringBuilder();
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            text.append("line ").append(location.getLineNr());
            if (location.getColumnNr() > 0) {
                text.append(", column ").append(location.getColumnNr());
            }
        }
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String reason = null;
        if (message.startsWith("Duplicate field '")) {
            String field = message.substring("Duplicate field '".length(), Math.max("Duplicate field '".length(), message.lastIndexOf('\'')));
            reason = "the field '" + (field.length() > 40 ? field.substring(0, 40) + "..." : field) + "' is named twice";
        } else if (message.startsWith("Trailing token")) {
            reason = "something follows the JSON value";
        } else if (message.contains("end-of-input")) {
            reason = "it ends too soon";
        }
        if (reason != null) {
            text.append(text.length() == 0 ? "" : ": ").append(reason);
        }
        return text.length() == 0 ? "" : " (" + text + ")";
    }

    private static Charset charsetOf(MediaType type) {
        String declared = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (declared == null || declared.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(declared.strip().replace("\"", ""));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new WaymarkException(WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE, "The charset is not supported; send UTF-8");
        }
    }
}
