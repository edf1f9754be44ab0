package org.waymark.digitalskills.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Small-number suppression as NHS statistics practise it: a count from 1 to {@code threshold - 1} is shown as
 * {@code *} (primary suppression), and where a column of counts adds up to a total that is shown, a single suppressed
 * cell would follow from the total and the others, so the next smallest count is suppressed too (secondary
 * suppression). Zero is shown: it tells nothing about anyone.
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
        boolean[] hidden = new boolean[counts.size()];
        int hiddenCount = 0;
        for (int i = 0; i < counts.size(); i++) {
            if (hides(counts.get(i))) {
                hidden[i] = true;
                hiddenCount++;
            }
        }
        int total = counts.stream().mapToInt(Integer::intValue).sum();
        if (hiddenCount == 1 && !hides(total)) {
            // The total and the others would give the hidden count away: hide the smallest other non-zero count too.
            int smallest = -1;
            for (int i = 0; i < counts.size(); i++) {
                if (!hidden[i] && counts.get(i) > 0 && (smallest < 0 || counts.get(i) < counts.get(smallest))) {
                    smallest = i;
                }
            }
            if (smallest >= 0) {
                hidden[smallest] = true;
            }
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < counts.size(); i++) {
            shown.add(hidden[i] ? MARK : Integer.toString(counts.get(i)));
        }
        return shown;
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
