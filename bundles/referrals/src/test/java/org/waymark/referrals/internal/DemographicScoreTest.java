package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.Demographics;

class DemographicScoreTest {
    private static final Demographics KNOWN = new Demographics("Holloway", "Margaret", LocalDate.of(1944, 3, 2), "female", "S10 2TN");

    private static DemographicScore.Score against(Demographics incoming) {
        return DemographicScore.score(incoming, KNOWN);
    }

    @Test
    void everythingAgreeingLinksEvenWrittenDifferently() {
        DemographicScore.Score score = against(new Demographics("HOLLOWAY ", "margaret", LocalDate.of(1944, 3, 2), "female", "s102tn"));
        assertThat(score.points()).isEqualTo(100);
        assertThat(score.links()).isTrue();
        assertThat(score.detail()).contains("family same", "given same", "birth date same", "postcode same")
                .doesNotContain("Holloway", "1944");
    }

    @Test
    void nameBirthDateAndGenderAreEnoughWithoutAPostcode() {
        DemographicScore.Score score = against(new Demographics("Holloway", "Margaret", LocalDate.of(1944, 3, 2), "female", null));
        assertThat(score.points()).isEqualTo(DemographicScore.LINK_THRESHOLD);
        assertThat(score.links()).isTrue();
    }

    /**
     * Found probing: name, birth date and gender with a postcode in another city reached the link threshold exactly,
     * and the referral was linked unasked to another person of that name (whose details its GP could then read).
     */
    @Test
    void aPostcodeElsewhereSendsAnOtherwiseFullMatchToReviewInsteadOfLinkingIt() {
        DemographicScore.Score elsewhere = against(new Demographics("Holloway", "Margaret", LocalDate.of(1944, 3, 2), "female", "LS6 1AN"));
        assertThat(elsewhere.points()).as("a move still costs no points").isEqualTo(DemographicScore.LINK_THRESHOLD);
        assertThat(elsewhere.detail()).contains("postcode different");
        assertThat(elsewhere.links()).isFalse();
        assertThat(elsewhere.doubtful()).isTrue();
        DemographicScore.Score sameDistrict = against(new Demographics("Holloway", "Margaret", LocalDate.of(1944, 3, 2), "female", "S10 5QQ"));
        assertThat(sameDistrict.links()).as("a move within the district links as before").isTrue();
    }

    @Test
    void accentsHyphensAndTyposInNamesStillCountAsSimilar() {
        DemographicScore.Score typo = against(new Demographics("Holloway", "Margret", LocalDate.of(1944, 3, 2), "female", "S10 2TN"));
        assertThat(typo.detail()).contains("given similar");
        assertThat(typo.links()).as("95 points").isTrue();
        assertThat(DemographicScore.score(new Demographics("Åsa-Lee", null, null, null, null),
                new Demographics("asalee", null, null, null, null)).detail()).contains("family same");
        assertThat(DemographicScore.distance("holloway", "hollowya")).isEqualTo(1);
    }

    @Test
    void aDifferentGivenNameMakesItDoubtful() {
        DemographicScore.Score score = against(new Demographics("Holloway", "Susan", LocalDate.of(1944, 3, 2), "female", "S10 2TN"));
        assertThat(score.links()).isFalse();
        assertThat(score.doubtful()).isTrue();
    }

    @Test
    void aMistypedBirthDateNeverLinksUnasked() {
        DemographicScore.Score swapped = against(new Demographics("Holloway", "Margaret", LocalDate.of(1944, 2, 3), "female", "S10 2TN"));
        assertThat(swapped.detail()).contains("birth date close");
        assertThat(swapped.links()).isFalse();
        assertThat(swapped.doubtful()).isTrue();
    }

    @Test
    void anotherPersonWithTheSameBirthDateIsNoMatch() {
        DemographicScore.Score score = against(new Demographics("Ashworth", "Derek", LocalDate.of(1944, 3, 2), "male", "S6 3AB"));
        assertThat(score.points()).isLessThan(DemographicScore.REVIEW_THRESHOLD);
        assertThat(score.links()).isFalse();
        assertThat(score.doubtful()).isFalse();
    }

