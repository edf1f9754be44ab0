package org.waymark.fhir.internal;

import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;

/**
 * The resources of a BaRS message that Waymark attaches to its referral's person (Flags and Consent) or reads the
 * reason from (Encounter, Condition), and the CarePlan kept with them, must be about the ServiceRequest's subject.
 * A message names its patient by an entry's fullUrl, so a resource about another Patient entry is a sender's mistake
 * that would put, say, a safeguarding flag on the wrong person: it is refused (422), as a plain ServiceRequest's
 * contained Flag about another patient and a transaction's are. A resource about something that is not a patient (the
 * official VALREQ01 flags a Location) concerns no other person and is kept as before.
 */
final class MessageSubjects {
    private final Function<String, Optional<Bundle.BundleEntryComponent>> entries;

    /** @param entries finds the entry of the message a reference names (by fullUrl or Type/id) */
    MessageSubjects(Function<String, Optional<Bundle.BundleEntryComponent>> entries) {
        this.entries = entries;
    }

    /** Who a resource is about, for the kinds checked here; empty for the others. */
    static Optional<Reference> subjectOf(Resource resource) {
        if (resource instanceof Flag flag) {
            return Optional.of(flag.getSubject());
        }
        if (resource instanceof Consent consent) {
            return Optional.of(consent.getPatient());
        }
        if (resource instanceof Encounter encounter) {
            return Optional.of(encounter.getSubject());
        }
        if (resource instanceof CarePlan carePlan) {
            return Optional.of(carePlan.getSubject());
        }
        if (resource instanceof Condition condition) {
            return Optional.of(condition.getSubject());
        }
        return Optional.empty();
    }

    /** Refuses the first entry of the checked kinds that is about another patient than the referral's subject. */
    void requireAbout(Reference referralSubject, Bundle bundle) {
        Optional<Bundle.BundleEntryComponent> subjectEntry = entry(referralSubject);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            Optional<Reference> about = resource == null ? Optional.empty() : subjectOf(resource);
            if (about.isPresent() && namesAnotherPatient(about.get(), referralSubject, subjectEntry)) {
                String name = entry.hasFullUrl() ? entry.getFullUrl() : ReferralMapping.typeAndId(resource);
                throw WaymarkException.unprocessable("The " + resource.fhirType() + " " + Messages.safe(name)
                        + " is about another patient than the ServiceRequest's subject");
            }
        }
    }

    private boolean namesAnotherPatient(Reference about, Reference referralSubject,
                                        Optional<Bundle.BundleEntryComponent> subjectEntry) {
        if (about.hasReference()) {
            Optional<Bundle.BundleEntryComponent> target = entry(about);
            if (target.isPresent()) {
                return target.get().getResource() instanceof Patient
                        && (subjectEntry.isEmpty() || target.get() != subjectEntry.get());
            }
            String reference = about.getReference();
            if (reference.startsWith("urn:")) {
                // Within a message a urn: names an entry; one that names none cannot be shown to be this person.
                throw WaymarkException.invalid("The reference " + Messages.safe(reference) + " refers to nothing in the Bundle");
            }
            return isPatientReference(reference) && !reference.equals(referralSubject.getReference());
        }
        if (about.hasIdentifier() && NhsNumber.SYSTEM.equals(about.getIdentifier().getSystem())) {
            Optional<String> subjectNhsNumber = subjectEntry.map(Bundle.BundleEntryComponent::getResource)
                    .filter(r -> r instanceof Patient).flatMap(p -> nhsNumberOf((Patient) p))
                    .or(() -> Optional.ofNullable(referralSubject.getIdentifier()).map(Identifier::getValue));
            return subjectNhsNumber.isPresent() && !subjectNhsNumber.get().equals(about.getIdentifier().getValue());
        }
        return false;
    }

    private static boolean isPatientReference(String reference) {
        return reference.startsWith("Patient/") || reference.contains("/Patient/");
    }

    private static Optional<String> nhsNumberOf(Patient patient) {
        return patient.getIdentifier().stream().filter(i -> NhsNumber.SYSTEM.equals(i.getSystem()) && i.hasValue())
                .map(Identifier::getValue).findFirst();
    }

    private Optional<Bundle.BundleEntryComponent> entry(Reference reference) {
        return reference.hasReference() ? entries.apply(reference.getReference()) : Optional.empty();
    }
}
