package org.waymark.pathfinder.islington.internal;

import java.util.Map;

import org.waymark.api.triage.TriageFacts;

/** The needs Islington's young people's programme is for, by SNOMED CT code and by the words referrers use. */
final class YoungPeopleNeeds {
    static final Map<String, String> CODES = Map.ofEntries(
            Map.entry("110359009", "learning disability"), Map.entry("35919005", "autism"),
            Map.entry("35489007", "depression"), Map.entry("197480006", "anxiety"), Map.entry("69322001", "psychosis"),
            Map.entry("47505003", "post-traumatic stress"), Map.entry("72366004", "eating disorder"),
            Map.entry("248062006", "self-harm"));
    static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("learning disab", "learning disability"), Map.entry("autis", "autism"), Map.entry("adhd", "ADHD"),
            Map.entry("depress", "depression"), Map.entry("anxiety", "anxiety"), Map.entry("low mood", "low mood"),
            Map.entry("mental health", "mental health"), Map.entry("psychosis", "psychosis"),
            Map.entry("eating disorder", "eating disorder"), Map.entry("self-harm", "self-harm"),
            Map.entry("self harm", "self-harm"));
    /** Needs that make a young person's referral urgent. */
    static final java.util.Set<String> URGENT = java.util.Set.of("self-harm", "psychosis", "eating disorder");

    private YoungPeopleNeeds() {
    }

    /** Every need the referral names, by code or in words, in alphabetical order. */
    static java.util.SortedSet<String> named(TriageFacts referral) {
        java.util.SortedSet<String> needs = new java.util.TreeSet<>();
        CODES.forEach((code, need) -> {
            if (referral.hasSnomedCode(code)) {
                needs.add(need);
            }
        });
        WORDS.forEach((word, need) -> {
            if (referral.mentions(word)) {
                needs.add(need);
            }
        });
        return needs;
    }
}
