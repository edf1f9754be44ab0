package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void defaultsToTwoSixAndTwelveWeeks() {
        assertThat(Schedule.follow(LocalDate.of(2026, 1, 5), null)).containsExactly(
                new Schedule.Due(1, "2 weeks", LocalDate.of(2026, 1, 19)),
                new Schedule.Due(2, "6 weeks", LocalDate.of(2026, 2, 16)),
                new Schedule.Due(3, "12 weeks", LocalDate.of(2026, 3, 30)));
    }

    @Test
    void aPathwaysPeriodsAreSortedAndRepeatsKeptOnce() {
        List<Schedule.Due> dues = Schedule.follow(LocalDate.of(2026, 1, 31),
                List.of(Period.ofMonths(3), Period.ofDays(10), Period.ofMonths(1), Period.ofMonths(3)));
        assertThat(dues).extracting(Schedule.Due::label).containsExactly("10 days", "1 month", "3 months");
        // A month after 31 January is the last day of February.
        assertThat(dues.get(1).dueOn()).isEqualTo(LocalDate.of(2026, 2, 28));
        assertThat(dues).extracting(Schedule.Due::seq).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> Schedule.follow(LocalDate.of(2026, 1, 5), List.of(Period.ZERO)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void remindsAtNineLondonTimeTheDayBeforeWhateverTheClocksDo() {
        Instant longAgo = Instant.parse("2026-01-01T00:00:00Z");
        // Summer time (BST, UTC+1): 09:00 in London is 08:00 UTC.
        assertThat(Schedule.reminderAt(LocalDate.of(2026, 7, 15), longAgo)).isEqualTo(Instant.parse("2026-07-14T08:00:00Z"));
        // The clocks go back at 02:00 on Sunday 25 October 2026: the reminder that day is at 09:00 GMT.
        assertThat(Schedule.reminderAt(LocalDate.of(2026, 10, 26), longAgo)).isEqualTo(Instant.parse("2026-10-25T09:00:00Z"));
        // They go forward on Sunday 29 March 2026: 09:00 BST.
        assertThat(Schedule.reminderAt(LocalDate.of(2026, 3, 30), longAgo)).isEqualTo(Instant.parse("2026-03-29T08:00:00Z"));
    }

    @Test
    void aReminderWhoseMomentHasPassedGoesAtOnce() {
        Instant now = Instant.parse("2026-05-10T12:00:00Z");
        assertThat(Schedule.reminderAt(LocalDate.of(2026, 5, 10), now)).isEqualTo(now);
        assertThat(Schedule.reminderAt(LocalDate.of(2026, 5, 11), now)).isEqualTo(now);
        assertThat(Schedule.reminderAt(LocalDate.of(2026, 5, 12), now)).isEqualTo(Instant.parse("2026-05-11T08:00:00Z"));
    }

    @Test
    void todayIsTheLondonDay() {
        // 23:30 UTC on 30 June is already 1 July in London.
        assertThat(Schedule.today(Instant.parse("2026-06-30T23:30:00Z"))).isEqualTo(LocalDate.of(2026, 7, 1));
        assertThat(Schedule.today(Instant.parse("2026-12-31T23:30:00Z"))).isEqualTo(LocalDate.of(2026, 12, 31));
    }

    @Test
    void jobKeysAreStablePerFollowUpAndDay() {
        assertThat(Schedule.jobKey("f1", LocalDate.of(2026, 2, 3))).isEqualTo(Schedule.jobKey("f1", LocalDate.of(2026, 2, 3)))
                .isNotEqualTo(Schedule.jobKey("f1", LocalDate.of(2026, 2, 4)));
    }
}
