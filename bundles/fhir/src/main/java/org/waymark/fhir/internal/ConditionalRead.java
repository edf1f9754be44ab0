package org.waymark.fhir.internal;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR's conditional read ({@code If-None-Match}): whether the caller already holds the current version. ETags are
 * compared weakly, as RFC 9110 says for If-None-Match; {@code *} matches any version.
 */
final class ConditionalRead {
    private ConditionalRead() {
    }

    /** Whether any of the If-None-Match header values names the resource's current version. */
    static boolean unchanged(List<String> ifNoneMatch, Resource resource) {
        if (ifNoneMatch == null || ifNoneMatch.isEmpty() || !resource.hasMeta() || !resource.getMeta().hasVersionId()) {
            return false;
        }
        String current = resource.getMeta().getVersionId();
        for (String header : ifNoneMatch) {
            for (String tag : header.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || opaque(t).equals(current)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The tag without its weakness marker and quotes: W/"3" and "3" both name version 3. */
    private static String opaque(String tag) {
        String t = tag.startsWith("W/") ? tag.substring(2) : tag;
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
