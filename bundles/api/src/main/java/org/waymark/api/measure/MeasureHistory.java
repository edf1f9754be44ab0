package org.waymark.api.measure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;
import org.waymark.api.security.Caller;

/**
 * The outcome-measure responses recorded for people, for capabilities that report change (digital skills, area
 * reports). Applies the caller's data scope and audits the read, as the console's own view does.
 *
 * @since 1.1
 */
@ProviderType
public interface MeasureHistory {

    /**
     * One recorded response.
     *
     * @param occasion   {@code baseline} or {@code follow-up}
     * @param answers    item id to the answer given
     * @param referralId the referral it was recorded on (since 1.2; null from a provider older than that): the
     *                   history spans the person's referrals, and a report about some of them (one area's, one
     *                   period's) keeps to those
     */
    record Recorded(String measureId, String occasion, Map<String, Integer> answers, Instant recordedAt, String referralId) {
        public Recorded {
            answers = Map.copyOf(answers);
        }

        /** A response without its referral, as before 1.2. */
        public Recorded(String measureId, String occasion, Map<String, Integer> answers, Instant recordedAt) {
            this(measureId, occasion, answers, recordedAt, null);
        }
    }

    /** Every response recorded for the referral's person (over all their referrals the caller may see), oldest first. */
    List<Recorded> history(Caller caller, String referralId);
}
