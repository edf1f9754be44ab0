package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuppressionTest {
    private final Suppression suppression = new Suppression(5);

    @Test
    void countsBelowTheThresholdAreHiddenButZeroIsShown() {
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
    void twoHiddenCountsNeedNoMore() {
        assertThat(suppression.column(List.of(20, 3, 2, 8))).containsExactly("20", "*", "*", "8");
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
