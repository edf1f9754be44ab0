package org.waymark.api.intake;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;
import org.waymark.api.triage.TriageFacts;

/**
 * An area's own check on an incoming referral, run before it is stored (outside its transaction, through the plugin
 * guard). An {@link Finding.Severity#ERROR} refuses the referral with the finding's text (the sender gets a 422
 * OperationOutcome); a {@link Finding.Severity#WARNING} is passed back to the sender with the acceptance. A validator
 * that throws or times out is skipped and counted against its plugin: a broken plugin never stops intake.
 * Registered with the {@code waymark.area} service property.
 */
@ConsumerType
public interface IntakeValidator {

    /** Stable id, e.g. {@code islington-age-range}. */
    String id();

    /** The findings on this referral; empty when it passes. The referral id in the facts is not yet assigned ("new"). */
    List<Finding> validate(TriageFacts referral);

    /** One finding, in words the sender's staff understand. */
    record Finding(Severity severity, String text) {
        public Finding {
            if (severity == null || text == null || text.isBlank()) {
                throw new IllegalArgumentException("A finding has a severity and a text");
            }
        }

        public enum Severity { WARNING, ERROR }
    }
}
