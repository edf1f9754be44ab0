package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SmallNumbersTest {
    @Test
    void countsBelowTheThresholdAreHiddenAndZerosShown() {
        assertThat(SmallNumbers.suppress(List.of(List.of(12L, 0L), List.of(3L, 7L), List.of(4L, 9L)), 5))
                .containsExactly(List.of("12", "0"), List.of("*", "7"), List.of("*", "9"));
    }

    @Test
    void aLoneSuppressedCountTakesTheNextSmallestOfItsColumnWithIt() {
        // With only the 2 hidden, the column total (2 + 8 + 30) would give it away.
        assertThat(SmallNumbers.suppress(List.of(List.of(2L), List.of(30L), List.of(8L)), 5))
                .containsExactly(List.of("*"), List.of("30"), List.of("*"));
    }

    @Test
    void nothingToHideLeavesTheTableAsItIs() {
        assertThat(SmallNumbers.suppress(List.of(List.of(5L, 6L)), 5)).containsExactly(List.of("5", "6"));
        assertThat(SmallNumbers.suppress(List.of(), 5)).isEmpty();
    }
}
