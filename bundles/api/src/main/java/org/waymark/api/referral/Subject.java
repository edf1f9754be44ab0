package org.waymark.api.referral;

import org.waymark.api.identity.NhsNumber;

/**
 * Who a new referral is about, as the referrer identified them: a local patient id they already hold, or an NHS
 * number and demographics for linkage.
 *
 * @param key a name for the person local to one request (a transaction Bundle entry's fullUrl): referrals received
 *            together with the same key are about the same person and are linked once; null when alone
 */
public record Subject(String existingPatientId, NhsNumber nhsNumber, Demographics demographics, String key) {

    /** A subject of version 1.0 of this API, without a key. */
    public Subject(String existingPatientId, NhsNumber nhsNumber, Demographics demographics) {
        this(existingPatientId, nhsNumber, demographics, null);
    }

    public static Subject existing(String patientId) {
        return new Subject(patientId, null, Demographics.NONE, null);
    }

    public static Subject described(NhsNumber nhsNumber, Demographics demographics) {
        return new Subject(null, nhsNumber, demographics == null ? Demographics.NONE : demographics, null);
    }

    /** The same subject, known within its request by this key. */
    public Subject withKey(String newKey) {
        return new Subject(existingPatientId, nhsNumber, demographics, newKey);
    }
}
