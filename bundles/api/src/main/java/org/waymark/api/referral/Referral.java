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
 * @param outcome         what came of the referral, recorded when it was closed (the Task's output), if any
 * @param episodeCode     the SNOMED CT code recorded for this episode when the person accepted
 *                        ({@link SocialPrescribingCodes#REFERRAL_ACCEPTED}) or declined
 *                        ({@link SocialPrescribingCodes#DECLINED}) it, if any; recorded once
 * @param businessIdentifiers the sender's own identifiers of the referral besides {@code identifierSystem|Value}
 *                        (a BaRS message's ServiceRequest.identifier), since 1.6
 */
public record Referral(String id, String taskId, String patientId, NhsNumber patientNhsNumber, String patientName,
                       String senderId,
                       String area, String identifierSystem, String identifierValue, ReferralStatus status,
                       String statusReason, String reasonText, String reasonCode, String priority, Instant authoredOn,
                       String requester, String note, String assignee, long version, Instant created,
                       Instant lastUpdated, String outcome, String episodeCode,
                       java.util.List<BusinessIdentifier> businessIdentifiers) {

    public Referral {
        businessIdentifiers = businessIdentifiers == null ? java.util.List.of() : java.util.List.copyOf(businessIdentifiers);
    }

    /** A referral without business identifiers (version 1.5 of this API). */
    public Referral(String id, String taskId, String patientId, NhsNumber patientNhsNumber, String patientName,
                    String senderId, String area, String identifierSystem, String identifierValue, ReferralStatus status,
                    String statusReason, String reasonText, String reasonCode, String priority, Instant authoredOn,
                    String requester, String note, String assignee, long version, Instant created, Instant lastUpdated,
                    String outcome, String episodeCode) {
        this(id, taskId, patientId, patientNhsNumber, patientName, senderId, area, identifierSystem, identifierValue, status,
                statusReason, reasonText, reasonCode, priority, authoredOn, requester, note, assignee, version, created,
                lastUpdated, outcome, episodeCode, java.util.List.of());
    }

    /** A referral without an outcome or episode code (version 1.1 of this API). */
    public Referral(String id, String taskId, String patientId, NhsNumber patientNhsNumber, String patientName,
                    String senderId, String area, String identifierSystem, String identifierValue, ReferralStatus status,
                    String statusReason, String reasonText, String reasonCode, String priority, Instant authoredOn,
                    String requester, String note, String assignee, long version, Instant created, Instant lastUpdated) {
        this(id, taskId, patientId, patientNhsNumber, patientName, senderId, area, identifierSystem, identifierValue, status,
                statusReason, reasonText, reasonCode, priority, authoredOn, requester, note, assignee, version, created,
                lastUpdated, null, null);
    }
}
