package org.waymark.directory.internal;

import java.util.Locale;
import java.util.Map;
import org.waymark.api.error.WaymarkException;

/**
 * The options of the Open Referral UK API's lists that shape the answer rather than filter it ({@code format},
 * {@code full}, {@code minimal}). Each is answered or refused, never ignored (found probing: they were ignored, so a
 * caller asking for another shape could not tell it had not got it):
 * <ul>
 * <li>{@code format}: only {@code json} is served; {@code ndjson} is a 400;</li>
 * <li>{@code full=true}: each item fully nested, as its {@code /{id}} answers it;</li>
 * <li>{@code minimal=true}: a 400, as the profile does not say what shape it has (the page wrapper is answered
 * without it).</li>
 * </ul>
 *
 * @param full each item fully nested
 */
record ListOptions(boolean full) {

    static ListOptions parse(Map<String, String> params) {
        String format = params.get("format");
        if (format != null && !format.isBlank() && !format.strip().equalsIgnoreCase("json")) {
            throw WaymarkException.invalid("format: only json is served here");
        }
        if (bool(params, "minimal")) {
            throw WaymarkException.invalid("minimal is not served here: ask without it");
        }
        return new ListOptions(bool(params, "full"));
    }

    /** A boolean parameter: {@code true} or {@code false} (any case), absent or blank for false. */
    static boolean bool(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw WaymarkException.invalid(name + " must be true or false");
        };
    }
}
