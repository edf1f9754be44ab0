package org.waymark.fhir.internal;

import java.util.Locale;

/** What a create answers with, from the {@code Prefer} header's {@code return} preference (FHIR R4 3.1.0.8.4). */
enum PreferReturn {
    MINIMAL, REPRESENTATION, OPERATION_OUTCOME;

    /**
     * The preference the header states; {@code fallback} when it states none or one FHIR does not define (a
     * preference is a wish, not a demand: RFC 7240 says to ignore what is not understood).
     */
    static PreferReturn of(String prefer, PreferReturn fallback) {
        if (prefer == null) {
            return fallback;
        }
        for (String part : prefer.split("[,;]")) {
            String p = part.strip().replace("\"", "");
            if (!p.regionMatches(true, 0, "return=", 0, 7)) {
                continue;
            }
            switch (p.substring(7).strip().toLowerCase(Locale.ROOT)) {
                case "minimal" -> {
                    return MINIMAL;
                }
                case "representation" -> {
                    return REPRESENTATION;
                }
                case "operationoutcome" -> {
                    return OPERATION_OUTCOME;
                }
                default -> {
                    return fallback;
                }
            }
        }
        return fallback;
    }
}
