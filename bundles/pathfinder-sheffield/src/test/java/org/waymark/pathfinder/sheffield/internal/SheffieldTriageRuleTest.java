package org.waymark.pathfinder.sheffield.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;

class SheffieldTriageRuleTest {
    private final SheffieldTriageRule rule = new SheffieldTriageRule();

    private static TriageFacts referral(Integer age, List<String> codes, String reason) {
        return new TriageFacts("r1", "sheffield", age, "female", "S10 2TN", codes, reason, "routine", LocalDate.of(2026, 6, 1));
    }

    @Test
    void olderPersonLivingAloneWithACodedConditionIsUrgentForTheLongTermConditionsTeam() {
        TriageDecision decision = rule.assess(referral(81, List.of("http://snomed.info/sct|13645005"),
                "Lonely since her husband died; lives alone")).orElseThrow();
        assertThat(decision.priority()).isEqualTo("urgent");
        assertThat(decision.route()).isEqualTo(SheffieldTriageRule.LTC_ROUTE);
        assertThat(decision.score()).isEqualTo(30 + 25 + 20);
        assertThat(decision.reasons()).contains("Long-term condition: COPD", "Lives alone", "Aged 81");
    }

    @Test
    void conditionNamedInWordsCountsLikeACode() {
        TriageDecision decision = rule.assess(referral(68, List.of(), "Type 2 diabetes, struggling to manage")).orElseThrow();
        assertThat(decision.reasons()).contains("Long-term condition: diabetes");
        assertThat(decision.priority()).as("not alone: not urgent").isNull();
        assertThat(decision.route()).isEqualTo(SheffieldTriageRule.LTC_ROUTE);
    }

    @Test
    void livingAloneWithoutAConditionGoesToBefriending() {
        TriageDecision decision = rule.assess(referral(50, List.of("http://snomed.info/sct|105529008"), "Isolated")).orElseThrow();
        assertThat(decision.route()).isEqualTo(SheffieldTriageRule.BEFRIENDING_ROUTE);
        assertThat(decision.score()).isEqualTo(25);
    }

    @Test
    void aYoungerPersonWithNoConditionIsLeftToTheCore() {
        assertThat(rule.assess(referral(40, List.of(), "Debt worries"))).isEmpty();
        assertThat(rule.assess(referral(null, List.of(), "Debt worries"))).isEmpty();
    }
}
