package org.waymark.api.referral;

/**
 * A message already received from a sender: its digest and the answer it was given.
 *
 * @param canonicalHash the digest of its content in a canonical encoding, if one was recorded (since 1.5)
 */
public record RecordedMessage(String contentHash, String referralId, String answer, String canonicalHash) {
    public RecordedMessage(String contentHash, String referralId, String answer) {
        this(contentHash, referralId, answer, null);
    }
}
