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
        String location = request.url(resource.fhirType() + "/" + resource.getIdElement().getIdPart() + "/_history/"
                + resource.getMeta().getVersionId());
        return Response.fromResponse(resource(request, created ? 201 : 200, resource)).location(URI.create(location)).build();
    }

    Response outcome(FhirRequest request, int status, OperationOutcome outcome) {
        return resource(request, status, outcome);
    }
}
