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
}
