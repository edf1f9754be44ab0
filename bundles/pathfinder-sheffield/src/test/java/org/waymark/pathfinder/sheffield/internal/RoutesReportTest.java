package org.waymark.pathfinder.sheffield.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

class RoutesReportTest {
    /** Found probing: in summer, a referral received at 00:30 on 1 July was counted in June. */
    @Test
    void theReportsDaysAreSheffieldsDaysWhateverTheClocksDo() {
        assertThat(RoutesReport.startOf(LocalDate.of(2026, 7, 1))).isEqualTo(Instant.parse("2026-06-30T23:00:00Z"));
        assertThat(RoutesReport.startOf(LocalDate.of(2026, 12, 1))).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        // The clocks go forward at 01:00 on 29 March 2026: that day still starts at midnight GMT.
        assertThat(RoutesReport.startOf(LocalDate.of(2026, 3, 30))).isEqualTo(Instant.parse("2026-03-29T23:00:00Z"));
    }
}
