package org.waymark.fhir.internal;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.waymark.api.security.SenderIdentities;

/**
 * The ODS codes by which a message or referral names the organisation that sends it: the MessageHeader's sender and
 * the ServiceRequest's requester (an Organization, or a PractitionerRole's organization), whether given as a logical
 * identifier or as a resource in the Bundle or contained in the ServiceRequest. A client bound to ODS codes may name
 * only those (see SenderBinding).
 */
final class SendingOrganisation {
    private SendingOrganisation() {
    }

    /** The requester's ODS codes of a ServiceRequest sent alone or in a transaction: logical or contained. */
    static Set<String> ofRequester(ServiceRequest request) {
        Set<String> codes = new LinkedHashSet<>();
        collect(request.getRequester(), reference -> contained(request, reference), codes, 0);
        return codes;
    }

    /**
     * The ODS codes a reference names: its logical identifier, and those of what it resolves to (an Organization, or
     * the organization of a PractitionerRole).
     */
    static void collect(Reference reference, Function<Reference, Optional<Resource>> resolve, Set<String> codes, int depth) {
        if (reference == null || reference.isEmpty() || depth > 1) {
            return;
        }
        addOds(reference.getIdentifier(), codes);
        Optional<Resource> resolved = resolve.apply(reference);
        if (resolved.isEmpty() && reference.getResource() instanceof Resource attached) {
            resolved = Optional.of(attached);
        }
        if (resolved.orElse(null) instanceof Organization organization) {
            organization.getIdentifier().forEach(identifier -> addOds(identifier, codes));
        } else if (resolved.orElse(null) instanceof PractitionerRole role) {
            collect(role.getOrganization(), resolve, codes, depth + 1);
        }
    }

    private static void addOds(Identifier identifier, Set<String> codes) {
        if (identifier != null && identifier.hasValue() && SenderIdentities.isOdsSystem(identifier.getSystem())) {
            codes.add(identifier.getValue().strip());
        }
    }

    /** What a {@code #id} reference names among the ServiceRequest's contained resources. */
    static Optional<Resource> contained(ServiceRequest request, Reference reference) {
        String target = reference.getReference();
        if (target == null || !target.startsWith("#")) {
            return Optional.empty();
        }
        String id = target.substring(1);
        return request.getContained().stream().filter(r -> r.getIdElement().getIdPart() != null
                && (id.equals(r.getIdElement().getIdPart()) || target.equals(r.getIdElement().getIdPart()))).findFirst();
    }
}
