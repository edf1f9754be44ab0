package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.ReferralFlag;

class FlagsAndConsentTest {
    private static Fhir fhir;

    @BeforeAll
    static void createContext() {
        fhir = new Fhir();
    }

    static String flag(String status, String category, String text) {
        return """
                {"resourceType":"Flag",%s"category":[{"coding":[{"system":"https://fhir.nhs.uk/CodeSystem/flag-categories-bars",
                  "code":"%s","display":"Category %s"}]}],
                 "code":{"coding":[{"system":"https://example.org/flags","code":"c-%s"}],"text":"%s"},
                 "subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"},
                 "period":{"start":"2025-01-01T00:00:00Z"}}""".formatted(status == null ? "" : "\"status\":\"" + status + "\",",
                category, category, category, text);
    }

    static final String CONSENT = """
            {"resourceType":"Consent","status":"active","scope":{"coding":[{"code":"patient-privacy"}]},
             "category":[{"coding":[{"system":"https://fhir.nhs.uk/CodeSystem/consent-categories-bars","code":"DRC",
               "display":"Direct Care"}]}],
             "patient":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"},"dateTime":"2025-11-26",
             "policyRule":{"coding":[{"code":"IMPLIED"}]}}""";

    private static List<Resource> resources(String... json) {
        String entries = String.join(",", Arrays.stream(json).map(r -> "{\"resource\":" + r + "}").toList());
        return fhir.parse(FhirFormat.JSON, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + entries + "]}",
                Bundle.class).getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
    }

    @Test
    void flagsInForceAreKeptAndThoseThatNoLongerApplyAreLeftOut() {
        List<ReferralFlag> flags = FlagsAndConsent.flags(resources(flag("active", "SG", "Lives with a violent partner"),
                flag("inactive", "RA", "Needed a ramp"), flag("entered-in-error", "RA", "Wrong person"),
                flag(null, "RA", "Needs an interpreter"), CONSENT));
        assertThat(flags).extracting(ReferralFlag::category, ReferralFlag::text)
                .containsExactly(tuple("SG", "Lives with a violent partner"),
                        tuple("RA", "Needs an interpreter"));
        assertThat(flags.get(0).safeguarding()).isTrue();
        assertThat(flags.get(0).categoryText()).isEqualTo("Category SG");
        assertThat(flags.get(0).code()).isEqualTo("https://example.org/flags|c-SG");
        assertThat(flags.get(0).start()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(flags.get(0).end()).isNull();
    }

    @Test
    void onlyTheFirstConsentCounts() {
        List<Resource> sent = resources(CONSENT, CONSENT.replace("\"DRC\"", "\"OTHER\""));
        assertThat(FlagsAndConsent.consent(sent)).satisfies(c -> {
            assertThat(c.category()).isEqualTo("DRC");
            assertThat(c.categoryText()).isEqualTo("Direct Care");
            assertThat(c.basis()).isEqualTo("IMPLIED");
            assertThat(c.status()).isEqualTo("active");
            assertThat(c.recordedOn()).isEqualTo(LocalDate.of(2025, 11, 26));
        });
        assertThat(FlagsAndConsent.kept(sent)).containsExactly(sent.get(0));
        assertThat(FlagsAndConsent.consent(resources(flag("active", "SG", "x")))).isNull();
    }

    @Test
    void longTextsAreClipped() {
        assertThat(FlagsAndConsent.flags(resources(flag("active", "RA", "x".repeat(5000)))).get(0).text()).hasSize(300);
    }

    @Test
    void aPatientIsTheSameWhenNamedTheSameWay() {
        Reference urn = new Reference("urn:uuid:1");
        Reference nhs = new Reference().setIdentifier(new Identifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9990000018"));
        assertThat(FlagsAndConsent.samePatient(urn, new Reference("urn:uuid:1"))).isTrue();
        assertThat(FlagsAndConsent.samePatient(urn, new Reference("urn:uuid:2"))).isFalse();
        assertThat(FlagsAndConsent.samePatient(nhs, nhs.copy())).isTrue();
        assertThat(FlagsAndConsent.samePatient(urn, nhs)).isFalse();
        assertThat(FlagsAndConsent.samePatient(new Reference("#p1"), new Reference("#p1"))).as("each resource's own contained").isFalse();
        assertThat(FlagsAndConsent.namesAnotherPatient(urn, new Reference("urn:uuid:2"))).isTrue();
        assertThat(FlagsAndConsent.namesAnotherPatient(urn, nhs)).as("named differently: cannot tell").isFalse();
        assertThat(FlagsAndConsent.namesAnotherPatient(new Reference(), urn)).isFalse();
    }
}
