package org.waymark.fhir.internal;

import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import javax.ws.rs.ext.ExceptionMapper;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.platform.http.ErrorClassifier;

/** Every failure on /fhir as an OperationOutcome with the right status, in the format the caller asked for. */
@Component(service = ExceptionMapper.class, property = {
        "osgi.jaxrs.extension=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
public final class OperationOutcomeMapper implements ExceptionMapper<Throwable> {
    private final FhirResponder responder;
    private final FhirSettings settings;

    @Context
    private HttpHeaders headers;

    @Context
    private UriInfo uri;

    @Activate
    public OperationOutcomeMapper(@Reference Fhir fhir, @Reference FhirSettings settings) {
        this.responder = new FhirResponder(fhir);
        this.settings = settings;
    }

    @Override
    public Response toResponse(Throwable error) {
        ErrorClassifier.Classified classified = ErrorClassifier.classify(error);
        FhirRequest request = FhirRequest.forError(headers, uri, settings.baseUrl());
        OperationOutcome outcome = outcome(classified.status(), classified.message());
        if (BarsErrorCodes.isBarsPath(uri.getPath())) {
            // A BaRS sender reads the error code, as the BaRS API's examples give it, not only the HTTP status.
            BarsErrorCodes.addTo(outcome, classified.status());
            if (error instanceof SenderBinding.NotRegistered) {
                BarsErrorCodes.addSenderRefusal(outcome);
            }
        }
        Response answer = responder.outcome(request, classified.status(), outcome);
        String retryAfter = ErrorClassifier.retryAfter(error);
        if (retryAfter != null) {
            answer.getHeaders().putSingle("Retry-After", retryAfter);
        }
        String allow = ErrorClassifier.allow(error);
        if (allow != null) {
            answer.getHeaders().putSingle("Allow", allow);
        }
        return answer;
    }

    static OperationOutcome outcome(int status, String message) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(status >= 500 ? IssueSeverity.FATAL : IssueSeverity.ERROR)
                .setCode(issueType(status)).setDiagnostics(message);
        return outcome;
    }

    static IssueType issueType(int status) {
        return switch (status) {
            case 400 -> IssueType.INVALID;
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404, 410 -> IssueType.NOTFOUND;
            case 405, 406, 415 -> IssueType.NOTSUPPORTED;
            case 409, 412 -> IssueType.CONFLICT;
            case 413 -> IssueType.TOOCOSTLY;
            case 429 -> IssueType.THROTTLED;
            case 422 -> IssueType.BUSINESSRULE;
            case 503 -> IssueType.TRANSIENT;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.PROCESSING;
        };
    }
}
