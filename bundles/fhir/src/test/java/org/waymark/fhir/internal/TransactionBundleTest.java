package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.ReferralFlag;

class TransactionBundleTest {
    private static Fhir fhir;

    @BeforeAll
    static void createContext() {
        fhir = new Fhir();
    }

    static String transaction(String patientRequest, String serviceRequestSubject, String extraEntry) {
        return """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111",
                  "resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}],
                    "name":[{"family":"Trans","given":["Ada"]}],"birthDate":"1960-05-06","gender":"female",
                    "address":[{"postalCode":"S1 4GH"}]},
                  "request":%s},
                 {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222",
                  "resource":{"resourceType":"ServiceRequest","status":"active","intent":"order",
                    "identifier":[{"system":"https://gp.example/referrals","value":"TX-1"}],
                    "subject":{"reference":"%s"},"reasonCode":[{"text":"Isolated"}]},
                  "request":{"method":"POST","url":"ServiceRequest"}}%s]}
                """.formatted(patientRequest, serviceRequestSubject, extraEntry);
    }

    private static TransactionBundle read(String json) {
        // Parsing is part of reading: the strict parser refuses some things (a dangling #reference) before we see them.
        return new TransactionBundle(fhir.parse(FhirFormat.JSON, json, Bundle.class), fhir, sr -> "source", "application/fhir+json");
    }

    private static final String CONDITIONAL = """
            {"method":"POST","url":"Patient","ifNoneExist":"identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018"}""";

