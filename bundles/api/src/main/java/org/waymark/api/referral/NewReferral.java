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
    /** The longest reason for referral this service keeps as text (since 1.8); the original document keeps it whole. */
    public static final int MAX_REASON_TEXT = 1000;
    /** The longest note this service keeps (since 1.8). */
    public static final int MAX_NOTE = 4000;
    /** The longest requester this service keeps (since 1.8). */
    public static final int MAX_REQUESTER = 300;

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

    /**
     * What the sender should be told about text longer than this service keeps: it is shortened for link workers, so
     * a sender who says nothing of it would not know that the end of a long note is not read (since 1.8).
     */
    public java.util.List<String> shortenedTextWarnings() {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        shortened(warnings, "The reason for referral", reasonText, MAX_REASON_TEXT);
        shortened(warnings, "The note", note, MAX_NOTE);
        shortened(warnings, "The requester", requester, MAX_REQUESTER);
        return warnings;
    }

    private static void shortened(java.util.List<String> warnings, String what, String text, int limit) {
        if (text != null && text.length() > limit) {
            warnings.add(what + " is " + String.format(java.util.Locale.UK, "%,d", text.length()) + " characters long; staff see "
                    + "its first " + String.format(java.util.Locale.UK, "%,d", limit) + ", and the referral as sent is kept whole");
        }
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
