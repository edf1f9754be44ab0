package org.waymark.fhir.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.ws.rs.core.MediaType;

/** The two FHIR encodings and how requests choose them (Content-Type, Accept, _format). */
public enum FhirFormat {
    JSON("application/fhir+json", "JSON"),
    XML("application/fhir+xml", "XML");

    private final String mediaType;
    private final String label;

    FhirFormat(String mediaType, String label) {
        this.mediaType = mediaType;
        this.label = label;
    }

    public String mediaType() {
        return mediaType;
    }

    String label() {
        return label;
    }

    /**
     * The format of a request body. Parameters such as BaRS's {@code ;version=1.1.0} are ignored.
     *
     * @return empty when the content type is not a FHIR encoding
     */
    public static Optional<FhirFormat> ofContentType(MediaType type) {
        if (type == null) {
            return Optional.empty();
        }
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        String main = type.getType().toLowerCase(Locale.ROOT);
        if (!main.equals("application") && !main.equals("text")) {
            return Optional.empty();
        }
        return switch (subtype) {
            case "fhir+json", "json", "json+fhir" -> Optional.of(JSON);
            case "fhir+xml", "xml", "xml+fhir" -> Optional.of(XML);
            default -> Optional.empty();
        };
    }

    /** The answer's format: {@code _format} wins, then the first acceptable Accept type, else JSON. */
    public static FhirFormat forResponse(String formatParameter, List<MediaType> accepted) {
        if (formatParameter != null && !formatParameter.isBlank()) {
            String f = formatParameter.strip().toLowerCase(Locale.ROOT);
            if (f.equals("xml") || f.contains("xml")) {
                return XML;
            }
            return JSON;
        }
        for (MediaType type : accepted) {
            if (type.isWildcardType()) {
                return JSON;
            }
            Optional<FhirFormat> format = ofContentType(type);
            if (format.isPresent()) {
                return format.get();
            }
        }
        return JSON;
    }
}
