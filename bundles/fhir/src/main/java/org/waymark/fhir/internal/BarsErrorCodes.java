package org.waymark.fhir.internal;

import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The NHS error codes a BaRS receiver puts in {@code issue.details} (BaRS API 1.4.0, responses 4XX-BARS and 5XX-BARS;
 * the system is spelled as in its examples, {@code Codesystem}). Waymark is the receiver, so the codes are the REC_
 * ones; a status BaRS gives no receiver code (403, 413, 415, ...) gets none rather than a made-up one.
 */
final class BarsErrorCodes {
    static final String SYSTEM = "https://fhir.nhs.uk/Codesystem/http-error-codes";

    private static final Map<Integer, String> BY_STATUS = Map.ofEntries(
            Map.entry(400, "REC_BAD_REQUEST"),
            Map.entry(401, "REC_UNAUTHORIZED"),
            Map.entry(404, "REC_NOT_FOUND"),
            Map.entry(405, "REC_METHOD_NOT_ALLOWED"),
            Map.entry(408, "REC_TIMEOUT"),
            Map.entry(409, "REC_CONFLICT"),
            Map.entry(422, "REC_UNPROCESSABLE_ENTITY"),
            Map.entry(429, "REC_TOO_MANY_REQUESTS"),
            Map.entry(500, "REC_SERVER_ERROR"),
            Map.entry(501, "REC_NOT_IMPLEMENTED"),
            Map.entry(503, "REC_UNAVAILABLE"));

    private BarsErrorCodes() {
    }

    static Optional<String> of(int status) {
        return Optional.ofNullable(BY_STATUS.get(status));
    }

    /** Adds the code for this status to every issue of the outcome, when BaRS has one. */
    static OperationOutcome addTo(OperationOutcome outcome, int status) {
        of(status).ifPresent(code -> outcome.getIssue()
                .forEach(issue -> issue.getDetails().addCoding(new Coding(SYSTEM, code, null))));
        return outcome;
    }

    /**
     * A 403 for a sender identity the client is not registered with (SenderBinding): BaRS gives 403 no receiver code,
     * and its receiver's word for "you may not make this request" is REC_UNAUTHORIZED, so the sender's system can tell
     * this refusal from the others by its code.
     */
    static final String SENDER_NOT_REGISTERED = "REC_UNAUTHORIZED";

    static OperationOutcome addSenderRefusal(OperationOutcome outcome) {
        outcome.getIssue().forEach(issue -> issue.getDetails().addCoding(new Coding(SYSTEM, SENDER_NOT_REGISTERED, null)));
        return outcome;
    }

    /** Whether the request is a BaRS message ($process-message), whose errors carry these codes. */
    static boolean isBarsPath(String path) {
        return path != null && path.endsWith("$process-message");
    }
}
