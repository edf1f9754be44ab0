package org.waymark.fhir.internal;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.waymark.api.directory.OnwardReferral;
import org.waymark.api.directory.OnwardReferralRecords;
import org.waymark.api.referral.Referral;

/**
 * Onward referrals to directory services as FHIR: each is a sub-Task ({@code partOf}) of its referral's Task, and the
 * referral's Task lists them in its outputs, so the GP sees the provider's answer where it follows the referral.
 */
final class OnwardTaskMapping {
    /** The provider's answer, as the sub-Task's businessStatus. */
    static final String ANSWER_SYSTEM = "https://waymark.org/fhir/CodeSystem/onward-referral-answer";
    static final String OUTPUT_TYPE = "Onward referral";

    private OnwardTaskMapping() {
    }

    /** The sub-Task of {@code referral}'s Task that {@code onward} is. */
    static Task toSubTask(Referral referral, OnwardReferral onward) {
        Task task = new Task();
        task.setId(onward.id());
        task.setMeta(new Meta().setVersionId(Long.toString(onward.version())).setLastUpdated(Date.from(onward.lastUpdated())));
        task.addPartOf(new Reference("Task/" + onward.partOfTaskId()));
        task.addBasedOn(new Reference("ServiceRequest/" + referral.id()));
        task.setFocus(new Reference("ServiceRequest/" + referral.id()));
        task.setStatus(status(onward.answer()));
        if (onward.statusReason() != null) {
            task.setStatusReason(new CodeableConcept().setText(onward.statusReason()));
        }
        task.setBusinessStatus(new CodeableConcept().setText(onward.answer().display())
                .addCoding(new Coding(ANSWER_SYSTEM, onward.answer().code(), onward.answer().display())));
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept().addCoding(new Coding("http://hl7.org/fhir/CodeSystem/task-code", "fulfill",
                "Fulfill the focal request")));
        task.setDescription("Onward referral to " + onward.serviceName());
        task.setFor(new Reference("Patient/" + referral.patientId()));
        task.setAuthoredOn(Date.from(onward.createdAt()));
        task.setLastModifiedElement(ReferralMapping.toTheMillisecond(onward.lastUpdated()));
        // The link worker's service asks; the directory service's organisation answers.
        task.setRequester(new Reference("Organization/" + ReferralMapping.OWNER_PREFIX + referral.area())
                .setDisplay("Waymark social prescribing, " + referral.area()));
        task.setOwner(new Reference().setDisplay(onward.organizationName() == null ? onward.serviceName()
                : onward.organizationName() + " (" + onward.serviceName() + ")"));
        return task;
    }

    static Task.TaskStatus status(OnwardReferral.Answer answer) {
        return switch (answer) {
            case REQUESTED -> Task.TaskStatus.REQUESTED;
            case ACCEPTED -> Task.TaskStatus.ACCEPTED;
            case DECLINED -> Task.TaskStatus.REJECTED;
            case ATTENDED -> Task.TaskStatus.COMPLETED;
            case DID_NOT_ATTEND -> Task.TaskStatus.FAILED;
        };
    }

    /** The referral's Task with one output per onward referral; it is a new version whenever one of them changes. */
    /** A referral's Task as its read shows it: with its onward referrals while the directory is installed. */
    static Task toTask(Referral referral, OnwardReferralRecords records) {
        return toTask(referral, records == null ? List.of() : records.ofReferral(referral.id()));
    }

    static Task toTask(Referral referral, List<OnwardReferral> onward) {
        Task task = ReferralMapping.toTask(referral);
        if (onward.isEmpty()) {
            return task;
        }
        long onwardVersions = 0;
        Instant lastUpdated = referral.lastUpdated();
        for (OnwardReferral o : onward) {
            task.addOutput().setType(new CodeableConcept().setText(OUTPUT_TYPE))
                    .setValue(new Reference("Task/" + o.id()).setDisplay(o.serviceName() + ": " + o.answer().display()));
            onwardVersions += o.version();
            if (lastUpdated == null || o.lastUpdated().isAfter(lastUpdated)) {
                lastUpdated = o.lastUpdated();
            }
        }
        // Both parts only grow (onward referrals go only when their referral's personal data is erased), so every change
        // to the referral or to one of its onward referrals gives the Task a new version and ETag.
        task.getMeta().setVersionId(referral.version() + "." + onwardVersions).setLastUpdated(Date.from(lastUpdated));
        task.setLastModifiedElement(ReferralMapping.toTheMillisecond(lastUpdated));
        return task;
    }
}
