package org.waymark.pathfinder.sheffield.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;
import org.waymark.api.triage.TriageRule;

/**
 * Sheffield's programme is for older people with long-term conditions: a long-term condition and living alone each
 * move a referral up, together with older age they make it urgent, and such referrals go to the long-term conditions
 * team; people who live alone without a named condition go to the befriending team.
 */
@Component(property = "waymark.area=sheffield")
public final class SheffieldTriageRule implements TriageRule {
    static final String LTC_ROUTE = "long-term-conditions";
    static final String BEFRIENDING_ROUTE = "befriending";

    @Override
    public String id() {
        return "sheffield-ltc-living-alone";
    }

    @Override
    public Optional<TriageDecision> assess(TriageFacts referral) {
        Optional<String> condition = LongTermConditions.named(referral);
        boolean alone = LongTermConditions.livesAlone(referral);
        boolean older = referral.age() != null && referral.age() >= 65;
        if (condition.isEmpty() && !alone && !older) {
            return Optional.empty();
        }
        int score = 0;
        List<String> reasons = new ArrayList<>();
        if (condition.isPresent()) {
            score += 30;
            reasons.add("Long-term condition: " + condition.get());
        }
        if (alone) {
            score += 25;
            reasons.add("Lives alone");
        }
        if (older) {
            score += referral.age() >= 75 ? 20 : 10;
            reasons.add("Aged " + referral.age());
        }
        boolean urgent = condition.isPresent() && alone && older;
        if (urgent) {
            reasons.add("Older, living alone with a long-term condition: contact within a week");
        }
        String route = condition.isPresent() ? LTC_ROUTE : alone ? BEFRIENDING_ROUTE : null;
        return Optional.of(new TriageDecision(score, urgent ? "urgent" : null, route, reasons));
    }
}
