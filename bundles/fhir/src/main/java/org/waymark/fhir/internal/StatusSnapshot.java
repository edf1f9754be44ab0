package org.waymark.fhir.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;

/**
 * A referral as it stood after the status change a notification reports, rebuilt from the facts the notification
 * carries over the referral as it is at delivery. A message is delivered after the change, sometimes much later
 * (retries while the GP system is down), when the worker may already have closed the referral: without this, the
 * message of "accepted" carried the outcome recorded at completion, and a GP system that files each message's Task
 * output would have recorded an outcome against an in-progress referral.
 */
final class StatusSnapshot {
    /** Present in the facts of notifications that carry the whole state (since the episode code travels always). */
    static final String AS_OF = "lastUpdated";

    private StatusSnapshot() {
    }

    static Referral of(Referral current, Map<String, String> facts) {
        ReferralStatus status = ReferralStatus.fromCode(facts.get("status")).orElse(current.status());
        long version = parseVersion(facts.get("version"), current.version());
        Instant asOf = instant(facts.get(AS_OF));
        // Notifications written before the facts carried the episode code and the time: the code is recorded once
        // and never changes, so the current one is the best there is; the outcome was carried when there was one.
        String episodeCode = asOf == null ? current.episodeCode() : facts.get("episodeCode");
        return new Referral(current.id(), current.taskId(), current.patientId(), current.patientNhsNumber(),
                current.patientName(), current.senderId(), current.area(), current.identifierSystem(),
                current.identifierValue(), status, facts.get("statusReason"), current.reasonText(), current.reasonCode(),
                current.priority(), current.authoredOn(), current.requester(), current.note(), current.assignee(), version,
                current.created(), asOf == null ? current.lastUpdated() : asOf, facts.get("outcome"), episodeCode,
                current.businessIdentifiers());
    }

    private static long parseVersion(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static Instant instant(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
