package org.waymark.referrals.internal.governance;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.waymark.api.error.WaymarkException;

/**
 * How long closed referrals are kept, in whole years after they closed (their last change): one default and, where an
 * area's policy differs, a period per area. {@code off} keeps them for ever (the scheduled run then erases nothing).
 *
 * @param defaultYears years for areas without their own rule; empty: keep for ever
 * @param areaYears    area → years; an empty optional keeps that area's records for ever
 */
public record RetentionRules(Optional<Integer> defaultYears, Map<String, Optional<Integer>> areaYears) {
    /** The NHS Records Management Code of Practice keeps adult social care records 8 years after care ends. */
    static final int DEFAULT_YEARS = 8;

    public RetentionRules {
        areaYears = Map.copyOf(areaYears);
    }

    /**
     * @param years      {@code WAYMARK_RETENTION_CLOSED_YEARS}: a number of years or {@code off}; blank for the default
     * @param perArea    {@code WAYMARK_RETENTION_AREA_YEARS}: {@code area=years,area=off}; blank for none
     */
    public static RetentionRules parse(String years, String perArea) {
        Optional<Integer> fallback = years == null || years.isBlank() ? Optional.of(DEFAULT_YEARS) : years(years, "WAYMARK_RETENTION_CLOSED_YEARS");
        Map<String, Optional<Integer>> areas = new LinkedHashMap<>();
        if (perArea != null && !perArea.isBlank()) {
            for (String rule : perArea.split(",")) {
                String[] parts = rule.split("=", 2);
                if (parts.length != 2 || parts[0].isBlank()) {
                    throw WaymarkException.invalid("WAYMARK_RETENTION_AREA_YEARS must read area=years[,area=years], not '" + rule.strip() + "'");
                }
                areas.put(parts[0].strip(), years(parts[1], "WAYMARK_RETENTION_AREA_YEARS for " + parts[0].strip()));
            }
        }
        return new RetentionRules(fallback, areas);
    }

    private static Optional<Integer> years(String value, String name) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        if (text.equals("off") || text.equals("never")) {
            return Optional.empty();
        }
        try {
            int years = Integer.parseInt(text);
            if (years < 0 || years > 200) {
                throw new NumberFormatException();
            }
            return Optional.of(years);
        } catch (NumberFormatException e) {
            throw WaymarkException.invalid(name + " must be a number of years (0-200) or off, not '" + value.strip() + "'");
        }
    }

    /** The years kept for an area; empty: kept for ever. */
    Optional<Integer> yearsFor(String area) {
        return areaYears.containsKey(area) ? areaYears.get(area) : defaultYears;
    }

    /** Referrals of this area that closed before the returned instant are due; empty when the area keeps them for ever. */
    Optional<Instant> cutoff(String area, Instant asOf) {
        return yearsFor(area).map(y -> asOf.atOffset(ZoneOffset.UTC).minusYears(y).toInstant());
    }

    String describe() {
        StringBuilder text = new StringBuilder("closed referrals kept ").append(defaultYears.map(y -> y + " year(s)").orElse("for ever"));
        areaYears.forEach((area, y) -> text.append(", ").append(area).append(": ").append(y.map(v -> v + " year(s)").orElse("for ever")));
        return text.toString();
    }
}
