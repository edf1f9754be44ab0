package org.waymark.referrals.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * NHS small-number suppression for published counts: a count from 1 to {@code threshold - 1} is shown as {@code *},
 * and where a column holds exactly one suppressed count, the next smallest count of that column is suppressed too,
 * so the hidden one cannot be worked out from the column's total. Zeros are shown (they disclose nobody).
 */
final class SmallNumbers {
    static final String SUPPRESSED = "*";

    private SmallNumbers() {
    }

    /** The table as text, suppressed; rows are lists of counts of equal length. */
    static List<List<String>> suppress(List<List<Long>> rows, int threshold) {
        int columns = rows.isEmpty() ? 0 : rows.get(0).size();
        boolean[][] hidden = new boolean[rows.size()][columns];
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns; c++) {
                long count = rows.get(r).get(c);
                hidden[r][c] = count > 0 && count < threshold;
            }
        }
        for (int c = 0; c < columns; c++) {
            int suppressedInColumn = 0;
            for (boolean[] row : hidden) {
                suppressedInColumn += row[c] ? 1 : 0;
            }
            if (suppressedInColumn == 1) {
                int smallest = -1;
                for (int r = 0; r < rows.size(); r++) {
                    long count = rows.get(r).get(c);
                    if (!hidden[r][c] && count > 0 && (smallest < 0 || count < rows.get(smallest).get(c))) {
                        smallest = r;
                    }
                }
                if (smallest >= 0) {
                    hidden[smallest][c] = true;
                }
            }
        }
        List<List<String>> shown = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                row.add(hidden[r][c] ? SUPPRESSED : Long.toString(rows.get(r).get(c)));
            }
            shown.add(row);
        }
        return shown;
    }
}
