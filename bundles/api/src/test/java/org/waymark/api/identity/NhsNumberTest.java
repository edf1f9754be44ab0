package org.waymark.api.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NhsNumberTest {

    @Test
    void numberWithValidCheckDigitIsVerified() {
        assertThat(NhsNumber.parse("9990010005")).hasValueSatisfying(n -> assertThat(n.verified()).isTrue());
        assertThat(NhsNumber.parse("943 476 5919")).hasValueSatisfying(n -> {
            assertThat(n.value()).isEqualTo("9434765919");
            assertThat(n.verified()).isTrue();
        });
    }

    @Test
    void numberFailingCheckDigitIsKeptButUnverified() {
        assertThat(NhsNumber.parse("9990010006")).hasValueSatisfying(n -> {
            assertThat(n.value()).isEqualTo("9990010006");
            assertThat(n.verified()).isFalse();
        });
    }

    @Test
    void checkDigitOfTenIsNeverValid() {
        // 123456789 weighs to a remainder of 1, giving check digit 10: no valid number starts with these nine digits.
        for (int last = 0; last <= 9; last++) {
            assertThat(NhsNumber.checkDigitHolds("123456789" + last)).isFalse();
        }
    }

    @Test
    void anythingButTenDigitsIsRefused() {
        assertThat(NhsNumber.parse("999001000")).isEmpty();
        assertThat(NhsNumber.parse("99900100055")).isEmpty();
        assertThat(NhsNumber.parse("99900I0005")).isEmpty();
        assertThat(NhsNumber.parse(null)).isEmpty();
        assertThatThrownBy(() -> new NhsNumber("12", true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringNeverShowsTheWholeNumber() {
        assertThat(NhsNumber.parse("9990010005").orElseThrow().toString()).doesNotContain("9990010005").contains("0005");
    }
}
