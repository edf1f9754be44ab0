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
                .entity(fhir.encode(request.format(), resource, request.pretty(), request.subset()));
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
        return request.format() == FhirFormat.JSON && !request.pretty() && request.subset().whole();
    }

    Response json(int status, String compactJson) {
        return Response.status(status).type(FhirFormat.JSON.mediaType() + ";charset=UTF-8").entity(compactJson).build();
    }

    /**
     * A create's answer as {@code Prefer: return=} asks: the stored resource, an OperationOutcome, or no body. Only the
     * body differs; the status, the Location naming the version and the version headers are those of the stored
     * resource in every case (the OperationOutcome answer once had neither version nor ETag).
     */
    Response created(FhirRequest request, Resource resource, boolean created, PreferReturn prefer, OperationOutcome outcome) {
        int status = created ? 201 : 200;
        Response.ResponseBuilder response = switch (prefer) {
            case MINIMAL -> Response.status(status);
            case OPERATION_OUTCOME -> Response.fromResponse(resource(request, status, outcome));
            case REPRESENTATION -> Response.fromResponse(resource(request, status, resource));
        };
        response.location(location(request, resource));
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

    /** The answer to a conditional read of a resource the caller holds already: its version headers, no body. */
    Response notModified(Resource resource) {
        Response.ResponseBuilder response = Response.notModified(new EntityTag(resource.getMeta().getVersionId(), true));
        if (resource.getMeta().hasLastUpdated()) {
            response.lastModified(resource.getMeta().getLastUpdated());
        }
        return response.build();
    }

    Response outcome(FhirRequest request, int status, OperationOutcome outcome) {
        return resource(request, status, outcome);
    }
}
