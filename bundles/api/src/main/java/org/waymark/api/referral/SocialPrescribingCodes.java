package org.waymark.api.referral;

/**
 * The SNOMED CT codes a social prescribing service records and sends back to the GP, as the PRSB Social Prescribing
 * Information Standard's "message back to GP and referrer" expects.
 *
 * @since 1.2
 */
public final class SocialPrescribingCodes {
    public static final String SNOMED = "http://snomed.info/sct";
    /** The person accepted the link-worker referral (recorded at the first contact of an episode only). */
    public static final String REFERRAL_ACCEPTED = "871731000000106";
    public static final String REFERRAL_ACCEPTED_DISPLAY = "Referral to social prescribing service";
    /** The person declined social prescribing. */
    public static final String DECLINED = "871711000000103";
    public static final String DECLINED_DISPLAY = "Social prescribing declined";

    private SocialPrescribingCodes() {
    }

    /** The display text of one of these codes, or null for another code. */
    public static String display(String code) {
        if (REFERRAL_ACCEPTED.equals(code)) {
            return REFERRAL_ACCEPTED_DISPLAY;
        }
        return DECLINED.equals(code) ? DECLINED_DISPLAY : null;
    }
}