    @Test
    void missingFieldsNeitherHelpNorHurt() {
        DemographicScore.Score score = against(new Demographics("Holloway", null, null, null, null));
        assertThat(score.points()).isEqualTo(30);
        assertThat(score.detail()).contains("given unknown", "birth date unknown", "gender unknown", "postcode unknown");
        assertThat(DemographicScore.score(new Demographics("x", "y", null, "unknown", null), KNOWN).detail()).contains("gender unknown");
    }

    @Test
    void theSamePostcodeDistrictCountsAlittle() {
        int sameDistrict = against(new Demographics(null, null, null, null, "S10 9ZZ")).points();
        int otherCity = against(new Demographics(null, null, null, null, "N7 6PA")).points();
        assertThat(sameDistrict).isEqualTo(7);
        assertThat(otherCity).isZero();
    }

    private static Demographics bornIn(String given, LocalDate date, Demographics.BirthDatePrecision precision) {
        return new Demographics("Holloway", given, date, "female", "S10 2TN", precision);
    }

    @Test
    void aYearOnlyBirthDateIsNeverTheSameBirthDateSoItCannotLinkUnasked() {
        // Found probing: "1965" was stored as 1965-01-01 and auto-linked to a person born on that day.
        Demographics newYearsDay = new Demographics("Holloway", "Margaret", LocalDate.of(1944, 1, 1), "female", "S10 2TN");
        DemographicScore.Score score = DemographicScore.score(
                bornIn("Margaret", LocalDate.of(1944, 1, 1), Demographics.BirthDatePrecision.YEAR), newYearsDay);
        assertThat(score.detail()).contains("birth year same").doesNotContain("birth date same");
        assertThat(score.links()).isFalse();
        assertThat(score.doubtful()).as("everything else agrees: a person decides").isTrue();
        assertThat(against(bornIn("Margaret", LocalDate.of(1944, 1, 1), Demographics.BirthDatePrecision.YEAR)).doubtful()).isTrue();
    }

    @Test
    void aMonthOnlyBirthDateAgreeingCountsMoreThanAYearButStillDoesNotLink() {
        DemographicScore.Score month = against(bornIn("Margaret", LocalDate.of(1944, 3, 1), Demographics.BirthDatePrecision.MONTH));
        DemographicScore.Score year = against(bornIn("Margaret", LocalDate.of(1944, 1, 1), Demographics.BirthDatePrecision.YEAR));
        assertThat(month.detail()).contains("birth month same");
        assertThat(month.points()).isGreaterThan(year.points());
        assertThat(month.links()).isFalse();
        assertThat(against(bornIn("Margaret", LocalDate.of(1944, 7, 1), Demographics.BirthDatePrecision.MONTH)).detail())
                .contains("birth month different");
    }

    @Test
    void aPartialBirthDateOfAnotherYearCountsAgainst() {
        DemographicScore.Score other = against(bornIn("Margaret", LocalDate.of(1945, 1, 1), Demographics.BirthDatePrecision.YEAR));
        DemographicScore.Score unknown = against(new Demographics("Holloway", "Margaret", null, "female", "S10 2TN"));
        assertThat(other.detail()).contains("birth date different");
        assertThat(other.points()).isEqualTo(unknown.points() - 25);
    }

    @Test
    void theFirstGivenNamesAreComparedSoAMiddleNameLeftOutStillAgrees() {
        Demographics robert = new Demographics("Movedhouse", "Robert Anselm", LocalDate.of(1950, 6, 6), "male", "S9 9ZZ");
        assertThat(DemographicScore.score(new Demographics("Movedhouse", "Robert", LocalDate.of(1950, 6, 6), "male", "S9 9ZZ"), robert)
                .detail()).contains("given same");
        assertThat(DemographicScore.score(new Demographics("Movedhouse", "Anselm", LocalDate.of(1950, 6, 6), "male", "S9 9ZZ"), robert)
                .detail()).as("known by a middle name").contains("given similar");
        assertThat(DemographicScore.score(new Demographics("Movedhouse", "Peter Anthony", LocalDate.of(1950, 6, 6), "male", "S9 9ZZ"), robert)
                .detail()).contains("given different");
    }
}
