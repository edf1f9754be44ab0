package org.waymark.itests.testplugin;

import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.waymark.api.triage.TriageDecision;
import org.waymark.api.triage.TriageFacts;
import org.waymark.api.triage.TriageRule;

/** An Islington triage rule with a bug: every call throws. Intake must not notice; the plugin must be marked failed. */
@Component(property = "waymark.area=islington")
public final class BrokenTriageRule implements TriageRule {

    @Override
    public String id() {
        throw new IllegalStateException("triage plugin bug");
    }

    @Override
    public Optional<TriageDecision> assess(TriageFacts referral) {
        throw new IllegalStateException("triage plugin bug");
    }
}
