package org.waymark.api.validation;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What to validate.
 *
 * @param body     the resource, as sent
 * @param encoding how the body is written
 * @param profile  a profile's canonical URL to validate against as well as those the resource claims; null for none
 */
public record ValidationRequest(String body, Encoding encoding, String profile) {

    public ValidationRequest {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(encoding, "encoding");
        if (profile != null && profile.isBlank()) {
            profile = null;
        }
    }

    public static ValidationRequest of(String body, Encoding encoding) {
        return new ValidationRequest(body, encoding, null);
    }

    /** The two FHIR encodings. */
    public enum Encoding {
        JSON, XML;

        /**
         * The encoding a media type names: {@code application/fhir+json}, {@code application/json} and the like, with
         * or without parameters such as {@code ;version=1.1.0}.
         */
        public static Optional<Encoding> ofMediaType(String mediaType) {
            if (mediaType == null) {
                return Optional.empty();
            }
            String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            return switch (type) {
                case "application/fhir+json", "application/json", "application/json+fhir", "text/json" -> Optional.of(JSON);
                case "application/fhir+xml", "application/xml", "application/xml+fhir", "text/xml" -> Optional.of(XML);
                default -> Optional.empty();
            };
        }
    }
}
