package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.intake.IntakeValidator;
import org.waymark.api.intake.IntakeValidator.Finding;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Subject;
import org.waymark.api.triage.TriageFacts;

/** An area's intake validators refuse with their own words, warn, and never stop intake when broken. */
class IntakeChecksTest {
    private static final Clock DAY = Clock.fixed(Instant.parse("2026-06-01T09:00:00Z"), ZoneOffset.UTC);
    private static final NewReferral AGED_40 = new NewReferral("https://gp.example/ref", "R1",
            Subject.described(null, new Demographics("Mills", "Jo", LocalDate.of(1986, 1, 1), "male", "N1 9GU")),
            "Low mood", null, "routine", null, "Dr X", null, "application/fhir+json", "{}");

    private static IntakeValidator validator(String id, java.util.function.Function<TriageFacts, List<Finding>> validate) {
        return new IntakeValidator() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<Finding> validate(TriageFacts referral) {
                return validate.apply(referral);
            }
        };
    }

    @Test
    void anErrorRefusesTheReferralInTheValidatorsWords() {
        IntakeChecks checks = new IntakeChecks(new ListedPlugins().with(validator("age", f -> f.age() > 25
                ? List.of(new Finding(Finding.Severity.ERROR, "This pathway is for people aged 16 to 25")) : List.of()),
                "islington.plugin", "islington"), DAY);
        assertThatThrownBy(() -> checks.check("islington", AGED_40))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("aged 16 to 25");
        assertThat(checks.check("sheffield", AGED_40)).as("another area's validator does not apply").isEmpty();
    }

    @Test
    void warningsGoBackAndABrokenValidatorIsSkipped() {
        IntakeChecks checks = new IntakeChecks(new ListedPlugins()
                .with(validator("broken", f -> {
                    throw new IllegalStateException("bug");
                }), "broken.plugin", null)
                .with(validator("postcode", f -> List.of(new Finding(Finding.Severity.WARNING, "Postcode " + f.postcode()
                        + " is outside the area"))), "p", "islington"), DAY);
        assertThat(checks.check("islington", AGED_40)).containsExactly("Postcode N1 9GU is outside the area");
    }
}
