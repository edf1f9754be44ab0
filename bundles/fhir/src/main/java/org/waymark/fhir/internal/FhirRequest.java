package org.waymark.fhir.internal;

import java.net.URI;
import java.util.regex.Pattern;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.UriInfo;

/**
 * What an answer depends on in a request: the format the caller wants, whether pretty, and the public base URL
 * (WAYMARK_BASE_URL when set, else the address the request came to) for fullUrl, Location and paging links, and the
 * part of each resource asked for ({@code _summary}, {@code _elements}); an error answer is always whole.
 */
record FhirRequest(FhirFormat format, boolean pretty, String baseUrl, UriInfo uri, ResponseSubset subset) {
    private static final Pattern TRAILING_SLASHES = Pattern.compile("/+$");

    /** A request for whole resources. */
    FhirRequest(FhirFormat format, boolean pretty, String baseUrl, UriInfo uri) {
        this(format, pretty, baseUrl, uri, ResponseSubset.WHOLE);
    }

    /** @throws org.waymark.api.error.WaymarkException 400 for a _summary or _elements FHIR does not define */
    static FhirRequest of(HttpHeaders headers, UriInfo uri, String configuredBaseUrl) {
        String format = uri.getQueryParameters().getFirst("_format");
        String pretty = uri.getQueryParameters().getFirst("_pretty");
        return new FhirRequest(FhirFormat.forResponse(format, headers.getAcceptableMediaTypes()), "true".equals(pretty),
                base(uri, configuredBaseUrl), uri, ResponseSubset.of(uri.getQueryParameters()));
    }

    /** As {@link #of}, for an error answer: JSON when the caller's _format cannot be given (that is the error). */
    static FhirRequest forError(HttpHeaders headers, UriInfo uri, String configuredBaseUrl) {
        String format = uri.getQueryParameters().getFirst("_format");
        String pretty = uri.getQueryParameters().getFirst("_pretty");
        return new FhirRequest(FhirFormat.forErrorResponse(format, headers.getAcceptableMediaTypes()), "true".equals(pretty),
                base(uri, configuredBaseUrl), uri);
    }

    /** The FHIR base from the configured public base URL, or null when none is configured. */
    static String configuredBase(String configured) {
        if (configured == null || configured.isBlank()) {
            return null;
        }
        String root = TRAILING_SLASHES.matcher(configured.strip()).replaceAll("");
        return root.endsWith("/fhir") ? root : root + "/fhir";
    }

    private static String base(UriInfo uri, String configured) {
        if (configuredBase(configured) != null) {
            return configuredBase(configured);
        }
        URI requestBase = uri.getBaseUri();
        return TRAILING_SLASHES.matcher(requestBase.toString()).replaceAll("");
    }

    String url(String relative) {
        return baseUrl + "/" + relative;
    }
}
