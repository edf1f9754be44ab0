package org.waymark.pathfinder.islington.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.intake.IntakeValidator;
import org.waymark.api.triage.TriageFacts;

/**
 * The programme is for 16 to 25 year olds. A referral for someone younger goes to children's services, so it is
 * refused with a clear reason; someone older is accepted with a warning (the service may still help or signpost).
 */
@Component(property = "waymark.area=islington")
public final class AgeRangeValidator implements IntakeValidator {

    @Override
    public String id() {
        return "islington-age-range";
    }

    @Override
    public List<Finding> validate(TriageFacts referral) {
        if (referral.age() == null) {
            return List.of(new Finding(Finding.Severity.WARNING, "No date of birth: Islington's programme is for people aged 16 to 25"));
        }
        if (referral.age() < 16) {
            return List.of(new Finding(Finding.Severity.ERROR,
                    "Islington's social prescribing programme is for people aged 16 to 25; refer under-16s to children's services"));
        }
        if (referral.age() > 25) {
            return List.of(new Finding(Finding.Severity.WARNING,
                    "Islington's programme is for people aged 16 to 25; the team will signpost older people"));
        }
        return List.of();
    }
}
