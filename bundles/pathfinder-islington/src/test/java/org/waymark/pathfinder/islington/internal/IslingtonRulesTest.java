package org.waymark.pathfinder.islington.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.waymark.api.intake.IntakeValidator.Finding;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;

class IslingtonRulesTest {
    private static TriageFacts referral(Integer age, List<String> codes, String reason) {
        return new TriageFacts("r1", "islington", age, "male", "N7 6PA", codes, reason, "routine", LocalDate.of(2026, 6, 1));
    }

    @Test
    void youngPersonWithALearningDisabilityGoesToTheYoungPeoplesTeam() {
        TriageDecision decision = new IslingtonTriageRule().assess(referral(19, List.of("http://snomed.info/sct|110359009"),
                "Wants to meet people")).orElseThrow();
        assertThat(decision.route()).isEqualTo(IslingtonTriageRule.ROUTE);
        assertThat(decision.score()).isEqualTo(55);
        assertThat(decision.priority()).isNull();
    }

    @Test
    void selfHarmNamedInTheReasonMakesItUrgent() {
        TriageDecision decision = new IslingtonTriageRule().assess(referral(17, List.of(), "Low mood, history of self-harm")).orElseThrow();
        assertThat(decision.priority()).isEqualTo("urgent");
        assertThat(decision.reasons()).anyMatch(r -> r.contains("safeguarding"));
    }

    @Test
    void anOlderPersonWithoutANamedNeedIsLeftToTheCore() {
        assertThat(new IslingtonTriageRule().assess(referral(60, List.of(), "Housing"))).isEmpty();
    }

    @Test
    void underSixteensAreRefusedAndOverTwentyFivesWarned() {
        AgeRangeValidator validator = new AgeRangeValidator();
        assertThat(validator.validate(referral(14, List.of(), ""))).extracting(Finding::severity).containsExactly(Finding.Severity.ERROR);
        assertThat(validator.validate(referral(40, List.of(), ""))).extracting(Finding::severity).containsExactly(Finding.Severity.WARNING);
        assertThat(validator.validate(referral(20, List.of(), ""))).isEmpty();
    }

    @Test
    void easyReadPathwayFollowsUpSoonerAndTextsFirst() {
        IslingtonPathway pathway = new IslingtonPathway();
        assertThat(pathway.easyRead()).isTrue();
        assertThat(pathway.followUps()).extracting(java.time.Period::getDays).containsExactly(7, 21, 42);
        assertThat(pathway.contactOrder()).startsWith("sms");
    }
}
