package org.waymark.api.referral;

import java.time.Instant;
import java.util.Objects;

/**
 * A flag on a referral that changes how the person must be approached: a safeguarding concern, a reasonable adjustment
 * (e.g. needs an interpreter, easy read), or a service the person has turned down. It comes with the referral (BaRS
 * carries them as FHIR {@code Flag} resources) or is raised by a link worker.
 *
 * @param category    {@link #SAFEGUARDING}, {@link #REASONABLE_ADJUSTMENT}, or another category code as sent
 * @param categoryText the category as people read it
 * @param code        {@code system|code} of what the flag says, if coded
 * @param text        what the flag says, as people read it
 * @param start       from when it applies, if known
 * @param end         until when it applies, if known
 */
public record ReferralFlag(String category, String categoryText, String code, String text, Instant start, Instant end) {
    /** The BaRS flag category of a safeguarding concern. */
    public static final String SAFEGUARDING = "SG";
    /** The BaRS flag category of a reasonable adjustment. */
    public static final String REASONABLE_ADJUSTMENT = "RA";

    public ReferralFlag {
        Objects.requireNonNull(category, "category");
    }

    public boolean safeguarding() {
        return SAFEGUARDING.equals(category);
    }
}
