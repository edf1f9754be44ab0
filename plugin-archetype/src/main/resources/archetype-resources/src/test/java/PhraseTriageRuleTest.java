package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;

class PhraseTriageRuleTest {

    private static TriageFacts referral(String reason) {
        return new TriageFacts("ref-1", "${area}", 72, "female", "S1 2AB", List.of(), reason, "routine",
                LocalDate.of(2026, 11, 25));
    }

    @Test
    void aReferralMentioningThePhraseInAnyCaseIsScoredPrioritisedAndRouted() {
        PhraseTriageRule rule = new PhraseTriageRule("${phrase}", 30, "urgent", "first-contact");

        Optional<TriageDecision> decision = rule.assess(referral("Feels very " + "${phrase}".toUpperCase() + " since her husband died"));

        assertTrue(decision.isPresent(), "the rule has something to say");
        assertEquals(30, decision.get().score());
        assertEquals("urgent", decision.get().priority());
        assertEquals("first-contact", decision.get().route());
        assertEquals(List.of("The reason for referral mentions \"${phrase}\""), decision.get().reasons());
    }

    @Test
    void aReferralNotMentioningThePhraseIsLeftAlone() {
        PhraseTriageRule rule = new PhraseTriageRule("${phrase}", 30, "urgent", "first-contact");

        assertEquals(Optional.empty(), rule.assess(referral("Wants help with debt and housing")));
    }

    @Test
    void theDefaultConfigurationScoresWithoutChangingPriorityOrRoute() {
        PhraseTriageRule rule = new PhraseTriageRule(defaults());

        TriageDecision decision = rule.assess(referral("mentions ${phrase} here")).orElseThrow();

        assertEquals(20, decision.score());
        assertNull(decision.priority(), "the referrer's priority stands");
        assertNull(decision.route(), "no route");
        assertEquals("${artifactId}-phrase", rule.id());
    }

    @Test
    void aConfigurationTheCoreWouldRefuseFailsAtActivation() {
        assertThrows(IllegalArgumentException.class, () -> new PhraseTriageRule("${phrase}", 500, "", ""));
        assertThrows(IllegalArgumentException.class, () -> new PhraseTriageRule("${phrase}", 10, "whenever", ""));
        assertThrows(IllegalArgumentException.class, () -> new PhraseTriageRule("${phrase}", 10, "", "Not A Route"));
        assertThrows(IllegalArgumentException.class, () -> new PhraseTriageRule(" ", 10, "", ""));
    }

    /** The configuration SCR hands the component when an admin has set nothing: each attribute's declared default. */
    private static PhraseTriageRule.Config defaults() {
        return (PhraseTriageRule.Config) Proxy.newProxyInstance(PhraseTriageRule.Config.class.getClassLoader(),
                new Class<?>[] {PhraseTriageRule.Config.class},
                (proxy, method, args) -> method.getName().equals("annotationType") ? PhraseTriageRule.Config.class
                        : method.getDefaultValue());
    }
}