    @Test
    void patientAndItsReferralShareOneSubject() {
        TransactionBundle transaction = read(transaction(CONDITIONAL, "urn:uuid:11111111-1111-4111-8111-111111111111", ""));
        assertThat(transaction.patients()).singleElement().satisfies(p -> {
            assertThat(p.index()).isZero();
            assertThat(p.subject().key()).isEqualTo("urn:uuid:11111111-1111-4111-8111-111111111111");
            assertThat(p.subject().nhsNumber().verified()).isTrue();
            assertThat(p.subject().demographics().family()).isEqualTo("Trans");
        });
        assertThat(transaction.referrals()).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.referral().subject().key()).isEqualTo("urn:uuid:11111111-1111-4111-8111-111111111111");
            assertThat(r.referral().identifierValue()).isEqualTo("TX-1");
            assertThat(r.referral().sourceDocument()).isEqualTo("source");
        });
    }

    @Test
    void urlEncodedConditionsAreUnderstood() {
        String encoded = """
                {"method":"POST","url":"Patient","ifNoneExist":"identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9990000018"}""";
        assertThat(read(transaction(encoded, "urn:uuid:11111111-1111-4111-8111-111111111111", "")).patients()).hasSize(1);
    }

    @Test
    void whatWaymarkDoesNotSupportIsRefusedClearly() {
        String subject = "urn:uuid:11111111-1111-4111-8111-111111111111";
        assertRefused(transaction("{\"method\":\"PUT\",\"url\":\"Patient/1\"}", subject, ""), WaymarkException.Kind.UNPROCESSABLE, "only POST");
        assertRefused(transaction("{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"family=Trans\"}", subject, ""),
                WaymarkException.Kind.UNPROCESSABLE, "supports only");
        assertRefused(transaction("{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=https://fhir.nhs.uk/Id/nhs-number|9990000026\"}",
                subject, ""), WaymarkException.Kind.INVALID, "another NHS number");
        assertRefused(transaction(CONDITIONAL, "urn:uuid:33333333-3333-4333-8333-333333333333", ""), WaymarkException.Kind.INVALID,
                "refers to nothing");
        assertRefused(transaction(CONDITIONAL, subject, """
                ,{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"}},"request":{"method":"POST","url":"Observation"}}"""),
                WaymarkException.Kind.UNPROCESSABLE, "not Observation");
        assertRefused(transaction(CONDITIONAL, "#nothing", ""), WaymarkException.Kind.INVALID, "invalid reference");
        assertRefused(transaction(CONDITIONAL, subject, "").replace("\"transaction\"", "\"batch\""), WaymarkException.Kind.UNPROCESSABLE,
                "batches");
        assertRefused(transaction(CONDITIONAL, subject, "").replace("\"url\":\"ServiceRequest\"", "\"url\":\"Patient\""),
                WaymarkException.Kind.INVALID, "request.url");
    }

    @Test
    void aPatientWithoutAReferralIsRefused() {
        String json = transaction(CONDITIONAL, "Patient/elsewhere", "");
        assertRefused(json, WaymarkException.Kind.UNPROCESSABLE, "subject of a referral");
    }

    private static final String PATIENT_URL = "urn:uuid:11111111-1111-4111-8111-111111111111";

    /** A Flag or Consent entry (resource JSON as FlagsAndConsentTest writes it, about PATIENT_URL). */
    private static String sentEntry(String fullUrl, String resource) {
        String type = resource.contains("\"resourceType\":\"Flag\"") ? "Flag" : "Consent";
        return ",{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\"" + type + "\"}}";
    }

    @Test
    void flagsAndConsentAboutTheReferralsPatientGoWithItAndAFlagNoLongerInForceIsLeftOut() {
        String json = transaction(CONDITIONAL, PATIENT_URL,
                sentEntry("urn:uuid:f1", FlagsAndConsentTest.flag("active", "SG", "Lives with a violent partner"))
                        + sentEntry("urn:uuid:f2", FlagsAndConsentTest.flag("inactive", "RA", "Needed a ramp"))
                        + sentEntry("urn:uuid:c1", FlagsAndConsentTest.CONSENT));
        List<List<Bundle.BundleEntryComponent>> sources = new ArrayList<>();
        TransactionBundle transaction = new TransactionBundle(fhir.parse(FhirFormat.JSON, json, Bundle.class), fhir,
                parts -> { sources.add(parts); return "source"; }, "application/fhir+json");
        assertThat(transaction.referrals()).singleElement().satisfies(r -> {
            assertThat(r.referral().flags()).extracting(ReferralFlag::category).containsExactly("SG");
            assertThat(r.referral().flags().get(0).text()).isEqualTo("Lives with a violent partner");
            assertThat(r.referral().consent().category()).isEqualTo("DRC");
            assertThat(r.flagsAndConsentKept()).hasSize(2);
        });
        assertThat(transaction.flagsAndConsents()).extracting(TransactionBundle.SentEntry::index).containsExactly(2, 3, 4);
        assertThat(transaction.flagsAndConsents()).allSatisfy(s -> assertThat(s.referrals()).containsExactly(0));
        assertThat(sources).singleElement().satisfies(parts -> assertThat(parts).extracting(Bundle.BundleEntryComponent::getFullUrl)
                .containsExactly(PATIENT_URL, "urn:uuid:22222222-2222-4222-8222-222222222222", "urn:uuid:f1", "urn:uuid:f2", "urn:uuid:c1"));
    }

    @Test
    void aFlagListedInSupportingInfoGoesWithThatReferralOnly() {
        // Two referrals about two people; the second lists a flag that names no subject of its own.
        String second = """
                ,{"fullUrl":"urn:uuid:33333333-3333-4333-8333-333333333333",
                  "resource":{"resourceType":"ServiceRequest","status":"active","intent":"order",
                    "identifier":[{"system":"https://gp.example/referrals","value":"TX-2"}],
                    "subject":{"reference":"Patient/known"},"supportingInfo":[{"reference":"urn:uuid:f9"}]},
                  "request":{"method":"POST","url":"ServiceRequest"}}""";
        String unnamed = FlagsAndConsentTest.flag("active", "RA", "Needs a BSL interpreter")
                .replace("\"subject\":{\"reference\":\"" + PATIENT_URL + "\"},", "");
        TransactionBundle transaction = read(transaction(CONDITIONAL, PATIENT_URL, second + sentEntry("urn:uuid:f9", unnamed)));
        assertThat(transaction.referrals()).hasSize(2);
        assertThat(transaction.referrals().get(0).referral().flags()).isEmpty();
        assertThat(transaction.referrals().get(1).referral().flags()).extracting(ReferralFlag::text).containsExactly("Needs a BSL interpreter");
        assertThat(transaction.flagsAndConsents()).singleElement().satisfies(s -> assertThat(s.referrals()).containsExactly(1));
    }

    @Test
    void aFlagOrConsentThatGoesWithNoReferralIsRefused() {
        assertRefused(transaction(CONDITIONAL, PATIENT_URL, sentEntry("urn:uuid:f1",
                FlagsAndConsentTest.flag("active", "SG", "Concern").replace(PATIENT_URL, "Patient/elsewhere"))),
                WaymarkException.Kind.UNPROCESSABLE, "Entry 2: Waymark keeps a Flag only with a referral");
        assertRefused(transaction(CONDITIONAL, PATIENT_URL, sentEntry("urn:uuid:c1",
                FlagsAndConsentTest.CONSENT.replace(PATIENT_URL, "Patient/elsewhere"))),
                WaymarkException.Kind.UNPROCESSABLE, "Entry 2: Waymark keeps a Consent only with a referral");
        assertRefused(transaction(CONDITIONAL, PATIENT_URL, sentEntry("urn:uuid:f1",
                FlagsAndConsentTest.flag("active", "SG", "Concern").replace(PATIENT_URL, "urn:uuid:99999999-9999-4999-8999-999999999999"))),
                WaymarkException.Kind.INVALID, "refers to nothing");
        String listsAnothersFlag = transaction(CONDITIONAL, PATIENT_URL, sentEntry("urn:uuid:f1",
                FlagsAndConsentTest.flag("active", "SG", "Concern").replace(PATIENT_URL, "Patient/elsewhere")))
                .replace("\"reasonCode\"", "\"supportingInfo\":[{\"reference\":\"urn:uuid:f1\"}],\"reasonCode\"");
        assertRefused(listsAnothersFlag, WaymarkException.Kind.UNPROCESSABLE, "another patient");
        assertRefused(transaction(CONDITIONAL, PATIENT_URL, sentEntry("urn:uuid:f1", FlagsAndConsentTest.flag("active", "SG", "Concern"))
                .replace("\"url\":\"Flag\"", "\"url\":\"Flag\",\"ifNoneExist\":\"identifier=x|1\"")),
                WaymarkException.Kind.UNPROCESSABLE, "conditional create");
    }

    private static void assertRefused(String json, WaymarkException.Kind kind, String message) {
        assertThatThrownBy(() -> read(json)).isInstanceOfSatisfying(WaymarkException.class, e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void tooManyEntriesAreRefusedBeforeAnyWork() {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i <= TransactionBundle.MAX_ENTRIES; i++) {
            entries.append(i == 0 ? "" : ",").append("""
                    {"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}}""");
        }
        assertRefused("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}",
                WaymarkException.Kind.UNPROCESSABLE, "at most");
    }

    static Stream<Path> hostileTransactions() throws IOException {
        return Files.list(Path.of("src/test/resources/hostile-transactions")).sorted();
    }

    /** Waymark's corpus of broken and hostile transactions: each is the sender's mistake (4xx), explained, no internals. */
    @ParameterizedTest
    @MethodSource("hostileTransactions")
    void hostileTransactionIsRefusedAsTheSendersMistake(Path file) throws IOException {
        String body = Files.readString(file, StandardCharsets.UTF_8);
        FhirFormat format = file.toString().endsWith(".xml") ? FhirFormat.XML : FhirFormat.JSON;
        assertThatThrownBy(() -> new TransactionBundle(fhir.parse(format, body, Bundle.class), fhir, sr -> body, format.mediaType()))
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    assertThat(e.kind()).as(file.toString()).isIn(WaymarkException.Kind.INVALID, WaymarkException.Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).as(file.toString()).doesNotContain("java.", "Exception", "ca.uhn");
                });
    }
}
