package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.BusinessIdentifier;
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
    private final Bundle.BundleEntryComponent focus;

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
        if (bundle.getEntry().stream().filter(e -> e.getResource() instanceof MessageHeader).count() > 1) {
            throw WaymarkException.invalid("A message Bundle has one MessageHeader, its first entry; this one has more");
        }
        this.bundle = bundle;
        this.header = first;
        requireReferralEvent(header);
        this.focus = resolveFocus();
    }

    /** Says what is wrong with the event: missing, in another code system, or another BaRS event. */
    private static void requireReferralEvent(MessageHeader header) {
        if (!header.hasEventCoding() || !header.getEventCoding().hasCode()) {
            throw WaymarkException.invalid("The MessageHeader has no eventCoding: a BaRS referral message needs "
                    + EVENTS + "|" + REFERRAL_REQUEST);
        }
        Coding event = header.getEventCoding();
        if (!EVENTS.equals(event.getSystem())) {
            throw WaymarkException.unprocessable("The MessageHeader's eventCoding must be in the code system " + EVENTS
                    + ", not " + (event.hasSystem() ? Messages.safe(event.getSystem()) : "without a system"));
        }
        if (!REFERRAL_REQUEST.equals(event.getCode())) {
            throw WaymarkException.unprocessable("Waymark handles the BaRS event " + REFERRAL_REQUEST + "; "
                    + Messages.safe(event.getCode()) + " is not supported here");
        }
    }

    String id() {
        return bundle.getIdElement().getIdPart();
    }

    MessageHeader header() {
        return header;
    }

    Bundle bundle() {
        return bundle;
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

    /** The message's own source endpoint, or null when it names none (then its sender is known by ODS code). */
    String declaredEndpoint() {
        return header.getSource().hasEndpoint() ? header.getSource().getEndpoint() : null;
    }

    /** The ODS codes the message names its sending organisation by: MessageHeader.sender and the requester. */
    java.util.Set<String> sendingOdsCodes() {
        java.util.Set<String> codes = new java.util.LinkedHashSet<>();
        SendingOrganisation.collect(header.getSender(), r -> resolve(r, Resource.class), codes, 0);
        ServiceRequest request = (ServiceRequest) focus.getResource();
        SendingOrganisation.collect(request.getRequester(), r -> resolve(r, Resource.class)
                .or(() -> SendingOrganisation.contained(request, r)), codes, 0);
        return codes;
    }

    /** The focal ServiceRequest entry (MessageHeader.focus). */
    Bundle.BundleEntryComponent focus() {
        return focus;
    }

    /**
     * The event servicerequest-request is about the ServiceRequest its MessageHeader.focus names, an entry of the
     * Bundle. Every official BaRS example (REFREQ, VALREQ, SERVREQ) has exactly one focus, the ServiceRequest entry's
     * urn:uuid: fullUrl, so nothing looser is accepted: a message whose focus is missing, names nothing, or names
     * another resource would otherwise be read as whatever ServiceRequest it happens to carry.
     */
    private Bundle.BundleEntryComponent resolveFocus() {
        List<Reference> foci = header.getFocus();
        if (foci.isEmpty()) {
            throw WaymarkException.invalid("MessageHeader.focus is required: the event " + REFERRAL_REQUEST
                    + " focuses on the ServiceRequest in the Bundle");
        }
        if (foci.size() > 1) {
            throw WaymarkException.invalid("MessageHeader.focus must name one resource, the ServiceRequest, not " + foci.size());
        }
        String reference = foci.get(0).getReference();
        Bundle.BundleEntryComponent entry = entry(reference).orElseThrow(() -> WaymarkException.invalid(
                "MessageHeader.focus " + (reference == null ? "has no reference" : Messages.safe(reference)
                        + " refers to nothing in the Bundle") + ": it must name the ServiceRequest entry"));
        if (entry.getResource() == null) {
            throw WaymarkException.invalid("MessageHeader.focus names an entry without a resource: it must name the ServiceRequest");
        }
        if (!(entry.getResource() instanceof ServiceRequest)) {
            throw WaymarkException.unprocessable("MessageHeader.focus names a " + entry.getResource().fhirType()
                    + "; the event " + REFERRAL_REQUEST + " focuses on a ServiceRequest");
        }
        return entry;
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

    /**
     * The id the sender gave its ServiceRequest, by which a later message may name the referral instead of the same
     * fullUrl; null when it has none that is a FHIR id (then only the fullUrl names it).
     */
    static String senderRequestId(Bundle.BundleEntryComponent entry) {
        String id = entry.getResource().getIdElement().getIdPart();
        return id != null && FHIR_ID.matcher(id).matches() ? id : null;
    }

    NewReferral newReferral(ServiceRequest request, String identifierSystem, String identifierValue, String format, String body) {
        ReferralMapping.requireNewReferral(request);
        Patient patient = resolve(request.getSubject(), Patient.class)
                .orElseThrow(() -> WaymarkException.invalid("A new referral message must carry its Patient (ServiceRequest.subject)"));
        new MessageSubjects(this::entry).requireAbout(request.getSubject(), bundle);
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
                .filter(r -> r != null).toList()).withBusinessIdentifiers(businessIdentifiers(request));
    }

    /** The sender's own identifiers of its ServiceRequest (a case or booking number), by which BaRS senders search. */
    static List<BusinessIdentifier> businessIdentifiers(ServiceRequest request) {
        return request.getIdentifier().stream().filter(Identifier::hasValue)
                .map(i -> new BusinessIdentifier(i.hasSystem() ? i.getSystem() : null, i.getValue())).distinct().toList();
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
