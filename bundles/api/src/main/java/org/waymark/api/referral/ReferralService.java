package org.waymark.api.referral;

import java.util.List;
import java.util.Optional;
import org.waymark.api.security.Caller;

/**
 * Referrals and the patients they are about. Every method applies the caller's data scope: a sending client sees only
 * the referrals it sent and their patients; staff see the referrals of their areas. Reads and changes of personal
 * data are audited here, so every surface (FHIR, console, API) is covered once.
 */
public interface ReferralService {

    /**
     * Stores a new referral, its patient link and its Task in one transaction. A sender that repeats an identifier
     * it already used gets its existing referral back ({@link Intake#created()} false), so retries are safe.
     */
    Intake receive(Caller sender, NewReferral referral);

    /**
     * Stores several referrals received together (a FHIR transaction Bundle) in one transaction: all of them, or
     * none when any is refused. Referrals whose subjects share a {@link Subject#key()} are about one person, linked
     * once. As with {@link #receive(Caller, NewReferral)}, an identifier the sender already used returns its
     * existing referral, so a whole transaction can be retried safely.
     *
     * @return one intake per referral, in the order given, each with its {@link Intake#patientRecord()} (since 1.4)
     * @since 1.1
     */
    List<Intake> receiveAll(Caller sender, List<NewReferral> referrals);

    /**
     * Stores a new referral sent as a message. Unlike {@link #receive(Caller, NewReferral)}, a referral that already
     * exists under the same sender identifier is refused (409): the sender must send an update instead.
     */
    Intake receive(Caller sender, NewReferral referral, MessageReceipt receipt);

    /**
     * Applies a sender's update or withdrawal (cancelled, entered-in-error) to the referral it identifies by its own
     * identifier, recording the message in the same transaction.
     */
    Referral updateFromSender(Caller sender, String identifierSystem, String identifierValue, ReferralStatus status,
                              String reason, MessageReceipt receipt);

    /**
     * As {@link #updateFromSender(Caller, String, String, ReferralStatus, String, MessageReceipt)}, finding the referral
     * by its identifier or, when none has it, by the ServiceRequest id the sender gave it
     * ({@link NewReferral#senderRequestId()}) under the same identifier system.
     *
     * @since 1.5
     */
    Referral updateFromSender(Caller sender, String identifierSystem, String identifierValue, String senderRequestId,
                              ReferralStatus status, String reason, MessageReceipt receipt);

    /**
     * The original document kept for the referral that this message made or changed: the message itself when it was
     * the referral's new message. It lets a replay sent in another form (pretty-printed, keys reordered) be compared by
     * content when the message has no canonical digest recorded ({@link RecordedMessage#canonicalHash()}).
     *
     * @since 1.5
     */
    Optional<String> messageReferralDocument(Caller sender, String senderKey, String messageId);

    /** The message this sender already sent with this id, if any. */
    Optional<RecordedMessage> findMessage(Caller sender, String senderKey, String messageId);

    Optional<Referral> find(Caller caller, String referralId);

    /**
     * Moves a referral (and so its Task) to a new status, as a link worker does in the console.
     *
     * @param expectedVersion the version the caller last saw, or null to skip the check; a stale one is refused
     *                        (412) so that two workers never silently overwrite each other
     * @return the referral as changed
     */
    Referral changeStatus(Caller caller, String referralId, ReferralStatus status, String reason, Long expectedVersion);

    /**
     * Moves a referral to a new status with what the worker recorded alongside: the reason (rejected, on hold,
     * failed, cancelled) and, on closing, the outcome that goes back to the referrer in the Task's output. Accepting
     * or rejecting a referral records its episode's SNOMED CT code (see {@link SocialPrescribingCodes}) once.
     *
     * @since 1.2
     */
    Referral changeStatus(Caller caller, String referralId, StatusChange change, Long expectedVersion);

    Optional<Referral> findByTask(Caller caller, String taskId);

    Page<Referral> search(Caller caller, ReferralSearch search);

    Optional<Patient> findPatient(Caller caller, String patientId);

    /**
     * Where a merged-away record's person is now, if the caller may see the record that replaced it (as
     * {@link #findPatient} would show it); empty for an id that was never merged or whose person is out of scope.
     *
     * @since 1.6
     */
    default Optional<PatientReplacement> findReplacement(Caller caller, String patientId) {
        return Optional.empty();
    }

    /** Patients the caller may see with this NHS number (as sent, verified or not). */
    Page<Patient> findPatientsByNhsNumber(Caller caller, String nhsNumber, int offset, int count);

    /**
     * Patients the caller may see that meet the criteria.
     *
     * @since 1.1
     */
    Page<Patient> searchPatients(Caller caller, PatientSearch search);
}
