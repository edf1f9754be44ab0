package org.waymark.api.referral;

import java.util.List;

/**
 * The answer to receiving a referral.
 *
 * @param created  false when the sender had already sent a referral with the same identifier (a safe retry)
 * @param warnings things the sender should know but that did not stop the referral, e.g. an unverified NHS number
 * @param patient  how the referral's patient record was found
 * @param patientRecord the referral's patient record as it stood when the referral was stored, for an answer that
 *                 names it (a transaction's Patient entries, whose location and version it gives); null where the
 *                 intake did not read it (a single referral's answer names no Patient)
 */
public record Intake(Referral referral, boolean created, List<String> warnings, PatientOutcome patient,
                     Patient patientRecord) {

    /** How a referral found its patient record. */
    public enum PatientOutcome {
        /** An existing patient: by verified NHS number, a confident demographic match, or the referrer's own reference. */
        MATCHED,
        /** A new patient record: nobody known matched. */
        CREATED,
        /** A new patient record, and the match is queued for a person to review (doubtful or unverified NHS number). */
        CREATED_FOR_REVIEW;

        public boolean isNewRecord() {
            return this != MATCHED;
        }
    }

    public Intake {
        warnings = List.copyOf(warnings);
        patient = patient == null ? PatientOutcome.MATCHED : patient;
    }

    /** An intake of version 1.3 of this API, without the patient record. */
    public Intake(Referral referral, boolean created, List<String> warnings, PatientOutcome patient) {
        this(referral, created, warnings, patient, null);
    }

    /** An intake of version 1.0 of this API, where the patient outcome was not reported. */
    public Intake(Referral referral, boolean created, List<String> warnings) {
        this(referral, created, warnings, PatientOutcome.MATCHED);
    }
}
