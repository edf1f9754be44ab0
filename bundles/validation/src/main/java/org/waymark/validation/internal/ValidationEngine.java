package org.waymark.validation.internal;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.waymark.api.validation.ValidationIssue;
import org.waymark.api.validation.ValidationReport;
import org.waymark.api.validation.ValidationRequest;

/**
 * HAPI FHIR's instance validator with the R4 base definitions and terminology (hapi-fhir-validation-resources-r4),
 * all in memory: no terminology server, no package download. Building it loads several thousand definitions (seconds,
 * some hundred MB of heap), so there is one per bundle lifetime, built off the caller's thread.
 *
 * <p>UK Core and BaRS profiles are not held here (they are not published where this build can fetch them). A resource
 * that claims one is still validated against the base R4 definition, and the claim is reported as information rather
 * than HAPI's "unknown profile" error: a GP system's correct message must not look broken because this server lacks
 * a package.
 */
final class ValidationEngine {
    /** HAPI's message id for a profile it could not find (in meta.profile or asked for). */
    private static final String UNKNOWN_PROFILE_MESSAGE = "Validation_VAL_Profile_Unknown";
    /**
     * UK Core codes languages in its own code system where the R4 base binds {@code Patient.communication.language}
     * (max) to BCP 47: correct under UK Core, so not an error here merely because UK Core is not held.
     */
    private static final String UK_CORE_LANGUAGES = "https://fhir.hl7.org.uk/CodeSystem/UKCore-HumanLanguage";

    private final FhirContext context;
    private final IValidationSupport support;
    private final FhirValidator validator;

    ValidationEngine() {
        this.context = FhirContext.forR4();
        // Parsing is only a means here: what the parser does not understand is for the validator to report, not for
        // the log (HAPI's default lenient handler logs every unknown element as a warning).
        context.setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false));
        this.support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context),
                // SNOMED CT, dm+d and the NHS code systems cannot be checked without a terminology server: a code
                // from a system we do not hold is a warning, never an error.
                unknownCodeSystemsWarn(context));
        FhirInstanceValidator instanceValidator = new FhirInstanceValidator(support);
        instanceValidator.setErrorForUnknownProfiles(false);
        instanceValidator.setAnyExtensionsAllowed(true);
        // Narrative and similar best-practice hints (dom-6) would be most of what a BaRS message gets: noise here.
        instanceValidator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
        this.validator = context.newValidator().registerValidatorModule(instanceValidator);
        // Load the definitions while the engine is built, so that an engine handed out validates at full speed.
        validate(ValidationRequest.of("{\"resourceType\":\"Basic\",\"code\":{\"text\":\"warm-up\"}}",
                ValidationRequest.Encoding.JSON));
    }

    private static IValidationSupport unknownCodeSystemsWarn(FhirContext context) {
        UnknownCodeSystemWarningValidationSupport unknown = new UnknownCodeSystemWarningValidationSupport(context);
        unknown.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
        return unknown;
    }

    ValidationReport validate(ValidationRequest request) {
        IBaseResource resource = parse(request);
        List<ValidationIssue> issues = new ArrayList<>();
        ValidationOptions options = new ValidationOptions();
        for (String claimed : claimedProfiles(resource, request.profile())) {
            if (holds(claimed)) {
                if (claimed.equals(request.profile())) {
                    options.addProfile(claimed);
                }
            } else {
                issues.add(new ValidationIssue(ValidationIssue.Severity.INFORMATION, "not-supported", null,
                        "Profile " + claimed + " is not available on this server: validated against the base FHIR R4 "
                                + "definitions only"));
            }
        }
        // The text, not the parsed resource: the parse above dropped what it did not know, which is exactly what the
        // validator must see and locate.
        ValidationResult result = validator.validateWithResult(request.body(), options);
        for (SingleValidationMessage message : result.getMessages()) {
            if (UNKNOWN_PROFILE_MESSAGE.equalsIgnoreCase(message.getMessageId())) {
                continue; // reported above, once per profile, as information
            }
            ValidationIssue.Severity severity = severity(message.getSeverity());
            String text = message.getMessage();
            if (severity.isError() && text != null && text.contains(UK_CORE_LANGUAGES)) {
                severity = ValidationIssue.Severity.WARNING;
                text = text + " (allowed by UK Core, whose profiles are not available on this server)";
            }
            issues.add(new ValidationIssue(severity, code(message), message.getLocationString(), text == null ? "" : text));
        }
        return new ValidationReport(issues);
    }

    /**
     * Parsed leniently, only to find the profiles claimed: an unknown element or a wrong value is the validator's to
     * report, with its location; only a body that is no FHIR resource at all is refused.
     */
    private IBaseResource parse(ValidationRequest request) {
        IParser parser = request.encoding() == ValidationRequest.Encoding.XML ? context.newXmlParser() : context.newJsonParser();
        try {
            return parser.parseResource(request.body());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The body is not a FHIR resource in " + request.encoding(), e);
        }
    }

    private boolean holds(String profile) {
        String url = profile.split("\\|", 2)[0];
        return support.fetchStructureDefinition(url) != null;
    }

    /** The profile asked for and every profile the resource, its contained resources and Bundle entries claim. */
    private static Set<String> claimedProfiles(IBaseResource resource, String requested) {
        Set<String> profiles = new LinkedHashSet<>();
        if (requested != null) {
            profiles.add(requested.strip());
        }
        collect(resource, profiles, 0);
        return profiles;
    }

    private static void collect(IBaseResource resource, Set<String> profiles, int depth) {
        if (!(resource instanceof Resource r) || depth > 3) {
            return;
        }
        r.getMeta().getProfile().stream().map(CanonicalType::getValue).filter(p -> p != null && !p.isBlank())
                .forEach(profiles::add);
        if (r instanceof DomainResource domain) {
            domain.getContained().forEach(c -> collect(c, profiles, depth + 1));
        }
        if (r instanceof Bundle bundle) {
            bundle.getEntry().forEach(e -> collect(e.getResource(), profiles, depth + 1));
        }
        if (r instanceof Parameters parameters) {
            parameters.getParameter().forEach(p -> collect(p.getResource(), profiles, depth + 1));
        }
    }

    private static ValidationIssue.Severity severity(ResultSeverityEnum severity) {
        if (severity == null) {
            return ValidationIssue.Severity.ERROR;
        }
        return switch (severity) {
            case FATAL -> ValidationIssue.Severity.FATAL;
            case ERROR -> ValidationIssue.Severity.ERROR;
            case WARNING -> ValidationIssue.Severity.WARNING;
            case INFORMATION -> ValidationIssue.Severity.INFORMATION;
        };
    }

    /** HAPI's issue type code when it gives one, else "processing" (FHIR's catch-all). */
    private static String code(SingleValidationMessage message) {
        return message.getMessageId() == null || message.getMessageId().isBlank() ? "processing"
                : issueType(message.getMessageId());
    }

    private static String issueType(String messageId) {
        String id = messageId.toUpperCase(Locale.ROOT);
        if (id.contains("REQUIRED") || id.contains("MINIMUM") || id.contains("CARDINALITY")) {
            return "required";
        }
        if (id.contains("CODE") || id.contains("VALUESET") || id.contains("TERMINOLOGY") || id.contains("BINDING")) {
            return "code-invalid";
        }
        if (id.contains("UNKNOWN_PROPERTY") || id.contains("STRUCTURE") || id.contains("TYPE")) {
            return "structure";
        }
        if (id.contains("INVARIANT") || id.startsWith("INV_")) {
            return "invariant";
        }
        return "processing";
    }
}
