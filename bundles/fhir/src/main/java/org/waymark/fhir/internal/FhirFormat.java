package org.waymark.fhir.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.ws.rs.core.MediaType;
import org.waymark.api.error.WaymarkException;

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

    /**
     * The answer's format: {@code _format} wins, then the first acceptable Accept type, else JSON.
     *
     * @throws WaymarkException 406 for a {@code _format} that names neither encoding (e.g. {@code ttl}, {@code html}):
     *     answering JSON to a caller that asked for something else would be parsed as the wrong thing
     */
    public static FhirFormat forResponse(String formatParameter, List<MediaType> accepted) {
        if (formatParameter != null && !formatParameter.isBlank()) {
            return ofFormatParameter(formatParameter.strip()).orElseThrow(() -> new WaymarkException(
                    WaymarkException.Kind.NOT_ACCEPTABLE, "_format " + quoted(formatParameter)
                            + " is not supported: use json or xml (or their media types)"));
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

    /** As {@link #forResponse}, but JSON for a format it cannot give: for the error answer that says so. */
    public static FhirFormat forErrorResponse(String formatParameter, List<MediaType> accepted) {
        try {
            return forResponse(formatParameter, accepted);
        } catch (WaymarkException unsupported) {
            return JSON;
        }
    }

    /**
     * The format of a media type kept with a stored document ({@code application/fhir+xml; charset=utf-8}). Read by
     * hand: {@code MediaType.valueOf} needs the JAX-RS runtime, which a background thread outside any request cannot
     * count on finding in OSGi.
     */
    static Optional<FhirFormat> ofStoredMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String essence = mediaType.split(";", 2)[0].strip();
        int slash = essence.indexOf('/');
        return slash < 1 ? Optional.empty()
                : ofContentType(new MediaType(essence.substring(0, slash), essence.substring(slash + 1)));
    }

    /** {@code json}, {@code xml} or a media type of either, as the FHIR specification lists them for _format. */
    private static Optional<FhirFormat> ofFormatParameter(String value) {
        // An unencoded "application/fhir+json" in a query string reaches us with a space for its plus.
        String f = value.toLowerCase(Locale.ROOT).replace(' ', '+');
        if (f.equals("json")) {
            return Optional.of(JSON);
        }
        if (f.equals("xml")) {
            return Optional.of(XML);
        }
        if (!f.contains("/")) {
            return Optional.empty();
        }
        try {
            return ofContentType(MediaType.valueOf(f));
        } catch (IllegalArgumentException notAMediaType) {
            return Optional.empty();
        }
    }

    /** The caller's value, shortened and without control characters, to say which one was refused. */
    private static String quoted(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
