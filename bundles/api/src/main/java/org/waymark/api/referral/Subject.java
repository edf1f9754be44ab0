package org.waymark.api.referral;

import org.waymark.api.identity.NhsNumber;

/**
 * Who a new referral is about, as the referrer identified them: a local patient id they already hold, or an NHS
 * number and demographics for linkage.
 */
public record Subject(String existingPatientId, NhsNumber nhsNumber, Demographics demographics) {
    public static Subject existing(String patientId) {
        return new Subject(patientId, null, Demographics.NONE);
    }

    public static Subject described(NhsNumber nhsNumber, Demographics demographics) {
        return new Subject(null, nhsNumber, demographics == null ? Demographics.NONE : demographics);
    }
}
