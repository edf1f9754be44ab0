package org.waymark.pathfinder.islington.internal;

import java.time.Period;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.pathway.Pathway;

/**
 * Easy read, text message first (young people answer texts, not unknown numbers), and shorter follow-ups at 1, 3 and
 * 6 weeks, because engagement drops quickly in this group.
 */
@Component(property = "waymark.area=islington")
public final class IslingtonPathway implements Pathway {
    private static final List<Step> STEPS = List.of(
            new Step("first-contact", "Text first, then phone, within 2 working days", null),
            new Step("meet", "Meet somewhere the young person chooses; easy-read plan of what matters to them", "ons4"),
            new Step("connect", "Go with them to the first session of a group if they want", null),
            new Step("follow-up", "Follow up at 1, 3 and 6 weeks: ONS4 again", "ons4"),
            new Step("close", "Close with an outcome and tell the GP", null));

    @Override
    public String id() {
        return "islington-young-people";
    }

    @Override
    public String title() {
        return "Islington: young people (16 to 25)";
    }

    @Override
    public List<Step> steps() {
        return STEPS;
    }

    @Override
    public List<Period> followUps() {
        return List.of(Period.ofWeeks(1), Period.ofWeeks(3), Period.ofWeeks(6));
    }

    @Override
    public List<String> contactOrder() {
        return List.of("sms", "phone", "email");
    }

    @Override
    public boolean easyRead() {
        return true;
    }
}
