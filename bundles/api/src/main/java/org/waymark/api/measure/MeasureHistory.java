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
     * @param occasion {@code baseline} or {@code follow-up}
     * @param answers  item id to the answer given
     */
    record Recorded(String measureId, String occasion, Map<String, Integer> answers, Instant recordedAt) {
        public Recorded {
            answers = Map.copyOf(answers);
        }
    }

    /** Every response recorded for the referral's person (over all their referrals the caller may see), oldest first. */
    List<Recorded> history(Caller caller, String referralId);
}
