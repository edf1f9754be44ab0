package org.waymark.api.referral;

import java.util.function.Function;

/**
 * An inbound message (a BaRS message Bundle) that changes referrals. It is recorded in the same transaction as its
 * change, with the answer given, so that it is applied at most once: the same message again gets the same answer.
 *
 * @param senderKey   the sender: the authenticated client and the message's source endpoint
 * @param messageId   the message's id as the sender set it (Bundle.id)
 * @param contentHash a digest of the message as received; the same id with other content is refused
 * @param answer      builds the answer from the referral as stored, inside the transaction
 */
public record MessageReceipt(String senderKey, String messageId, String contentHash, Function<Referral, String> answer) {
}
