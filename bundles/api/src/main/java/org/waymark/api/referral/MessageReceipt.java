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
 * @param canonicalHash a digest of the message's content in a canonical encoding, so that the same message sent
 *                    again pretty-printed or with its keys in another order is still a replay; null when the message is
 *                    kept whole anyway (a new referral's original document) and can be compared from that (since 1.5)
 */
public record MessageReceipt(String senderKey, String messageId, String contentHash, Function<Referral, String> answer,
                             String canonicalHash) {
    /** A receipt without a canonical digest: only the same bytes count as the same message. */
    public MessageReceipt(String senderKey, String messageId, String contentHash, Function<Referral, String> answer) {
        this(senderKey, messageId, contentHash, answer, null);
    }
}
