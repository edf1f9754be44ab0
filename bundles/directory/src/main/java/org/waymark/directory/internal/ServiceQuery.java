package org.waymark.directory.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.waymark.api.error.WaymarkException;

/**
 * The filters of {@code GET /directory/services} and {@code /service_at_locations}: the UK profile's ({@code search},
 * {@code page}, {@code per_page}, {@code taxonomy_term_id}, {@code taxonomy_id}, {@code minimum_age},
 * {@code maximum_age}, {@code day}, {@code start_time}, {@code end_time}, {@code postcode}, {@code proximity}), those
 * of the Open Referral UK API that {@code GET /directory/} names as its {@code openapi_url} ({@code organization_id},
 * {@code modified_after}: found probing, they were ignored and the whole directory answered as if filtered) and
 * Waymark's documented extensions ({@code age}: open to a person of this age; {@code cost=free}). A value that cannot
 * mean anything is refused (400) rather than ignored, so a caller never mistakes an unfiltered list for a filtered one.
 *
 * @param dayMask   bit 0 = Monday ... bit 6 = Sunday; 0 when not filtered
 * @param proximity metres from the postcode's centroid; null for no limit
 * @param modifiedAfter services last modified at or after this instant (a service that does not say when is left
 *                      out); null when not filtered
 */
record ServiceQuery(String text, int page, int perPage, String taxonomyTermId, String taxonomyId, Double minimumAge,
                    Double maximumAge, Double age, int dayMask, LocalTime startTime, LocalTime endTime, String postcode,
                    Double proximity, boolean freeOnly, String organizationId, Instant modifiedAfter) {
    static final int DEFAULT_PER_PAGE = 50;
    private static final java.util.regex.Pattern ASCII_INTEGER = java.util.regex.Pattern.compile("[+-]?[0-9]{1,18}");
    private static final java.util.regex.Pattern ASCII_DECIMAL = java.util.regex.Pattern.compile("[+-]?[0-9]{1,18}(\\.[0-9]{1,18})?|[+-]?\\.[0-9]{1,18}");
    static final int MAX_PER_PAGE = 1000;
    static final List<String> DAYS = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");
    private static final List<String> DAY_NAMES = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
            "SATURDAY", "SUNDAY");

    static ServiceQuery all(int page, int perPage) {
        return new ServiceQuery(null, page, perPage, null, null, null, null, null, 0, null, null, null, null, false, null, null);
    }

    /** @param params the first value of each query parameter */
    static ServiceQuery parse(Map<String, String> params) {
        String proximity = blankToNull(params.get("proximity"));
        String postcode = blankToNull(params.get("postcode"));
        if (proximity != null && postcode == null) {
            throw WaymarkException.invalid("proximity needs a postcode to measure from");
        }
        String cost = blankToNull(params.get("cost"));
        if (cost != null && !cost.equalsIgnoreCase("free")) {
            throw WaymarkException.invalid("cost takes the value free");
        }
        Double proximityMetres = number(params, "proximity");
        if (proximityMetres != null && proximityMetres <= 0) {
            throw WaymarkException.invalid("proximity is a distance in metres and must be positive");
        }
        String text = blankToNull(params.get("search"));
        if (text != null && SearchIndex.words(text).isEmpty()) {
            throw WaymarkException.invalid("search has no word to look for (common words such as \"the\" and punctuation"
                    + " are not searched)");
        }
        return new ServiceQuery(text, integer(params, "page", 1, 1, Integer.MAX_VALUE),
                integer(params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE), blankToNull(params.get("taxonomy_term_id")),
                blankToNull(params.get("taxonomy_id")), age(params, "minimum_age"), age(params, "maximum_age"),
                age(params, "age"), day(params.get("day")), time(params, "start_time"), time(params, "end_time"),
                postcode, proximityMetres, cost != null, blankToNull(params.get("organization_id")),
                dateTime(params, "modified_after"));
    }

    boolean filtersOnSchedule() {
        return dayMask != 0 || startTime != null || endTime != null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int integer(Map<String, String> params, String name, int fallback, int min, int max) {
        String value = blankToNull(params.get(name));
        if (value == null) {
            return fallback;
        }
        // Integer.parseInt takes any script's digits: page=١ (Arabic-Indic) read as page 1. Only ASCII digits are numbers here.
        if (!ASCII_INTEGER.matcher(value).matches()) {
            throw WaymarkException.invalid(name + " must be a whole number (digits 0-9)");
        }
        long parsed = Long.parseLong(value);
        if (parsed < min || parsed > max) {
            throw WaymarkException.invalid(name + " must be between " + min + " and " + max);
        }
        return (int) parsed;
    }

    private static Double number(Map<String, String> params, String name) {
        String value = blankToNull(params.get(name));
        if (value == null) {
            return null;
        }
        // Double.parseDouble also takes "12d", "0x1p4" and "1e2": none is how a caller writes an age or a distance.
        if (!ASCII_DECIMAL.matcher(value).matches()) {
            throw WaymarkException.invalid(name + " must be a number (digits 0-9, with a decimal point if need be)");
        }
        try {
            double parsed = Double.parseDouble(value);
            if (!Double.isFinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw WaymarkException.invalid(name + " must be a number");
        }
    }

    private static Double age(Map<String, String> params, String name) {
        Double age = number(params, name);
        if (age != null && (age < 0 || age > 150)) {
            throw WaymarkException.invalid(name + " must be an age between 0 and 150");
        }
        return age;
    }

    private static LocalTime time(Map<String, String> params, String name) {
        String value = blankToNull(params.get(name));
        if (value == null) {
            return null;
        }
        try {
            return LocalTime.parse(value);
        } catch (DateTimeParseException e) {
            throw WaymarkException.invalid(name + " must be a time such as 09:30 or 09:30:00");
        }
    }

    /**
     * An ISO 8601 date and time ({@code 2026-01-31T09:00:00Z}, with an offset, or without one as UTC), or a date alone
     * (its start, UTC): the profile types it as a datetime but says no more.
     */
    static Instant dateTime(Map<String, String> params, String name) {
        String raw = blankToNull(params.get(name));
        if (raw == null) {
            return null;
        }
        // An offset's "+" sent unencoded in a query string arrives as a space (2026-01-31T10:00:00+01:00).
        String value = raw.replace(' ', '+');
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset; try the other forms
        }
        try {
            return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // nor a local date and time
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw WaymarkException.invalid(name + " must be a date and time such as 2026-01-31T09:00:00Z, or a date such"
                    + " as 2026-01-31");
        }
    }

    static int day(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String day = value.trim().toUpperCase(Locale.ROOT);
        for (int i = 0; i < 7; i++) {
            if (day.equals(DAYS.get(i)) || day.equals(DAY_NAMES.get(i)) || day.equals(DAY_NAMES.get(i).substring(0, 3))) {
                return 1 << i;
            }
        }
        throw WaymarkException.invalid("day must be a day of the week: MO, TU, WE, TH, FR, SA, SU (or its name)");
    }
}
