package org.waymark.fhir.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import org.waymark.api.error.WaymarkException;

/**
 * Refuses a JSON body that names a property twice in one object ({@code "intent":"order","intent":"plan"}). HAPI reads
 * JSON through a Jackson tree, where the last of two equal names silently wins, while the same resource in XML is
 * refused ("Multiple repetitions of non-repeatable element"); a body whose meaning depends on which reader takes
 * which value (a validator, the kept original, Waymark) must not be stored, in either format.
 */
final class JsonDuplicates {
    /** Jackson's default reading limits, the ones HAPI's parser reads with (see Fhir), and duplicate detection on. */
    private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private JsonDuplicates() {
    }

    /**
     * @param json a body HAPI's parser has already read (so it is well-formed JSON)
     * @throws WaymarkException 400 naming the repeated property and near where it is repeated
     */
    static void refuse(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            // Reading each token is the check: Jackson throws at the second occurrence of a name in one object.
            JsonToken token = parser.nextToken();
            while (token != null) {
                token = parser.nextToken();
            }
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).startsWith("Duplicate field")) {
                String name = e.getMessage().replaceFirst("(?s)^Duplicate field '(.*?)'.*$", "$1");
                JsonLocation at = e instanceof JsonProcessingException p ? p.getLocation() : null;
                throw WaymarkException.invalid("The body is not valid FHIR JSON: the property '" + Messages.safe(name)
                        + "' appears twice in one object" + (at == null ? ""
                        : " (near line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
            }
            // Anything else HAPI's parser already judged; this check only looks for repeated names.
        }
    }
}
