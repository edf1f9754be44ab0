package org.waymark.api.referral;

import java.util.List;

/**
 * Referrals received before Waymark kept what a BaRS sender may later name them by: the id the sender gave its
 * ServiceRequest (an update naming the referral by it) and the sender's own case or booking numbers (searched with
 * {@code ServiceRequest?identifier=}). Both are in the message kept as received, so they are read from it once, after
 * the upgrade that began keeping them; this is the queue of referrals still to read.
 *
 * @since 1.9
 */
public interface SenderIdentityBackfill {

    /** A referral still to read, with its original message as received; {@code document} null when none was kept. */
    record Pending(String referralId, String mediaType, String document) {
    }

    /** The next referrals still to read, at most {@code max}. */
    List<Pending> pending(int max);

    /**
     * Keeps what was read from the referral's message (either may be null or empty: the message had none) and takes
     * the referral off the queue; nothing already kept is replaced. Safe when several nodes read the same referral:
     * the first to complete it wins, the others change nothing.
     *
     * @return whether this call completed the referral (false: another node had, or it was not queued)
     */
    boolean complete(String referralId, String senderRequestId, List<BusinessIdentifier> businessIdentifiers);
}
