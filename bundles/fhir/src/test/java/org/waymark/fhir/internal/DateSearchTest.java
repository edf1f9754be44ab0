package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.TimeRange;

class DateSearchTest {

    private static TimeRange range(String... values) {
        return DateSearch.instants("authored", List.of(values));
    }

    @Test
    void aDateIsTheWholeLondonDay() {
        // January: London is on GMT, so the day is the UTC day.
        assertThat(range("2026-01-10")).isEqualTo(new TimeRange(Instant.parse("2026-01-10T00:00:00Z"),
                Instant.parse("2026-01-10T23:59:59.999999999Z")));
        // July: British Summer Time, one hour ahead.
        assertThat(range("eq2026-07-10").from()).isEqualTo(Instant.parse("2026-07-09T23:00:00Z"));
    }

    @Test
    void prefixesBoundTheRange() {
        assertThat(range("ge2026-01-10")).isEqualTo(new TimeRange(Instant.parse("2026-01-10T00:00:00Z"), null));
        assertThat(range("gt2026-01-10")).isEqualTo(new TimeRange(Instant.parse("2026-01-11T00:00:00Z"), null));
        assertThat(range("le2026-01-10")).isEqualTo(new TimeRange(null, Instant.parse("2026-01-10T23:59:59.999999999Z")));
        assertThat(range("lt2026-01-10")).isEqualTo(new TimeRange(null, Instant.parse("2026-01-09T23:59:59.999999999Z")));
        assertThat(range("ge2026-01", "lt2026-02")).isEqualTo(new TimeRange(Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-31T23:59:59.999999999Z")));
        assertThat(range("ge2026", "lt2025").isEmpty()).isTrue();
    }

    @Test
    void timesWithAZoneAreExactToTheirPrecision() {
        assertThat(range("gt2026-01-10T10:00:00Z").from()).isEqualTo(Instant.parse("2026-01-10T10:00:01Z"));
        assertThat(range("le2026-01-10T10:00:00+01:00").to()).isEqualTo(Instant.parse("2026-01-10T09:00:00.999999999Z"));
    }

    @Test
    void birthDatesAreDays() {
        assertThat(DateSearch.days("birthdate", List.of("1944"))).containsExactly(LocalDate.of(1944, 1, 1), LocalDate.of(1944, 12, 31));
        assertThat(DateSearch.days("birthdate", List.of("lt1950-02-03"))).containsExactly(null, LocalDate.of(1950, 2, 2));
        assertThat(DateSearch.days("birthdate", null)).containsExactly(null, null);
        assertThatThrownBy(() -> DateSearch.days("birthdate", List.of("1950-02-03T10:00:00Z"))).isInstanceOf(WaymarkException.class);
    }

    @Test
    void nonsenseAndUnsupportedPrefixesAreRefused() {
        for (String bad : List.of("yesterday", "2026-13-01", "ne2026-01-01", "sa2026-01-01", "ap2026", "", "ge")) {
            assertThatThrownBy(() -> range(bad)).as(bad).isInstanceOfSatisfying(WaymarkException.class,
                    e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        }
    }

    /**
     * Found probing: updated_at keeps micro- or nanoseconds while a FHIR answer shows milliseconds, and the ranges
     * ended at .999 ms, so _lastUpdated={the resource's own meta.lastUpdated} matched nothing and a window
     * lt2026-01-10T10:00:00Z left out a change at 09:59:59.9995 that the next window (ge) did not take either.
     */
    @Test
    void timesStoredFinerThanMillisecondsFallInTheirPeriod() {
        Instant stored = Instant.parse("2026-12-06T22:50:55.810123456Z");
        TimeRange own = range("2026-12-06T22:50:55.810+00:00");
        assertThat(!stored.isBefore(own.from()) && !stored.isAfter(own.to())).isTrue();
        Instant lastMoment = Instant.parse("2026-01-10T09:59:59.999500Z");
        assertThat(lastMoment.isAfter(range("lt2026-01-10T10:00:00Z").to())).isFalse();
        assertThat(lastMoment.isBefore(range("ge2026-01-10T10:00:00Z").from())).isTrue();
    }
}
