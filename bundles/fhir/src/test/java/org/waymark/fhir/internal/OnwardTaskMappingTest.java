package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.waymark.api.directory.OnwardReferral;
import org.waymark.api.directory.OnwardReferral.Answer;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;

class OnwardTaskMappingTest {
    private static final Instant CREATED = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant CHANGED = Instant.parse("2026-11-21T09:00:00Z");
    private static final Referral REFERRAL = new Referral("r1", "t1", "p1", null, null, "demo-gp", "sheffield", null, null,
            ReferralStatus.IN_PROGRESS, null, "Lonely", null, "routine", CREATED, "Dr X", null, "sam", 4, CREATED, CHANGED);

    private static OnwardReferral onward(String id, Answer answer, String reason, long version, Instant lastUpdated) {
        return new OnwardReferral(id, "r1", "t1", "svc-1", "Crookes Health Walk", "Peak Edge Walking Groups", answer, reason,
                CREATED, answer == Answer.REQUESTED ? null : lastUpdated, version, lastUpdated);
    }

    @Test
    void aDeclinedOnwardReferralIsARejectedSubTaskOfTheReferralsTaskWithTheReason() {
        Task task = OnwardTaskMapping.toSubTask(REFERRAL, onward("o1", Answer.DECLINED, "Group is full", 2,
                Instant.parse("2026-11-22T12:00:00Z")));

        assertThat(task.getIdElement().getIdPart()).isEqualTo("o1");
        assertThat(task.getPartOf()).extracting(Reference::getReference).containsExactly("Task/t1");
        assertThat(task.getBasedOn()).extracting(Reference::getReference).containsExactly("ServiceRequest/r1");
        assertThat(task.getFocus().getReference()).isEqualTo("ServiceRequest/r1");
        assertThat(task.getFor().getReference()).isEqualTo("Patient/p1");
        assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REJECTED);
        assertThat(task.getStatusReason().getText()).isEqualTo("Group is full");
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("declined");
        assertThat(task.getBusinessStatus().getCodingFirstRep().getSystem()).isEqualTo(OnwardTaskMapping.ANSWER_SYSTEM);
        assertThat(task.getOwner().getDisplay()).isEqualTo("Peak Edge Walking Groups (Crookes Health Walk)");
        assertThat(task.getOwner().hasReference()).as("directory organisations are not FHIR resources here").isFalse();
        assertThat(task.getMeta().getVersionId()).isEqualTo("2");
        assertThat(task.getMeta().getLastUpdated().toInstant()).isEqualTo(Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(task.getLastModified().toInstant()).isEqualTo(Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(task.getAuthoredOn().toInstant()).isEqualTo(CREATED);
    }

    @Test
    void eachAnswerGivesItsTaskStatusAndOnlyADeclineHasAReason() {
        assertThat(OnwardTaskMapping.status(Answer.REQUESTED)).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(OnwardTaskMapping.status(Answer.ACCEPTED)).isEqualTo(Task.TaskStatus.ACCEPTED);
        assertThat(OnwardTaskMapping.status(Answer.DECLINED)).isEqualTo(Task.TaskStatus.REJECTED);
        assertThat(OnwardTaskMapping.status(Answer.ATTENDED)).isEqualTo(Task.TaskStatus.COMPLETED);
        assertThat(OnwardTaskMapping.status(Answer.DID_NOT_ATTEND)).isEqualTo(Task.TaskStatus.FAILED);
        Task attended = OnwardTaskMapping.toSubTask(REFERRAL, onward("o2", Answer.ATTENDED, null, 3, CHANGED));
        assertThat(attended.hasStatusReason()).isFalse();
        assertThat(attended.getBusinessStatus().getText()).isEqualTo("attended");
    }

    @Test
    void theReferralsTaskListsEachOnwardReferralWithItsAnswerInItsOutputs() {
        Task task = OnwardTaskMapping.toTask(REFERRAL, List.of(onward("o1", Answer.DID_NOT_ATTEND, null, 3, CHANGED),
                onward("o2", Answer.REQUESTED, null, 1, CREATED)));

        List<Task.TaskOutputComponent> onward = task.getOutput().stream()
                .filter(o -> o.getType().getText().equals(OnwardTaskMapping.OUTPUT_TYPE)).toList();
        assertThat(onward).hasSize(2);
        Reference first = (Reference) onward.get(0).getValue();
        assertThat(first.getReference()).isEqualTo("Task/o1");
        assertThat(first.getDisplay()).isEqualTo("Crookes Health Walk: did not attend");
        assertThat(((Reference) onward.get(1).getValue()).getDisplay()).isEqualTo("Crookes Health Walk: awaiting answer");
    }

    @Test
    void anOnwardAnswerGivesTheReferralsTaskANewVersionAndLastUpdated() {
        Instant answered = Instant.parse("2026-11-23T08:00:00Z");
        Task before = OnwardTaskMapping.toTask(REFERRAL, List.of(onward("o1", Answer.REQUESTED, null, 1, CREATED)));
        Task after = OnwardTaskMapping.toTask(REFERRAL, List.of(onward("o1", Answer.ACCEPTED, null, 2, answered)));
        Task without = OnwardTaskMapping.toTask(REFERRAL, List.of());

        assertThat(without.getMeta().getVersionId()).as("unchanged for referrals without onward referrals").isEqualTo("4");
        assertThat(before.getMeta().getVersionId()).isEqualTo("4.1");
        assertThat(after.getMeta().getVersionId()).isEqualTo("4.2");
        assertThat(before.getMeta().getLastUpdated().toInstant()).as("the referral changed last").isEqualTo(CHANGED);
        assertThat(after.getMeta().getLastUpdated().toInstant()).isEqualTo(answered);
        assertThat(after.getLastModified().toInstant()).isEqualTo(answered);
    }
}
