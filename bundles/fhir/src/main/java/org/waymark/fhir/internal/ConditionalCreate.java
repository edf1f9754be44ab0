package org.waymark.fhir.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.Identifier;
import org.waymark.api.error.WaymarkException;

/**
 * FHIR conditional create ({@code If-None-Exist} on a POST, {@code ifNoneExist} on a transaction entry) as Waymark
 * supports it. For a ServiceRequest the only criteria are its own identifier: the identifier is already the key by
 * which a sender's retry finds the referral it stored, so "create unless one with this identifier exists" is exactly
 * what intake does, and it can never match more than one referral (a sender's identifiers are unique).
 */
final class ConditionalCreate {
    private ConditionalCreate() {
    }

    /**
     * Checks that a ServiceRequest's condition names its own identifier; anything else is refused (400) rather than
     * ignored, since a condition that is silently ignored creates what the sender asked not to.
     *
     * @param where what the message names ("Entry 2" in a transaction, "If-None-Exist" for a POST)
     */
    static void requireOwnIdentifier(String where, String condition, Identifier identifier) {
        if (condition == null || condition.isBlank()) {
            return;
        }
        Map<String, String> criteria = criteria(where, condition);
        String value = criteria.get("identifier");
        TokenParam token = value == null ? null : TokenParam.parse(value);
        if (criteria.size() != 1 || token == null || identifier == null || !identifier.getValue().equals(token.value())
                || !token.matchesSystem(identifier.getSystem())) {
            throw WaymarkException.invalid(where + ": a conditional create of a ServiceRequest supports only "
                    + "identifier={system}|{value} naming its own identifier");
        }
    }

    /** The search parameters of a condition, decoded; a leading {@code Type?} is allowed, as FHIR writes it. */
    static Map<String, String> criteria(String where, String query) {
        Map<String, String> criteria = new HashMap<>();
        String q = query.strip();
        int question = q.indexOf('?');
        if (question >= 0) {
            q = q.substring(question + 1);
        }
        for (String pair : q.split("&")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw WaymarkException.invalid(where + ": the condition must be search parameters, e.g. identifier=system|value");
            }
            try {
                String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
                if (criteria.put(name, URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8)) != null) {
                    throw WaymarkException.invalid(where + ": the condition repeats " + Messages.safe(name));
                }
            } catch (IllegalArgumentException e) {
                throw WaymarkException.invalid(where + ": the condition is not URL-encoded correctly");
            }
        }
        return criteria;
    }
}
