package org.waymark.fhir.internal;

import java.util.List;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.QueryParam;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Roles;
import org.waymark.api.validation.ProfileValidator;
import org.waymark.api.validation.ValidationIssue;
import org.waymark.api.validation.ValidationReport;
import org.waymark.api.validation.ValidationRequest;
import org.waymark.platform.http.RequestBodies;

/**
 * FHIR's {@code $validate} ({@code POST /fhir/$validate} and {@code /fhir/{type}/$validate}, see
 * {@link ValidateRouting}): the body is the resource itself or a Parameters with {@code resource} and optional
 * {@code profile}; the answer is 200 with an OperationOutcome of the findings, whatever they are. The validator is
 * the optional {@code waymark-validation} feature: without it the answer is 501, and this endpoint, like the rest of
 * the FHIR bundle, works the moment it comes or goes.
 */
@Component(service = {ValidateResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/$validate")
@RolesAllowed(Roles.REFERRER)
public final class ValidateResource implements FhirEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(ValidateResource.class);

    private final Fhir fhir;
    private final FhirResponder responder;
    private final FhirSettings settings;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ProfileValidator validator;

    @Activate
    public ValidateResource(@Reference Fhir fhir, @Reference FhirSettings settings) {
        this.fhir = fhir;
        this.responder = new FhirResponder(fhir);
        this.settings = settings;
    }

    @Override
    public String resourceType() {
        return "Resource";
    }

    @Override
    public List<String> interactions() {
        return List.of();
    }

    @Override
    public Map<String, String> searchParameters() {
        return Map.of();
    }

    /** Offered only while a validator is installed, so the CapabilityStatement says what really works. */
    @Override
    public List<String> operations() {
        return validator == null ? List.of() : List.of("validate");
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response validate(byte[] sent, @QueryParam("profile") String profileParameter, @Context HttpHeaders headers,
                             @Context UriInfo uri, @Context ContainerRequestContext context) {
        FhirRequest request = FhirRequest.of(headers, uri, settings.baseUrl());
        FhirFormat format = FhirFormat.ofContentType(headers.getMediaType()).orElseThrow(() -> new WaymarkException(
                WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE, "Send application/fhir+json or application/fhir+xml"));
        ReferralEndpoint.requireUncompressed(headers);
        String body = RequestBodies.decode(sent, headers.getMediaType());
        if (body.isBlank()) {
            throw WaymarkException.invalid("The request has no body");
        }
        ProfileValidator installed = validator;
        if (installed == null) {
            OperationOutcome notInstalled = new OperationOutcome();
            notInstalled.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.NOTSUPPORTED)
                    .setDiagnostics("Profile validation is not installed on this server (feature waymark-validation)");
            return responder.outcome(request, 501, notInstalled);
        }
        Subject subject = subject(format, body, profileParameter);
        Object type = context.getProperty(ValidateRouting.RESOURCE_TYPE);
        if (type != null && !type.equals(subject.resource().fhirType())) {
            throw WaymarkException.invalid("The body is a " + subject.resource().fhirType() + ", not a "
                    + Messages.safe(type.toString()));
        }
        ValidationReport report;
        try {
            report = installed.validate(new ValidationRequest(subject.text(),
                    format == FhirFormat.XML ? ValidationRequest.Encoding.XML : ValidationRequest.Encoding.JSON, subject.profile()));
        } catch (IllegalArgumentException notFhir) {
            throw WaymarkException.invalid("The body is not a FHIR resource that can be validated");
        } catch (RuntimeException e) {
            LOG.warn("Profile validation failed: {}", e.toString());
            throw new WaymarkException(WaymarkException.Kind.UNAVAILABLE, "Profile validation is not available right now");
        }
        return responder.outcome(request, 200, outcome(report));
    }

    /** What to validate: the resource (its text as sent, unless it came inside a Parameters) and the profile asked for. */
    private record Subject(IBaseResource resource, String text, String profile) {
    }

    private Subject subject(FhirFormat format, String body, String profileParameter) {
        IBaseResource parsed = fhir.parseLeniently(format, body);
        if (!(parsed instanceof Parameters parameters)) {
            return new Subject(parsed, body, blankToNull(profileParameter));
        }
        Resource resource = null;
        String profile = blankToNull(profileParameter);
        for (Parameters.ParametersParameterComponent parameter : parameters.getParameter()) {
            if ("resource".equals(parameter.getName()) && parameter.hasResource()) {
                resource = parameter.getResource();
            } else if ("profile".equals(parameter.getName()) && parameter.hasValue() && profile == null) {
                profile = profileValue(parameter);
            }
        }
        if (resource == null) {
            throw WaymarkException.invalid("The Parameters must hold the resource to validate in a parameter named resource");
        }
        return new Subject(resource, fhir.encode(format, resource, false), profile);
    }

    private static String profileValue(Parameters.ParametersParameterComponent parameter) {
        try {
            return blankToNull(parameter.getValue().primitiveValue());
        } catch (FHIRException notPrimitive) {
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static OperationOutcome outcome(ValidationReport report) {
        OperationOutcome outcome = new OperationOutcome();
        for (ValidationIssue issue : report.issues()) {
            OperationOutcome.OperationOutcomeIssueComponent component = outcome.addIssue()
                    .setSeverity(IssueSeverity.fromCode(issue.severity().code()))
                    .setCode(issueType(issue.code()))
                    .setDiagnostics(issue.message());
            if (issue.location() != null) {
                component.addExpression(issue.location());
            }
        }
        if (report.issues().isEmpty()) {
            outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                    .setDiagnostics("All OK: no issues found");
        }
        return outcome;
    }

    private static IssueType issueType(String code) {
        try {
            return IssueType.fromCode(code);
        } catch (FHIRException unknown) {
            return IssueType.PROCESSING;
        }
    }
}
