package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Subject;

/**
 * A BaRS message Bundle read for what Waymark needs: the header's event and reason, the sender, the focal
 * ServiceRequest and the resources it refers to inside the Bundle.
 */
final class BarsMessage {
    static final String EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
    static final String REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-bars";
    static final String REFERRAL_REQUEST = "servicerequest-request";

    enum Reason { NEW, UPDATE, DELETE }

    /** FHIR's id datatype. */
    private static final java.util.regex.Pattern FHIR_ID = java.util.regex.Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    /** Keeps the referral identity's system (a prefix and the endpoint) within its 200 characters. */
    static final int MAX_ENDPOINT_LENGTH = 180;

    private final Bundle bundle;
    private final MessageHeader header;

    BarsMessage(Bundle bundle) {
        if (bundle.getType() != Bundle.BundleType.MESSAGE) {
            throw WaymarkException.invalid("$process-message takes a Bundle of type 'message'");
        }
        if (!bundle.hasId() || bundle.getIdElement().getIdPart() == null) {
            throw WaymarkException.invalid("The message Bundle needs an id: it identifies the message for replays");
        }
        if (!FHIR_ID.matcher(bundle.getIdElement().getIdPart()).matches()) {
            // The parser keeps any text; stored as the message's identity, a longer one failed in the database (a 503).
            throw WaymarkException.invalid("The message Bundle's id must be a FHIR id: 1 to 64 letters, digits, '-' or '.'");
        }
        if (bundle.getEntry().isEmpty() || !(bundle.getEntryFirstRep().getResource() instanceof MessageHeader first)) {
            throw WaymarkException.invalid("The first entry of a message Bundle must be its MessageHeader");
        }
        this.bundle = bundle;
        this.header = first;
        if (!EVENTS.equals(header.getEventCoding().getSystem()) || !REFERRAL_REQUEST.equals(header.getEventCoding().getCode())) {
            throw WaymarkException.unprocessable("Waymark handles the BaRS event " + REFERRAL_REQUEST + "; "
                    + Messages.safe(header.getEventCoding().getCode()) + " is not supported here");
        }
    }

    String id() {
        return bundle.getIdElement().getIdPart();
    }

    MessageHeader header() {
        return header;
    }

    Reason reason() {
        // A coding without a code (found by BarsMessageFuzzTest) is no reason at all: a 400, never a 500.
        String code = header.getReason().getCoding().stream().filter(c -> REASONS.equals(c.getSystem()) && c.hasCode())
                .map(c -> c.getCode()).findFirst()
                .orElseThrow(() -> WaymarkException.invalid("MessageHeader.reason must be new, update or delete (" + REASONS + ")"));
        return switch (code) {
            case "new" -> Reason.NEW;
            case "update" -> Reason.UPDATE;
            case "delete" -> Reason.DELETE;
            default -> throw WaymarkException.invalid("Unknown message reason " + Messages.safe(code));
        };
    }

    /** Where the sender says it is: the source endpoint, else its ODS code; part of the sender's identity. */
    String sourceEndpoint() {
        if (header.getSource().hasEndpoint()) {
            String endpoint = header.getSource().getEndpoint();
            if (endpoint.length() > MAX_ENDPOINT_LENGTH) {
                // Part of the identity of every message and referral from this sender: never cut short, or two
                // senders sharing a prefix would be one.
                throw WaymarkException.invalid("MessageHeader.source.endpoint may have at most " + MAX_ENDPOINT_LENGTH
                        + " characters");
            }
            return endpoint;
        }
        return sender().flatMap(o -> o.getIdentifier().stream()
                        .filter(i -> i.hasValue() && i.getSystem() != null && i.getSystem().toLowerCase().endsWith("/id/ods-organization-code"))
                        .map(i -> "ods|" + i.getValue()).findFirst())
                .orElseThrow(() -> WaymarkException.invalid("MessageHeader.source.endpoint (or a sender with an ODS code) is required"));
    }

    Optional<Organization> sender() {
        return resolve(header.getSender(), Organization.class);
    }

    /** The focal ServiceRequest: MessageHeader.focus, else the message's only ServiceRequest. */
    Bundle.BundleEntryComponent focus() {
        for (Reference focus : header.getFocus()) {
            Optional<Bundle.BundleEntryComponent> entry = entry(focus.getReference());
            if (entry.isPresent() && entry.get().getResource() instanceof ServiceRequest) {
                return entry.get();
            }
        }
        List<Bundle.BundleEntryComponent> requests = bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof ServiceRequest).toList();
        if (requests.size() != 1) {
            throw WaymarkException.invalid("The message must focus on exactly one ServiceRequest");
        }
        return requests.get(0);
    }

    /** How the sender names its referral across messages: the entry's fullUrl, else ServiceRequest/{id}. */
    static String referralKey(Bundle.BundleEntryComponent entry) {
        if (entry.hasFullUrl()) {
            return entry.getFullUrl();
        }
        if (entry.getResource().hasIdElement() && entry.getResource().getIdElement().getIdPart() != null) {
            return "ServiceRequest/" + entry.getResource().getIdElement().getIdPart();
        }
        throw WaymarkException.invalid("The ServiceRequest entry needs a fullUrl or an id: it identifies the referral");
    }

    NewReferral newReferral(ServiceRequest request, String identifierSystem, String identifierValue, String format, String body) {
        ReferralMapping.requireNewReferral(request);
        Patient patient = resolve(request.getSubject(), Patient.class)
                .orElseThrow(() -> WaymarkException.invalid("A new referral message must carry its Patient (ServiceRequest.subject)"));
        Subject subject = Subject.described(ReferralMapping.nhsNumber(patient.getIdentifier()).orElse(null),
                ReferralMapping.demographics(patient));
        List<String> reasons = new ArrayList<>();
        resolve(request.getEncounter(), Encounter.class)
                .ifPresent(e -> e.getReasonCode().forEach(c -> ReferralMapping.describe(c).ifPresent(reasons::add)));
        request.getReasonReference().forEach(r -> resolve(r, Condition.class)
                .flatMap(condition -> ReferralMapping.describe(condition.getCode())).ifPresent(reasons::add));
        bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof Condition).map(r -> (Condition) r)
                .forEach(condition -> ReferralMapping.describe(condition.getCode()).ifPresent(reasons::add));
        String requester = ReferralMapping.requester(request.getRequester());
        if (requester == null || requester.startsWith("urn:")) {
            requester = sender().map(Organization::getName).orElse(requester);
        }
        // A message is about one referral: every Flag and Consent it carries goes with it.
        return FlagsAndConsent.attach(ReferralMapping.newReferral(request, subject, identifierSystem, identifierValue, reasons,
                requester, format, body), bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r != null).toList());
    }

    private <T extends Resource> Optional<T> resolve(Reference reference, Class<T> type) {
        if (reference == null || reference.getReference() == null) {
            return Optional.empty();
        }
        return entry(reference.getReference()).map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast);
    }

    private Optional<Bundle.BundleEntryComponent> entry(String reference) {
        if (reference == null) {
            return Optional.empty();
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (reference.equals(entry.getFullUrl())) {
                return Optional.of(entry);
            }
            Resource resource = entry.getResource();
            if (resource != null && resource.getIdElement().getIdPart() != null
                    && reference.equals(resource.fhirType() + "/" + resource.getIdElement().getIdPart())) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }
}
