package org.waymark.digitalskills.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Small-number suppression as NHS statistics practise it: a count from 1 to {@code threshold - 1} is shown as
 * {@code *} (primary suppression). Where a column of counts adds up to a total that is shown, the hidden cells add up to
 * the total less the shown ones, so more cells are hidden (secondary suppression) until that sum is at least the
 * threshold and no hidden cell follows from it: the next smallest non-zero count first; a zero where the sum is large
 * enough but every hidden cell would have to be 1 (a reader takes a {@code *} to be at least 1 while zeros show). A
 * column that no hiding of its cells can protect (only ones, no zero) needs its total withheld:
 * {@link #needsTotalWithheld}.
 */
final class Suppression {
    static final String MARK = "*";
    private final int threshold;

    Suppression(int threshold) {
        if (threshold < 2) {
            throw new IllegalArgumentException("A suppression threshold is at least 2");
        }
        this.threshold = threshold;
    }

    int threshold() {
        return threshold;
    }

    boolean hides(int count) {
        return count > 0 && count < threshold;
    }

    /** One count on its own. */
    String cell(int count) {
        return hides(count) ? MARK : Integer.toString(count);
    }

    /**
     * A column of counts whose sum is a total shown elsewhere (the categories of a group, for one stage).
     *
     * @return each count as shown, in order
     */
    List<String> column(List<Integer> counts) {
        return column(counts, true);
    }

    /**
     * A column of counts whose sum is a total shown elsewhere, or withheld there ({@code totalShown} false: then a
     * column with nothing hidden would give the total back, so its smallest non-zero count is hidden).
     *
     * @return each count as shown, in order
     */
    List<String> column(List<Integer> counts, boolean totalShown) {
        boolean[] hidden = totalShown ? protectedAgainstTotal(counts) : primary(counts);
        if (!totalShown && count(hidden) == 0) {
            hide(hidden, smallestShown(counts, hidden, false));
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            shown.add(hidden[i] ? MARK : Integer.toString(counts.get(i)));
        }
        return shown;
    }

    /**
     * Whether the column's hidden counts would follow from its total however many of its cells were hidden: each
     * non-zero count is 1 and there is no zero to hide with them, so {@code total} cells add up to the total. The total
     * must then be withheld wherever it shows.
     */
    boolean needsTotalWithheld(List<Integer> counts) {
        int total = counts.stream().mapToInt(Integer::intValue).sum();
        return !hides(total) && !safe(counts, protectedAgainstTotal(counts));
    }

    private boolean[] primary(List<Integer> counts) {
        boolean[] hidden = new boolean[counts.size()];
        for (int i = 0; i < counts.size(); i++) {
            hidden[i] = hides(counts.get(i));
        }
        return hidden;
    }

    /** Primary suppression, then secondary until the shown total tells nothing exact about a hidden count (if it can). */
    private boolean[] protectedAgainstTotal(List<Integer> counts) {
        boolean[] hidden = primary(counts);
        int total = counts.stream().mapToInt(Integer::intValue).sum();
        if (hides(total)) {
            // The total is hidden too: every non-zero count is below the threshold and hidden already.
            return hidden;
        }
        while (!safe(counts, hidden)) {
            int next = hiddenSum(counts, hidden) >= threshold ? smallestShown(counts, hidden, true) : -1;
            if (next < 0) {
                next = smallestShown(counts, hidden, false);
            }
            if (next < 0) {
                next = smallestShown(counts, hidden, true);
            }
            if (next < 0) {
                return hidden;
            }
            hidden[next] = true;
        }
        return hidden;
    }

    /**
     * Safe when nothing is hidden, or when two or more cells are, adding up to at least the threshold, and the reader's
     * lower bound for each (1, or 0 once a zero is among them) leaves each more than one value.
     */
    private boolean safe(List<Integer> counts, boolean[] hidden) {
        int cells = count(hidden);
        if (cells == 0) {
            return true;
        }
        boolean zeroHidden = false;
        for (int i = 0; i < counts.size(); i++) {
            zeroHidden |= hidden[i] && counts.get(i) == 0;
        }
        int sum = hiddenSum(counts, hidden);
        return cells >= 2 && sum >= threshold && (zeroHidden || sum > cells);
    }

    private static int hiddenSum(List<Integer> counts, boolean[] hidden) {
        int sum = 0;
        for (int i = 0; i < counts.size(); i++) {
            sum += hidden[i] ? counts.get(i) : 0;
        }
        return sum;
    }

    private static int count(boolean[] hidden) {
        int n = 0;
        for (boolean h : hidden) {
            n += h ? 1 : 0;
        }
        return n;
    }

    /** The shown cell with the smallest count, zero ({@code zero} true) or non-zero; -1 if none. */
    private static int smallestShown(List<Integer> counts, boolean[] hidden, boolean zero) {
        int smallest = -1;
        for (int i = 0; i < counts.size(); i++) {
            int c = counts.get(i);
            if (!hidden[i] && (c == 0) == zero && (smallest < 0 || c < counts.get(smallest))) {
                smallest = i;
            }
        }
        return smallest;
    }

    private static void hide(boolean[] hidden, int index) {
        if (index >= 0) {
            hidden[index] = true;
        }
    }

    /** A share in whole per cent, hidden when either count is. */
    String percent(int part, int whole) {
        if (whole == 0) {
            return "-";
        }
        if (hides(part) || hides(whole)) {
            return MARK;
        }
        return Math.round(part * 100f / whole) + "%";
    }
}
