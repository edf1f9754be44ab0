package org.waymark.api.referral;

import java.time.LocalDate;

/**
 * The consent the referrer recorded with the referral (BaRS and UK Core carry it as a FHIR {@code Consent}): what it
 * covers and on what basis, so the link worker knows what may be shared and with whom.
 *
 * @param status       active, inactive, rejected... as sent
 * @param category     e.g. {@code DRC}
 * @param categoryText e.g. "Direct Care"
 * @param basis        the policy rule, e.g. {@code IMPLIED} or {@code OPTIN}
 * @param recordedOn   when it was given, if known
 */
public record ReferralConsent(String status, String category, String categoryText, String basis, LocalDate recordedOn) {
}
