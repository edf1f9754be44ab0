package org.waymark.fhir.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.Resource;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.ReferralService;
import org.waymark.platform.http.RequestBodies;

/** What the FHIR endpoints over referrals share: the referral service, the answer encoding and the base URL. */
abstract class ReferralEndpoint implements FhirEndpoint {
    protected final ReferralService referrals;
    protected final FhirResponder responder;
    private final Fhir fhir;
    private final FhirSettings settings;
    private final String resourceType;
    private final List<String> interactions;
    private final Map<String, String> searchParameters;

    ReferralEndpoint(Fhir fhir, ReferralService referrals, FhirSettings settings, String resourceType,
                     List<String> interactions, Map<String, String> searchParameters) {
        this.referrals = referrals;
        this.fhir = fhir;
        this.settings = settings;
        this.responder = new FhirResponder(fhir);
        this.resourceType = resourceType;
        this.interactions = List.copyOf(interactions);
        this.searchParameters = searchParameters;
    }

    @Override
    public final String resourceType() {
        return resourceType;
    }

    @Override
    public final List<String> interactions() {
        return interactions;
    }

    @Override
    public final Map<String, String> searchParameters() {
        return searchParameters;
    }

    /** A read: the resource if the caller may see it, else 404 (never telling whether it exists for someone else). */
    protected final <T> Response read(Optional<T> found, String id, Function<T, Resource> toResource, HttpHeaders headers,
                                      UriInfo uri) {
        FhirRequest request = request(headers, uri);
        if (request.subset().countOnly()) {
            throw WaymarkException.invalid("_summary=count counts the matches of a search; a read returns one resource");
        }
        T record = found.orElseThrow(() -> WaymarkException.notFound(resourceType + "/" + Messages.safe(id) + " is not known"));
        Resource resource = toResource.apply(record);
        // A GP system that polls a Task sends the version it holds: if it is still current, nothing is sent again.
        if (ConditionalRead.unchanged(headers.getRequestHeader(HttpHeaders.IF_NONE_MATCH), resource)) {
            return responder.notModified(resource);
        }
        return responder.resource(request, 200, resource);
    }

    @Override
    public boolean conditionalRead() {
        return interactions().contains("read");
    }

    /** A vread: as a read (scope and audit included), then only the current version is there (see VersionRead). */
    protected final <T> Response vread(Optional<T> found, String id, String versionId, Function<T, Resource> toResource,
                                       HttpHeaders headers, UriInfo uri) {
        return read(found, id, record -> VersionRead.current(toResource.apply(record), versionId), headers, uri);
    }

    /** A posted body, in the format its Content-Type names, with its text as decoded (what is kept as sent). */
    protected record Posted<T extends Resource>(FhirFormat format, T resource, String text) {
    }

    /** Parses a posted body strictly: a FHIR media type and a body are required, and it must be a {@code type}. */
    protected final <T extends Resource> Posted<T> parse(byte[] body, HttpHeaders headers, Class<T> type) {
        FhirFormat format = FhirFormat.ofContentType(headers.getMediaType()).orElseThrow(() -> new WaymarkException(
                WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE, "Send application/fhir+json or application/fhir+xml"));
        requireUncompressed(headers);
        String text = RequestBodies.decode(body, headers.getMediaType());
        if (text.isBlank()) {
            throw WaymarkException.invalid("The request has no body");
        }
        T resource = fhir.parse(format, text, type);
        if (format == FhirFormat.JSON) {
            JsonDuplicates.refuse(text);
        }
        return new Posted<>(format, resource, text);
    }

    /**
     * Refuses a compressed body (RFC 9110 15.5.16: 415 for a content coding the server does not apply). Nothing here
     * inflates request bodies, so a gzipped referral was refused as "not valid UTF-8", which sent its sender looking
     * for an encoding problem, and a body merely labelled gzip was read as plain text.
     */
    static void requireUncompressed(HttpHeaders headers) {
        String coding = headers.getHeaderString("Content-Encoding");
        if (coding != null && !coding.isBlank() && !coding.strip().equalsIgnoreCase("identity")) {
            throw new WaymarkException(WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding "
                    + Messages.safe(coding.strip()) + " is not supported: send the body uncompressed");
        }
    }

    protected final FhirRequest request(HttpHeaders headers, UriInfo uri) {
        return FhirRequest.of(headers, uri, settings.baseUrl());
    }
}
