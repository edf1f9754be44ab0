package org.waymark.fhir.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.Caller;

/**
 * The resources a search's {@code _include} adds, each read through the referral service as a read of its own would
 * be: only what the caller may see, and audited, since a Patient added to a page is a person looked up.
 */
final class SearchIncludes {
    private SearchIncludes() {
    }

    /** The people these references name, each once, in the order first named. */
    static List<Resource> patients(ReferralService referrals, Caller caller, Collection<String> patientIds) {
        List<Resource> people = new ArrayList<>();
        for (String id : new LinkedHashSet<>(patientIds)) {
            referrals.findPatient(caller, id).map(ReferralMapping::toPatient).ifPresent(people::add);
        }
        return people;
    }

    /** The referrals these references name, as ServiceRequests, each once. */
    static List<Resource> serviceRequests(ReferralService referrals, Caller caller, Collection<String> referralIds) {
        List<Resource> requests = new ArrayList<>();
        for (String id : new LinkedHashSet<>(referralIds)) {
            referrals.find(caller, id).map(ReferralMapping::toServiceRequest).ifPresent(requests::add);
        }
        return requests;
    }

    /** The id of a {@code Type/id} reference, or null for another type or none. */
    static String idOf(String reference, String type) {
        return reference != null && reference.startsWith(type + "/") ? reference.substring(type.length() + 1) : null;
    }
}
