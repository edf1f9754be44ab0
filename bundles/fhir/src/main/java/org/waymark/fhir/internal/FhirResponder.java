package org.waymark.fhir.internal;

import java.net.URI;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.Response;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/** Encodes answers in the format the caller asked for, with the FHIR version headers (ETag, Last-Modified). */
final class FhirResponder {
    private final Fhir fhir;

    FhirResponder(Fhir fhir) {
        this.fhir = fhir;
    }

    Response resource(FhirRequest request, int status, IBaseResource resource) {
        Response.ResponseBuilder response = Response.status(status)
                .type(request.format().mediaType() + ";charset=UTF-8")
                .entity(fhir.encode(request.format(), resource, request.pretty()));
        if (resource instanceof Resource r && r.hasMeta() && r.getMeta().hasVersionId()) {
            response.tag(new EntityTag(r.getMeta().getVersionId(), true));
            if (r.getMeta().hasLastUpdated()) {
                response.lastModified(r.getMeta().getLastUpdated());
            }
        }
        return response.build();
    }

    /**
     * As {@link #resource(FhirRequest, int, IBaseResource)}, with the resource's compact JSON already at hand (a BaRS
     * answer is encoded once to be kept for replays): sent as it is when the caller wants compact JSON.
     */
    Response resource(FhirRequest request, int status, IBaseResource resource, String compactJson) {
        return sendsCompactJson(request) ? json(status, compactJson) : resource(request, status, resource);
    }

    boolean sendsCompactJson(FhirRequest request) {
        return request.format() == FhirFormat.JSON && !request.pretty();
    }

    Response json(int status, String compactJson) {
        return Response.status(status).type(FhirFormat.JSON.mediaType() + ";charset=UTF-8").entity(compactJson).build();
    }

    Response created(FhirRequest request, Resource resource, boolean created) {
        return Response.fromResponse(resource(request, created ? 201 : 200, resource)).location(location(request, resource)).build();
    }

    /** {@code Prefer: return=minimal}: the status, Location and version headers of a create, and no body. */
    Response createdMinimal(FhirRequest request, Resource resource, boolean created) {
        Response.ResponseBuilder response = Response.status(created ? 201 : 200).location(location(request, resource));
        if (resource.getMeta().hasVersionId()) {
            response.tag(new EntityTag(resource.getMeta().getVersionId(), true));
        }
        if (resource.getMeta().hasLastUpdated()) {
            response.lastModified(resource.getMeta().getLastUpdated());
        }
        return response.build();
    }

    /** Where a created resource is, with its version, as FHIR's create answers it (read back through vread). */
    private static URI location(FhirRequest request, Resource resource) {
        return URI.create(request.url(resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/"
                + resource.getMeta().getVersionId()));
    }

    Response outcome(FhirRequest request, int status, OperationOutcome outcome) {
        return resource(request, status, outcome);
    }
}
