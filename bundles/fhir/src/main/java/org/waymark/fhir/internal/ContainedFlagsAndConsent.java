package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.waymark.api.error.WaymarkException;

/**
 * The Flags and Consent a ServiceRequest carries as contained resources, listed in its supportingInfo as {@code #id}:
 * the FHIR way to send them with a single resource. One that is contained but not listed is refused rather than
 * dropped: FHIR requires the container to refer to what it contains, and a safeguarding flag the sender believes it
 * sent must not be lost without a word.
 */
final class ContainedFlagsAndConsent {
    private ContainedFlagsAndConsent() {
    }

    static List<Resource> of(ServiceRequest request) {
        Map<String, Resource> unlisted = new LinkedHashMap<>();
        for (Resource resource : request.getContained()) {
            if (FlagsAndConsent.isFlagOrConsent(resource) && resource.getIdElement().getIdPart() != null) {
                unlisted.put(resource.getIdElement().getIdPart(), resource);
            }
        }
        List<Resource> listed = new ArrayList<>();
        for (Reference info : request.getSupportingInfo()) {
            String reference = info.getReference();
            Resource resource = reference != null && reference.startsWith("#") ? unlisted.remove(reference.substring(1)) : null;
            if (resource == null) {
                continue;
            }
            if (FlagsAndConsent.namesAnotherPatient(FlagsAndConsent.subjectOf(resource), request.getSubject())) {
                throw WaymarkException.unprocessable("The contained " + resource.fhirType() + " " + Messages.safe(reference)
                        + " is about another patient than the ServiceRequest's subject");
            }
            listed.add(resource);
        }
        if (!unlisted.isEmpty()) {
            Map.Entry<String, Resource> first = unlisted.entrySet().iterator().next();
            throw WaymarkException.invalid("The contained " + first.getValue().fhirType() + " #" + Messages.safe(first.getKey())
                    + " must be listed in ServiceRequest.supportingInfo to go with the referral");
        }
        return listed;
    }
}
