package org.waymark.digitalskills.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When follow-ups fall and when their reminders go. Dates are days in Europe/London; a reminder goes at 09:00 London
 * time on the day before the follow-up (whatever the clocks did in between), or at once if that moment has passed.
 */
final class Schedule {
    static final List<Period> DEFAULT = List.of(Period.ofWeeks(2), Period.ofWeeks(6), Period.ofWeeks(12));
    static final ZoneId ZONE = ZoneId.of("Europe/London");
    static final LocalTime REMINDER_TIME = LocalTime.of(9, 0);
    private static final DateTimeFormatter SPOKEN = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.UK);

    record Due(int seq, String label, LocalDate dueOn) {
    }

    private Schedule() {
    }

    /**
     * The follow-ups for a plan agreed on a day.
     *
     * @param periods a pathway's periods; null or empty for the default (2, 6 and 12 weeks); periods that are not
     *                after the day itself are refused, duplicates are kept once, and the result is in date order
     */
    static List<Due> follow(LocalDate agreedOn, List<Period> periods) {
        List<Period> use = periods == null || periods.isEmpty() ? DEFAULT : periods;
        List<LocalDate> seen = new ArrayList<>();
        List<Period> kept = new ArrayList<>();
        for (Period period : use) {
            LocalDate due = agreedOn.plus(period);
            if (!due.isAfter(agreedOn)) {
                throw new IllegalArgumentException("A follow-up must fall after the day the plan is agreed: " + period);
            }
            if (!seen.contains(due)) {
                seen.add(due);
                kept.add(period);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> seen.get(a).compareTo(seen.get(b)));
        List<Due> dues = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            int k = order.get(i);
            dues.add(new Due(i + 1, label(kept.get(k)), seen.get(k)));
        }
        return dues;
    }

    /** 09:00 London time on the day before the follow-up, or now when that has passed. */
    static Instant reminderAt(LocalDate dueOn, Instant now) {
        Instant at = dueOn.minusDays(1).atTime(REMINDER_TIME).atZone(ZONE).toInstant();
        return at.isBefore(now) ? now : at;
    }

    /** The reminder job's key: stable for a follow-up and its date, so scheduling it again never adds a second. */
    static String jobKey(String followUpId, LocalDate dueOn) {
        return "follow-up-" + followUpId + "-" + dueOn;
    }

    /** The latest day a follow-up due on {@code dueOn} may be moved to: a year from today, or its own day if later. */
    static LocalDate latestMove(LocalDate today, LocalDate dueOn) {
        LocalDate yearAhead = today.plusYears(1);
        return dueOn.isAfter(yearAhead) ? dueOn : yearAhead;
    }

    static LocalDate today(Instant now) {
        return now.atZone(ZONE).toLocalDate();
    }

    static String spoken(LocalDate date) {
        return SPOKEN.format(date);
    }

    static String label(Period period) {
        if (period.getYears() == 0 && period.getMonths() == 0 && period.getDays() % 7 == 0) {
            int weeks = period.getDays() / 7;
            return weeks + (weeks == 1 ? " week" : " weeks");
        }
        if (period.getYears() == 0 && period.getDays() == 0) {
            return period.getMonths() + (period.getMonths() == 1 ? " month" : " months");
        }
        if (period.getYears() == 0 && period.getMonths() == 0) {
            return period.getDays() + (period.getDays() == 1 ? " day" : " days");
        }
        return period.toString();
    }
}
