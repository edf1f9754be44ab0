package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;

class FlagAndConsentResponsesTest {
    private static final String PATIENT_URL = "urn:uuid:11111111-1111-4111-8111-111111111111";
    private static Fhir fhir;
    private static TransactionBundle transaction;

    @BeforeAll
    static void readTransaction() {
        fhir = new Fhir();
        String entries = entry("urn:uuid:f1", "Flag", FlagsAndConsentTest.flag("active", "SG", "Concern"))
                + entry("urn:uuid:f2", "Flag", FlagsAndConsentTest.flag("entered-in-error", "RA", "Wrong person"))
                + entry("urn:uuid:c1", "Consent", FlagsAndConsentTest.CONSENT)
                + entry("urn:uuid:c2", "Consent", FlagsAndConsentTest.CONSENT);
        String json = TransactionBundleTest.transaction("""
                {"method":"POST","url":"Patient"}""", PATIENT_URL, entries);
        transaction = new TransactionBundle(fhir.parse(FhirFormat.JSON, json, Bundle.class), fhir, parts -> "source",
                "application/fhir+json");
    }

    private static String entry(String fullUrl, String type, String resource) {
        return ",{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}}";
    }

    private static Intake intake(boolean created) {
        Referral stored = new Referral("r1", "t1", "p1", null, null, "gp", "sheffield", "s", "v", ReferralStatus.REQUESTED,
                null, null, null, null, null, null, null, null, 1, Instant.EPOCH, Instant.EPOCH);
        return new Intake(stored, created, List.of());
    }

    private static Bundle.BundleEntryResponseComponent response(int sentPosition, boolean created) {
        return FlagAndConsentResponses.entry(transaction.flagsAndConsents().get(sentPosition), transaction.referrals(),
                List.of(intake(created))).getResponse();
    }

    @Test
    void aKeptFlagIsCreatedWithTheReferralItWentWith() {
        Bundle.BundleEntryResponseComponent kept = response(0, true);
        assertThat(kept.getStatus()).isEqualTo("201 Created");
        assertThat(kept.hasLocation()).as("no Flag resource to read back").isFalse();
        assertThat(diagnostics(kept))
                .contains("Kept with the referral ServiceRequest/r1");
        assertThat(response(2, true).getStatus()).as("the first Consent").isEqualTo("201 Created");
    }

    @Test
    void whatTheReferralDidNotKeepOrHadAlreadyIsAnsweredOkWithTheReason() {
        assertThat(diagnostics(response(0, false))).contains("ServiceRequest/r1 was already received");
        assertThat(response(0, false).getStatus()).isEqualTo("200 OK");
        assertThat(diagnostics(response(1, true))).contains("Not kept", "entered in error");
        assertThat(response(1, true).getStatus()).isEqualTo("200 OK");
        assertThat(diagnostics(response(3, true))).contains("Not kept", "first Consent");
    }

    private static String diagnostics(Bundle.BundleEntryResponseComponent response) {
        return ((OperationOutcome) response.getOutcome()).getIssueFirstRep().getDiagnostics();
    }
}
