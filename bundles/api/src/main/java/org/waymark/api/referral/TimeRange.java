package org.waymark.api.referral;

import java.time.Instant;

/**
 * A span of time for searches, each end optional and both inclusive (a FHIR date search such as
 * {@code authored=ge2026-01-01&authored=lt2026-02-01} turned into instants).
 */
public record TimeRange(Instant from, Instant to) {
    public static final TimeRange ANY = new TimeRange(null, null);

    public boolean isAny() {
        return from == null && to == null;
    }

    /** Whether no instant can lie in it (e.g. {@code ge2026} and {@code lt2025} together). */
    public boolean isEmpty() {
        return from != null && to != null && from.isAfter(to);
    }
}
