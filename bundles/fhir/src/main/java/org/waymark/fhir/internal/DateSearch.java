package org.waymark.fhir.internal;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.TimeRange;

/**
 * FHIR date search values ({@code ge2026-01}, {@code lt2026-02-01T10:00:00Z}, ...) as inclusive ranges. HAPI's
 * {@link DateParam} reads the prefix, value and precision; the bounds are computed here, because HAPI widens date-only
 * bounds by up to 14 hours (for any time zone) while Waymark, a UK service, reads a date without a time as a day in
 * Europe/London. A value stands for the whole period its precision names: {@code eq2026-01} is all of January.
 */
final class DateSearch {
    static final ZoneId LOCAL = ZoneId.of("Europe/London");

    /** The period a value names, as [start, end). */
    private record Period(ParamPrefixEnum prefix, Instant start, Instant end, TemporalPrecisionEnum precision) {
    }

    private DateSearch() {
    }

    /** Several values of one parameter combine with AND, as FHIR says: {@code authored=ge2026-01&authored=lt2026-02}. */
    static TimeRange instants(String name, List<String> values) {
        if (values == null || values.isEmpty()) {
            return TimeRange.ANY;
        }
        Instant from = null;
        Instant to = null;
        for (String value : values) {
            Period period = period(name, value);
            // Inclusive ends are the last nanosecond before the next period: times are stored finer than the
            // millisecond a FHIR answer shows (updated_at holds micro- or nanoseconds), so an end at .999 ms dropped
            // whatever happened in a period's last millisecond, and _lastUpdated={a resource's own lastUpdated}
            // matched nothing.
            Instant lastOfPeriod = period.end().minusNanos(1);
            switch (period.prefix()) {
                case EQUAL -> {
                    from = later(from, period.start());
                    to = earlier(to, lastOfPeriod);
                }
                case GREATERTHAN_OR_EQUALS -> from = later(from, period.start());
                case GREATERTHAN -> from = later(from, period.end());
                case LESSTHAN_OR_EQUALS -> to = earlier(to, lastOfPeriod);
                case LESSTHAN -> to = earlier(to, period.start().minusNanos(1));
                default -> throw WaymarkException.invalid("The prefix of " + name + " must be eq, ge, gt, le or lt");
            }
        }
        return new TimeRange(from, to);
    }

    /** The same for a date-only field such as a birth date: inclusive first and last day, either may be null. */
    static LocalDate[] days(String name, List<String> values) {
        if (values == null || values.isEmpty()) {
            return new LocalDate[2];
        }
        TimeRange range = instants(name, values);
        for (String value : values) {
            if (period(name, value).precision().ordinal() > TemporalPrecisionEnum.DAY.ordinal()) {
                throw WaymarkException.invalid(name + " is a date: search it without a time, e.g. " + name + "=1950-02-03");
            }
        }
        return new LocalDate[] {
                range.from() == null ? null : range.from().atZone(LOCAL).toLocalDate(),
                range.to() == null ? null : range.to().atZone(LOCAL).toLocalDate()};
    }

    private static Period period(String name, String value) {
        if (value == null || value.isBlank()) {
            throw WaymarkException.invalid(name + " needs a date, e.g. " + name + "=ge2026-01-01");
        }
        DateParam param;
        try {
            param = Fhir.withBundleClassLoader(() -> new DateParam(value.strip()));
        } catch (RuntimeException e) {
            throw WaymarkException.invalid(name + " is not a FHIR date: " + Messages.safe(value) + " (use e.g. ge2026-01-01)");
        }
        if (param.getValue() == null || param.getPrecision() == null) {
            throw WaymarkException.invalid(name + " is not a FHIR date: " + Messages.safe(value) + " (use e.g. ge2026-01-01)");
        }
        ParamPrefixEnum prefix = param.getPrefix() == null ? ParamPrefixEnum.EQUAL : param.getPrefix();
        TemporalPrecisionEnum precision = param.getPrecision();
        String text = param.getValueAsString();
        Instant start;
        Instant end;
        if (precision.ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
            LocalDate first = LocalDate.parse(switch (precision) {
                case YEAR -> text.substring(0, 4) + "-01-01";
                case MONTH -> text.substring(0, 7) + "-01";
                default -> text.substring(0, 10);
            });
            LocalDate next = switch (precision) {
                case YEAR -> first.plusYears(1);
                case MONTH -> first.plusMonths(1);
                default -> first.plusDays(1);
            };
            start = first.atStartOfDay(LOCAL).toInstant();
            end = next.atStartOfDay(LOCAL).toInstant();
        } else {
            start = param.getValue().toInstant();
            end = switch (precision) {
                case MINUTE -> start.plusSeconds(60);
                case SECOND -> start.plusSeconds(1);
                default -> start.plusMillis(1);
            };
        }
        return new Period(prefix, start, end, precision);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
