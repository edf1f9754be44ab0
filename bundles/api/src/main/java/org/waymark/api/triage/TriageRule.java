package org.waymark.api.triage;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Scores, prioritises or routes a new referral. Registered as an OSGi service with the {@code waymark.area} property
 * of the area whose referrals it triages (without it, every area). All rules of an area are asked; their scores add
 * up, the most urgent priority wins and the first route given (in service ranking order) applies.
 */
@ConsumerType
public interface TriageRule {

    /** Stable id, recorded with each decision so a worker sees which rule said what, e.g. {@code sheffield-ltc}. */
    String id();

    /** The rule's view of the referral, or empty when the rule has nothing to say about it. Must be quick and pure. */
    Optional<TriageDecision> assess(TriageFacts referral);
}
