package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PlausibleDatesTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 6);

    @Test
    void aBirthDateIsNeitherAheadNorOlderThanAnyoneLiving() {
        assertThatCode(() -> PlausibleDates.requireBirthDate(TODAY, TODAY, "birthDate")).doesNotThrowAnyException();
        assertThatCode(() -> PlausibleDates.requireBirthDate(LocalDate.of(1901, 12, 6), TODAY, "birthDate")).doesNotThrowAnyException();
        assertThatCode(() -> PlausibleDates.requireBirthDate(null, TODAY, "birthDate")).doesNotThrowAnyException();
        assertThatThrownBy(() -> PlausibleDates.requireBirthDate(LocalDate.of(1901, 12, 5), TODAY, "birthDate"))
                .hasMessage("birthDate is more than 125 years ago");
        assertThatThrownBy(() -> PlausibleDates.requireBirthDate(LocalDate.of(1850, 1, 1), TODAY, "The birth date"))
                .hasMessage("The birth date is more than 125 years ago");
        assertThatThrownBy(() -> PlausibleDates.requireBirthDate(TODAY.plusDays(1), TODAY, "birthDate"))
                .hasMessage("birthDate is in the future");
    }
}
