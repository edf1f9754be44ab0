package org.waymark.api.directory;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * A link worker's referral of a person onward to a directory service, as the provider answered it: the sub-Task
 * ({@code partOf}) of the referral's Task.
 *
 * @param id               the onward referral's id, also its sub-Task's id
 * @param referralId       the referral it was made from
 * @param partOfTaskId     the referral's Task
 * @param serviceName      the directory service's name, or "(service no longer listed)" once the service has left the directory
 * @param organizationName the organisation that runs the service, or null when the directory does not know it
 * @param statusReason     why the provider declined, if they did
 * @param answeredAt       when the provider's latest answer was recorded, or null while it awaits one
 * @param version          increases with every change, starting at 1
 * @param lastUpdated      when it was made or last answered
 * @since 1.1
 */
public record OnwardReferral(String id, String referralId, String partOfTaskId, String serviceId, String serviceName,
                             String organizationName, Answer answer, String statusReason, Instant createdAt,
                             Instant answeredAt, long version, Instant lastUpdated) {

    /** Where the onward referral stands: sent and awaiting the provider, or the provider's latest answer. */
    public enum Answer {
        REQUESTED("requested", "awaiting answer"),
        ACCEPTED("accepted", "accepted"),
        DECLINED("declined", "declined"),
        ATTENDED("attended", "attended"),
        DID_NOT_ATTEND("did-not-attend", "did not attend");

        private final String code;
        private final String display;

        Answer(String code, String display) {
            this.code = code;
            this.display = display;
        }

        /** As stored and as the directory's API and the provider's link page name it. */
        public String code() {
            return code;
        }

        /** In words, for people. */
        public String display() {
            return display;
        }

        public static Optional<Answer> fromCode(String code) {
            return Arrays.stream(values()).filter(a -> a.code.equals(code)).findFirst();
        }
    }
}
