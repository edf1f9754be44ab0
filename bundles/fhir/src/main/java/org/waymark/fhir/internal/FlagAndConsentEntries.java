package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.waymark.api.error.WaymarkException;

/**
 * The Flag and Consent entries of a transaction and the ServiceRequest entries each goes with: every ServiceRequest
 * about the same patient (the same subject: a Patient entry's {@code urn:uuid:} fullUrl, {@code Patient/{id}} or an
 * NHS-number identifier), and every ServiceRequest that lists it in supportingInfo. One that goes with none is refused,
 * as an unreferenced Patient entry is: Waymark keeps flags and consent only as part of a referral, and a sender must
 * not believe it recorded a safeguarding concern that was dropped.
 */
final class FlagAndConsentEntries {
    /** Entry index of each ServiceRequest to the entry indexes of the Flags and Consents that go with it, in order. */
    private final Map<Integer, Set<Integer>> byRequest = new TreeMap<>();
    private final Set<Integer> unplaced = new TreeSet<>();
    private final List<Bundle.BundleEntryComponent> entries;

    FlagAndConsentEntries(List<Bundle.BundleEntryComponent> entries) {
        this.entries = entries;
        Set<Integer> sent = new TreeSet<>();
        for (int i = 0; i < entries.size(); i++) {
            if (FlagsAndConsent.isFlagOrConsent(entries.get(i).getResource())) {
                sent.add(i);
            }
        }
        Set<Integer> placed = new TreeSet<>();
        for (int r = 0; r < entries.size(); r++) {
            if (!(entries.get(r).getResource() instanceof ServiceRequest request)) {
                continue;
            }
            Set<Integer> with = new TreeSet<>();
            for (int s : sent) {
                if (FlagsAndConsent.samePatient(FlagsAndConsent.subjectOf(entries.get(s).getResource()), request.getSubject())) {
                    with.add(s);
                }
            }
            for (Reference info : request.getSupportingInfo()) {
                for (int s : sent) {
                    if (info.hasReference() && info.getReference().equals(entries.get(s).getFullUrl())) {
                        requireSamePatient(r, s, entries.get(s), request);
                        with.add(s);
                    }
                }
            }
            byRequest.put(r, with);
            placed.addAll(with);
        }
        unplaced.addAll(sent);
        unplaced.removeAll(placed);
    }

    /**
     * Refuses a Flag or Consent that goes with no referral; checked after the ServiceRequests, whose own mistakes (a
     * subject that refers to nothing) are the cause to report first.
     */
    void requireEachGoesWithAReferral() {
        if (!unplaced.isEmpty()) {
            int s = unplaced.iterator().next();
            throw WaymarkException.unprocessable("Entry " + s + ": Waymark keeps a " + entries.get(s).getResource().fhirType()
                    + " only with a referral; no ServiceRequest in the transaction has its subject or lists it in supportingInfo");
        }
    }

    /** The entry indexes of the Flags and Consents that go with the ServiceRequest entry at this index. */
    List<Integer> of(int serviceRequestIndex) {
        return new ArrayList<>(byRequest.getOrDefault(serviceRequestIndex, Set.of()));
    }

    private static void requireSamePatient(int r, int s, Bundle.BundleEntryComponent sent, ServiceRequest request) {
        if (FlagsAndConsent.namesAnotherPatient(FlagsAndConsent.subjectOf(sent.getResource()), request.getSubject())) {
            throw WaymarkException.unprocessable("Entry " + r + " lists entry " + s + " in supportingInfo, but that "
                    + sent.getResource().fhirType() + " is about another patient than the ServiceRequest's subject");
        }
    }
}
