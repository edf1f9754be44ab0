package org.waymark.directory.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javax.ws.rs.core.MediaType;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.http.RequestBodies;

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
        String text = RequestBodies.decode(bytes, type);
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
}
