package org.waymark.pathfinder.sheffield.internal;

import java.util.Map;
import java.util.Optional;

import org.waymark.api.triage.TriageFacts;

/**
 * The long-term conditions the Sheffield programme looks for, by SNOMED CT code and by the words GPs use in the reason
 * for referral (most referrals arrive with a reason in words only).
 */
final class LongTermConditions {
    /** SNOMED CT concept id to the condition's plain name. */
    static final Map<String, String> CODES = Map.ofEntries(
            Map.entry("73211009", "diabetes"), Map.entry("44054006", "diabetes"), Map.entry("13645005", "COPD"),
            Map.entry("84114007", "heart failure"), Map.entry("53741008", "coronary heart disease"),
            Map.entry("49436004", "atrial fibrillation"), Map.entry("230690007", "stroke"),
            Map.entry("195967001", "asthma"), Map.entry("38341003", "high blood pressure"),
            Map.entry("709044004", "chronic kidney disease"), Map.entry("396275006", "osteoarthritis"),
            Map.entry("52448006", "dementia"), Map.entry("69896004", "rheumatoid arthritis"));
    /** Words in a reason for referral, lower case, to the condition's plain name. */
    static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("diabet", "diabetes"), Map.entry("copd", "COPD"), Map.entry("emphysema", "COPD"),
            Map.entry("heart failure", "heart failure"), Map.entry("angina", "coronary heart disease"),
            Map.entry("atrial fibrillation", "atrial fibrillation"), Map.entry("stroke", "stroke"),
            Map.entry("asthma", "asthma"), Map.entry("hypertension", "high blood pressure"),
            Map.entry("kidney disease", "chronic kidney disease"), Map.entry("arthritis", "arthritis"),
            Map.entry("dementia", "dementia"), Map.entry("parkinson", "Parkinson's disease"),
            Map.entry("long-term condition", "a long-term condition"), Map.entry("long term condition", "a long-term condition"));
    /** SNOMED CT 105529008 "Lives alone". */
    static final String LIVES_ALONE = "105529008";

    private LongTermConditions() {
    }

    /** The first long-term condition the referral names, if any. */
    static Optional<String> named(TriageFacts referral) {
        for (Map.Entry<String, String> code : CODES.entrySet()) {
            if (referral.hasSnomedCode(code.getKey())) {
                return Optional.of(code.getValue());
            }
        }
        return WORDS.entrySet().stream().filter(word -> referral.mentions(word.getKey()))
                .map(Map.Entry::getValue).sorted().findFirst();
    }

    static boolean livesAlone(TriageFacts referral) {
        return referral.hasSnomedCode(LIVES_ALONE) || referral.mentions("lives alone") || referral.mentions("living alone")
                || referral.mentions("lives on her own") || referral.mentions("lives on his own")
                || referral.mentions("lives on their own");
    }
}
