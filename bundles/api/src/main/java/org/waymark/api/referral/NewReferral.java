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
 */
public record NewReferral(String identifierSystem, String identifierValue, Subject subject, String reasonText,
                          String reasonCode, String priority, Instant authoredOn, String requester, String note,
                          String sourceFormat, String sourceDocument) {
}
