package org.waymark.pathfinder.islington.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;
import org.waymark.api.triage.TriageRule;

/**
 * Islington's programme is for young people aged 16 to 25 with mental health needs or a learning disability: such
 * referrals go to the young people's team, scored by need; self-harm, psychosis and eating disorders make them urgent.
 */
@Component(property = "waymark.area=islington")
public final class IslingtonTriageRule implements TriageRule {
    static final String ROUTE = "young-people";

    @Override
    public String id() {
        return "islington-young-people";
    }

    @Override
    public Optional<TriageDecision> assess(TriageFacts referral) {
        boolean young = referral.age() != null && referral.age() >= 16 && referral.age() <= 25;
        java.util.SortedSet<String> needs = YoungPeopleNeeds.named(referral);
        if (!young && needs.isEmpty()) {
            return Optional.empty();
        }
        int score = 0;
        List<String> reasons = new ArrayList<>();
        if (young) {
            score += 30;
            reasons.add("Aged " + referral.age() + ": young people's programme");
        }
        if (!needs.isEmpty()) {
            score += 25;
            reasons.add("Needs: " + String.join(", ", needs));
        }
        boolean urgent = needs.stream().anyMatch(YoungPeopleNeeds.URGENT::contains);
        if (urgent) {
            score += 25;
            reasons.add("Risk named in the referral: contact within 2 working days and check safeguarding");
        }
        return Optional.of(new TriageDecision(score, urgent ? "urgent" : null, young ? ROUTE : null, reasons));
    }
}
