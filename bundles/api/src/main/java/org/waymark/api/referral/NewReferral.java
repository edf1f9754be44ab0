package org.waymark.api.referral;

import java.time.Instant;

/**
 * A referral as received, before it is stored.
 *
 * @param identifierSystem the sender's business identifier system (retries with the same identifier are safe)
 * @param reasonText       why the person is referred, as text a link worker can read
 * @param reasonCode       the coded reason, {@code system|code}, if any
 * @param priority         routine, urgent, asap or stat (FHIR request priority)
 * @param sourceFormat     media type of the original document kept for provenance
 * @param sourceDocument   the original document as received
 * @param flags            safeguarding concerns, reasonable adjustments and other flags sent with the referral
 * @param consent          the consent the referrer recorded, or null
 * @param senderRequestId  the id the sender gave its ServiceRequest, when the identifier is something else (a BaRS
 *                         message's fullUrl): a later message may name the referral by either (since 1.5)
 * @param businessIdentifiers the sender's own identifiers of the referral when it is known by another (a BaRS
 *                         message's ServiceRequest.identifier): searchable and shown, never its identity (since 1.6)
 */
public record NewReferral(String identifierSystem, String identifierValue, Subject subject, String reasonText,
                          String reasonCode, String priority, Instant authoredOn, String requester, String note,
                          String sourceFormat, String sourceDocument, java.util.List<ReferralFlag> flags,
                          ReferralConsent consent, String senderRequestId,
                          java.util.List<BusinessIdentifier> businessIdentifiers) {
    public NewReferral {
        flags = flags == null ? java.util.List.of() : java.util.List.copyOf(flags);
        businessIdentifiers = businessIdentifiers == null ? java.util.List.of() : java.util.List.copyOf(businessIdentifiers);
    }

    /** A referral with everything but business identifiers (version 1.5 of this API). */
    public NewReferral(String identifierSystem, String identifierValue, Subject subject, String reasonText, String reasonCode,
                       String priority, Instant authoredOn, String requester, String note, String sourceFormat,
                       String sourceDocument, java.util.List<ReferralFlag> flags, ReferralConsent consent,
                       String senderRequestId) {
        this(identifierSystem, identifierValue, subject, reasonText, reasonCode, priority, authoredOn, requester, note,
                sourceFormat, sourceDocument, flags, consent, senderRequestId, java.util.List.of());
    }

    /** A referral without flags or consent (a plain ServiceRequest, a referral entered by hand). */
    public NewReferral(String identifierSystem, String identifierValue, Subject subject, String reasonText, String reasonCode,
                       String priority, Instant authoredOn, String requester, String note, String sourceFormat,
                       String sourceDocument) {
        this(identifierSystem, identifierValue, subject, reasonText, reasonCode, priority, authoredOn, requester, note,
                sourceFormat, sourceDocument, java.util.List.of(), null, null, java.util.List.of());
    }

    /** A referral with flags and consent, named by its identifier alone. */
    public NewReferral(String identifierSystem, String identifierValue, Subject subject, String reasonText, String reasonCode,
                       String priority, Instant authoredOn, String requester, String note, String sourceFormat,
                       String sourceDocument, java.util.List<ReferralFlag> flags, ReferralConsent consent) {
        this(identifierSystem, identifierValue, subject, reasonText, reasonCode, priority, authoredOn, requester, note,
                sourceFormat, sourceDocument, flags, consent, null, java.util.List.of());
    }

    /** The same referral with the flags and consent sent alongside it. */
    public NewReferral with(java.util.List<ReferralFlag> sentFlags, ReferralConsent sentConsent) {
        return new NewReferral(identifierSystem, identifierValue, subject, reasonText, reasonCode, priority, authoredOn,
                requester, note, sourceFormat, sourceDocument, sentFlags, sentConsent, senderRequestId, businessIdentifiers);
    }

    /** The same referral, also known to its sender by this ServiceRequest id. */
    public NewReferral withSenderRequestId(String id) {
        return new NewReferral(identifierSystem, identifierValue, subject, reasonText, reasonCode, priority, authoredOn,
                requester, note, sourceFormat, sourceDocument, flags, consent, id, businessIdentifiers);
    }

    /** The same referral, also known to its sender by these identifiers of its own (since 1.6). */
    public NewReferral withBusinessIdentifiers(java.util.List<BusinessIdentifier> identifiers) {
        return new NewReferral(identifierSystem, identifierValue, subject, reasonText, reasonCode, priority, authoredOn,
                requester, note, sourceFormat, sourceDocument, flags, consent, senderRequestId, identifiers);
    }
}
