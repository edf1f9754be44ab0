package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuppressionTest {
    private final Suppression suppression = new Suppression(5);

    @Test
    void countsBelowTheThresholdAreHiddenButZeroIsShownOnItsOwn() {
        assertThat(suppression.cell(0)).isEqualTo("0");
        assertThat(suppression.cell(1)).isEqualTo("*");
        assertThat(suppression.cell(4)).isEqualTo("*");
        assertThat(suppression.cell(5)).isEqualTo("5");
    }

    @Test
    void aSingleHiddenCountTakesTheNextSmallestWithItSoTheTotalGivesNothingAway() {
        // Total 31 would reveal the 3 from 20 and 8.
        assertThat(suppression.column(List.of(20, 3, 8))).containsExactly("20", "*", "*");
        // Zeros are not hidden and are not the "next smallest".
        assertThat(suppression.column(List.of(0, 3, 12, 9))).containsExactly("0", "*", "12", "*");
    }

    @Test
    void twoHiddenCountsAddingUpToTheThresholdNeedNoMore() {
        assertThat(suppression.column(List.of(20, 3, 2, 8))).containsExactly("20", "*", "*", "8");
        assertThat(suppression.column(List.of(4, 4, 9))).containsExactly("*", "*", "9");
    }

    @Test
    void twoHiddenOnesAreNotLeftToBeWorkedOutFromTheTotal() {
        // Found probing: total 7, "35-49 *", "65-74 *", "75+ 5" and zeros: the two hidden cells added up to 2, so each was 1.
        assertThat(suppression.column(List.of(0, 0, 1, 0, 1, 5))).containsExactly("0", "0", "*", "0", "*", "*");
        // Hidden cells adding up to 4 are hidden with the next smallest, and the next, until they reach the threshold.
        assertThat(suppression.column(List.of(2, 2, 6, 7))).containsExactly("*", "*", "*", "7");
        assertThat(suppression.column(List.of(1, 1, 1, 40, 9))).containsExactly("*", "*", "*", "40", "*");
    }

    @Test
    void hiddenOnesWithNothingElseToHideTakeAZeroWithThem() {
        // Five ones add up to the total 5: each would be exactly 1, unless a * may be a zero too.
        assertThat(suppression.column(List.of(1, 1, 1, 1, 1, 0))).containsExactly("*", "*", "*", "*", "*", "*");
        // A zero protects as well as the 50 would, and hides less.
        assertThat(suppression.column(List.of(1, 1, 1, 1, 1, 0, 50))).containsExactly("*", "*", "*", "*", "*", "*", "50");
        assertThat(suppression.needsTotalWithheld(List.of(1, 1, 1, 1, 1, 0))).isFalse();
    }

    @Test
    void onlyWithholdingTheTotalProtectsAColumnOfOnes() {
        assertThat(suppression.needsTotalWithheld(List.of(1, 1, 1, 1, 1))).isTrue();
        assertThat(suppression.needsTotalWithheld(List.of(1, 1, 1, 1, 2))).isFalse();
        assertThat(suppression.needsTotalWithheld(List.of(1, 1, 1))).as("the total, 3, is hidden already").isFalse();
        assertThat(suppression.column(List.of(1, 1, 1, 1, 1), false)).containsOnly("*");
    }

    @Test
    void aColumnUnderAWithheldTotalDoesNotShowItByShowingEveryCell() {
        assertThat(suppression.column(List.of(6, 0, 9), false)).containsExactly("*", "0", "9");
        assertThat(suppression.column(List.of(6, 2, 9), false)).containsExactly("6", "*", "9");
    }

    /** Every column of up to five cells of 0 to 7: no hidden count can be worked out from a shown total and the shown cells. */
    @Test
    void noHiddenCountFollowsFromAShownTotal() {
        for (List<Integer> counts : columns(5, 7)) {
            int total = counts.stream().mapToInt(Integer::intValue).sum();
            if (suppression.hides(total) || suppression.needsTotalWithheld(counts)) {
                continue;
            }
            List<String> shown = suppression.column(counts);
            int hiddenSum = 0;
            int hiddenCells = 0;
            boolean zeroHidden = false;
            for (int i = 0; i < counts.size(); i++) {
                if (shown.get(i).equals(Suppression.MARK)) {
                    hiddenSum += counts.get(i);
                    hiddenCells++;
                    zeroHidden |= counts.get(i) == 0;
                } else {
                    assertThat(shown.get(i)).isEqualTo(counts.get(i).toString());
                    assertThat(suppression.hides(counts.get(i))).as(counts.toString()).isFalse();
                }
            }
            if (hiddenCells > 0) {
                // What a reader knows: the hidden cells' sum, and that each is at least 1 (or 0, were a zero among them).
                int least = zeroHidden ? 0 : 1;
                assertThat(hiddenCells).as(counts + " shown as " + shown).isGreaterThanOrEqualTo(2);
                assertThat(hiddenSum).as(counts + " shown as " + shown).isGreaterThanOrEqualTo(5)
                        .isGreaterThan(least * hiddenCells);
            }
        }
    }

    private static List<List<Integer>> columns(int cells, int max) {
        List<List<Integer>> all = new java.util.ArrayList<>();
        all.add(List.of());
        for (int n = 1; n <= cells; n++) {
            List<List<Integer>> longer = new java.util.ArrayList<>();
            for (List<Integer> column : all) {
                if (column.size() == n - 1) {
                    for (int v = 0; v <= max; v++) {
                        List<Integer> next = new java.util.ArrayList<>(column);
                        next.add(v);
                        longer.add(next);
                    }
                }
            }
            all.addAll(longer);
        }
        return all.stream().filter(c -> !c.isEmpty()).toList();
    }

    @Test
    void nothingHiddenNothingChanged() {
        assertThat(suppression.column(List.of(20, 0, 8))).containsExactly("20", "0", "8");
    }

    @Test
    void aHiddenTotalHidesItsPartsAlready() {
        // The total (4) is itself hidden, so the one small count cannot be worked out.
        assertThat(suppression.column(List.of(0, 4))).containsExactly("0", "*");
    }

    @Test
    void percentagesOfHiddenCountsAreHidden() {
        assertThat(suppression.percent(3, 20)).isEqualTo("*");
        assertThat(suppression.percent(15, 20)).isEqualTo("75%");
        assertThat(suppression.percent(0, 0)).isEqualTo("-");
    }
}
