package org.waymark.pathfinder.sheffield.internal;

import java.time.Period;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.pathway.Pathway;

/**
 * Phone first (many of Sheffield's older people do not use email or text), letters where the phone is not answered,
 * and an essential digital skills assessment built into every plan, followed up at 2, 6 and 12 weeks.
 */
@Component(property = "waymark.area=sheffield")
public final class SheffieldPathway implements Pathway {
    private static final List<Step> STEPS = List.of(
            new Step("first-contact", "Phone the person within 5 working days (a letter if there is no answer after 3 tries)", null),
            new Step("what-matters", "Home or phone visit: what matters to me, ONS4 wellbeing", "ons4"),
            new Step("digital-skills", "Essential digital skills assessment and goals", "essential-digital-skills"),
            new Step("connect", "Connect to community groups (walking, lunch clubs, digital drop-ins)", null),
            new Step("follow-up", "Follow up at 2, 6 and 12 weeks: ONS4 and digital skills again", "ons4"),
            new Step("close", "Close with an outcome and tell the GP", null));

    @Override
    public String id() {
        return "sheffield-ltc";
    }

    @Override
    public String title() {
        return "Sheffield: older people with long-term conditions";
    }

    @Override
    public List<Step> steps() {
        return STEPS;
    }

    @Override
    public List<Period> followUps() {
        return List.of(Period.ofWeeks(2), Period.ofWeeks(6), Period.ofWeeks(12));
    }

    @Override
    public List<String> contactOrder() {
        return List.of("phone", "letter", "email");
    }
}
