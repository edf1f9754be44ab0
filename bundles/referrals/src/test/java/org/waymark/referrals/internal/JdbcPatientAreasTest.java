package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

class JdbcPatientAreasTest {
    private static final Caller GP_ISLINGTON = new Caller("gp-islington", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("islington"), false);

    @Test
    void aPersonBelongsToTheAreasOfTheirReferralsAndAMergedIdToThoseOfTheRecordItWentInto() throws Exception {
        CaseFixture fixture = new CaseFixture();
        String sheffield = fixture.received("R1", "9990010005").patientId();
        String islington = fixture.referrals.receive(GP_ISLINGTON, new NewReferral("https://gp.example/ref", "I1",
                Subject.described(NhsNumber.parse("9990010374").orElseThrow(),
                        new Demographics("Okafor", "Ben", LocalDate.of(1961, 2, 3), "male", "N1 1AA")),
                "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr Y", "Lives alone",
                "application/fhir+json", "{}")).referral().patientId();
        // Merged twice: "older" went into "gone", which went into the Sheffield record.
        merged(fixture, "gone", sheffield);
        merged(fixture, "older", "gone");
        JdbcPatientAreas areas = new JdbcPatientAreas(fixture.db);

        assertThat(areas.referralAreas()).containsExactly("islington", "sheffield");
        assertThat(areas.withReferralIn(Set.of("sheffield"), List.of(sheffield, islington, "gone", "older", "nobody")))
                .containsExactlyInAnyOrder(sheffield, "gone", "older");
        assertThat(areas.withReferralIn(Set.of("islington", "elsewhere"), List.of(sheffield, islington, "older")))
                .containsExactly(islington);
        assertThat(areas.withReferralIn(Set.of(), List.of(sheffield))).isEmpty();
    }

    @Test
    void aQuestionLongerThanOneStatementTakesIsAnsweredWhole() throws Exception {
        CaseFixture fixture = new CaseFixture();
        String sheffield = fixture.received("R1", "9990010005").patientId();
        List<String> asked = new java.util.ArrayList<>();
        for (int i = 0; i < 2 * JdbcPatientAreas.CHUNK + 1; i++) {
            asked.add("unknown-" + i);
        }
        asked.add(sheffield);

        assertThat(new JdbcPatientAreas(fixture.db).withReferralIn(Set.of("sheffield"), asked)).containsExactly(sheffield);
    }

    private static void merged(CaseFixture fixture, String from, String into) throws Exception {
        try (Connection c = fixture.db.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO wm_patient_merge"
                + " (id, from_patient_id, into_patient_id, referrals_moved, reason, merged_by, merged_at) VALUES (?,?,?,0,'test','sam',?)")) {
            s.setString(1, "m-" + from);
            s.setString(2, from);
            s.setString(3, into);
            s.setTimestamp(4, Timestamp.from(Instant.now()));
            s.executeUpdate();
        }
    }
}
