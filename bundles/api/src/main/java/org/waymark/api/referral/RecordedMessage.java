package org.waymark.api.referral;

/** A message already received from a sender: its digest and the answer it was given. */
public record RecordedMessage(String contentHash, String referralId, String answer) {
}
