package org.waymark.api.referral;

/**
 * An identifier the sender gave its referral besides the one Waymark knows it by: a BaRS message's ServiceRequest is
 * known by its message's endpoint and fullUrl, and carries the sender's own case or booking number, by which BaRS
 * senders search ({@code ServiceRequest?identifier=system|value}).
 *
 * @param system the identifier's system, if the sender gave one
 * @since 1.6
 */
public record BusinessIdentifier(String system, String value) {
    /** The widest system or value that is kept, as for a referral's own identifier. */
    public static final int MAX_LENGTH = 200;
    /** How many of a referral's identifiers are kept; a ServiceRequest with more is refused. */
    public static final int MAX_PER_REFERRAL = 5;

    public BusinessIdentifier {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("An identifier needs a value");
        }
    }
}
