package org.waymark.itests.testplugin;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.intake.IntakeValidator;
import org.waymark.api.triage.TriageFacts;

/** A validator whose activation throws: the core must go on without it and never stop intake. */
@Component(property = "waymark.area=islington")
public final class FailsOnActivation implements IntakeValidator {

    @Activate
    public FailsOnActivation() {
        throw new IllegalStateException("plugin activation bug");
    }

    @Override
    public String id() {
        return "never-activated";
    }

    @Override
    public List<Finding> validate(TriageFacts referral) {
        return List.of(new Finding(Finding.Severity.ERROR, "never reached"));
    }
}
