package org.waymark.api.referral;

import java.time.Instant;
import org.waymark.api.identity.NhsNumber;

/**
 * A referral as stored, with the state of its Task.
 *
 * @param senderId        the machine client (or, for referrals entered by hand, the user) that sent it
 * @param patientNhsNumber the NHS number of the linked patient as sent, kept so the referral stays findable by it
 * @param patientName     the linked patient's name for display, if known
 * @param version         increases with every change; the ETag of the referral and its Task
 */
public record Referral(String id, String taskId, String patientId, NhsNumber patientNhsNumber, String patientName,
                       String senderId,
                       String area, String identifierSystem, String identifierValue, ReferralStatus status,
                       String statusReason, String reasonText, String reasonCode, String priority, Instant authoredOn,
                       String requester, String note, String assignee, long version, Instant created,
                       Instant lastUpdated) {
}
