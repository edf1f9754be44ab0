package org.waymark.api.triage;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One rule's view of a referral.
 *
 * @param score    points this rule adds (higher: seen sooner); between -100 and 100
 * @param priority the priority the rule asks for ({@code routine}, {@code urgent}, {@code asap}), or null to leave it;
 *                 a rule can raise a referral's priority, never lower what the referrer gave
 * @param route    the team or queue the referral should go to within the area (e.g. {@code young-people}), or null
 * @param reasons  plain-English reasons a worker reads, e.g. "Aged 19: young people's pathway"
 */
public record TriageDecision(int score, String priority, String route, List<String> reasons) {
    private static final Set<String> PRIORITIES = Set.of("routine", "urgent", "asap");

    public TriageDecision {
        if (score < -100 || score > 100) {
            throw new IllegalArgumentException("A triage score is between -100 and 100");
        }
        if (priority != null && !PRIORITIES.contains(priority)) {
            throw new IllegalArgumentException("A triage priority is routine, urgent or asap");
        }
        if (route != null && !route.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("A route is 1 to 64 lower case letters, digits and hyphens");
        }
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
    }
}
