package org.waymark.referrals.internal;

import java.util.Optional;
import java.util.function.Supplier;
import org.waymark.api.error.WaymarkException;

/**
 * Changes of a referral that are decided on a read and written on condition that its version did not move meanwhile.
 * With If-Match a change that lands in between broke the caller's own condition: 412. Without, the caller set none
 * (found probing: two workers changing one referral at once, one without If-Match got a 412 for a precondition it never
 * sent), so the change is decided again on the referral as it is now, and only a referral that keeps changing under
 * it ends in a 409.
 */
final class Overtaking {
    static final int ATTEMPTS = 3;
    private static final String MESSAGE = "The referral was changed by someone else at the same moment; reload and try again";

    private Overtaking() {
    }

    /** @param attempt one read, check and conditional write; empty when another change landed in between */
    static <T> T decided(Long expectedVersion, Supplier<Optional<T>> attempt) {
        for (int tries = 1; ; tries++) {
            Optional<T> done = attempt.get();
            if (done.isPresent()) {
                return done.get();
            }
            if (expectedVersion != null) {
                throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED, MESSAGE);
            }
            if (tries == ATTEMPTS) {
                throw WaymarkException.conflict(MESSAGE);
            }
        }
    }
}
