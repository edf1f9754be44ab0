package org.waymark.fhir.internal;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.error.WaymarkException;

/**
 * The one HAPI FHIR context of this bundle (creating it costs about a second) and the only way into HAPI's parsers.
 * HAPI finds its structure definitions through the thread context class loader, so every call switches it to this
 * bundle's loader (without that, HAPI-2200 "no structures" in OSGi).
 */
@Component(service = Fhir.class)
public final class Fhir {
    private final FhirContext context;

    public Fhir() {
        this.context = withBundleClassLoader(() -> {
            FhirContext r4 = FhirContext.forR4();
            r4.setParserErrorHandler(new StrictErrorHandler());
            r4.getParserOptions().setOverrideResourceIdWithBundleEntryFullUrl(false);
            // Force the model to load now, at activation, not on the first GP's request.
            r4.getResourceDefinition("ServiceRequest");
            r4.getResourceDefinition("Bundle");
            return r4;
        });
    }

    FhirContext context() {
        return context;
    }

    /** Parses a body strictly; any problem is the sender's and answered as 400 with HAPI's explanation. */
    public <T extends IBaseResource> T parse(FhirFormat format, String body, Class<T> type) {
        return withBundleClassLoader(() -> {
            try {
                IBaseResource resource = parser(format).parseResource(body);
                if (!type.isInstance(resource)) {
                    throw WaymarkException.invalid("Expected a " + type.getSimpleName() + " but the body is a "
                            + resource.fhirType());
                }
                return type.cast(resource);
            } catch (WaymarkException refused) {
                throw refused;
            } catch (RuntimeException e) {
                // HAPI's parsers throw more than DataFormatException on hostile bodies (a NullPointerException "theResource
                // must not be null" for a contained resource without a type, found by BarsMessageFuzzTest): whatever
                // the parser cannot read is the sender's problem, never a 500.
                throw WaymarkException.invalid(unreadable("The body is not valid FHIR " + format.label(), e));
            }
        });
    }

    /** Jackson's reading limits, which HAPI passes on in Jackson's words (naming its own configuration methods). */
    private static final int MAX_NESTING = 1000;

    /** Why the parser could not read a body, in the sender's terms. */
    static String unreadable(String what, RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("nesting depth") || message.contains("Maximum Element Depth")) {
            return "The body is nested too deeply (more than " + MAX_NESTING + " levels)";
        }
        if (message.contains("Number value length") || message.contains("Number length")) {
            return "The body holds a number that is too long (more than 1000 digits)";
        }
        return what + ": " + Messages.safe(e.getMessage());
    }

    /**
     * Parses a body that is to be validated rather than stored: what the parser does not know is dropped here and
     * left to the validator to report, so only a body that is no FHIR resource at all is refused (400).
     */
    IBaseResource parseLeniently(FhirFormat format, String body) {
        return withBundleClassLoader(() -> {
            try {
                return parser(format).setParserErrorHandler(new LenientErrorHandler(false).setErrorOnInvalidValue(false)).parseResource(body);
            } catch (RuntimeException e) {
                throw WaymarkException.invalid(unreadable("The body is not a FHIR " + format.label() + " resource", e));
            }
        });
    }

    public String encode(FhirFormat format, IBaseResource resource, boolean pretty) {
        return withBundleClassLoader(() -> parser(format).setPrettyPrint(pretty).encodeResourceToString(resource));
    }

    /** As {@link #encode(FhirFormat, IBaseResource, boolean)}, only the part the caller asked for. */
    String encode(FhirFormat format, IBaseResource resource, boolean pretty, ResponseSubset subset) {
        if (subset.whole()) {
            return encode(format, resource, pretty);
        }
        boolean searchset = resource instanceof org.hl7.fhir.r4.model.Bundle bundle
                && bundle.getType() == org.hl7.fhir.r4.model.Bundle.BundleType.SEARCHSET;
        return withBundleClassLoader(() -> subset.configure(parser(format), searchset).setPrettyPrint(pretty)
                .encodeResourceToString(resource));
    }

    private IParser parser(FhirFormat format) {
        return format == FhirFormat.XML ? context.newXmlParser() : context.newJsonParser();
    }

    static <T> T withBundleClassLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Fhir.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
