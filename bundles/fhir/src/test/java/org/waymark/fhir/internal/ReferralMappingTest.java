package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import javax.ws.rs.core.MediaType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;

class ReferralMappingTest {
    private static Fhir fhir;

    @BeforeAll
    static void createContext() {
        fhir = new Fhir();
    }

    private static ServiceRequest parse(String json) {
        return fhir.parse(FhirFormat.JSON, json, ServiceRequest.class);
    }

    private static final String CONTAINED = """
            {"resourceType":"ServiceRequest","status":"active","intent":"order",
             "identifier":[{"system":"https://gp.example/ref","value":"A1"}],
             "contained":[{"resourceType":"Patient","id":"p1",
               "identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990010005"}],
               "name":[{"use":"usual","family":"Nick"},{"use":"official","family":"Holloway","given":["Margaret"]}],
               "birthDate":"1944-03-02","gender":"female","address":[{"postalCode":"S10 2TN"}]}],
             "subject":{"reference":"#p1"},
             "category":[{"text":"Social prescribing"}],
             "reasonCode":[{"coding":[{"system":"http://snomed.info/sct","code":"1144779008","display":"Lonely"}]}]}
            """;

    @Test
    void containedPatientGivesNhsNumberAndOfficialName() {
        NewReferral referral = ReferralMapping.toNewReferral(parse(CONTAINED), "application/fhir+json", CONTAINED);
        assertThat(referral.subject().nhsNumber()).isEqualTo(new NhsNumber("9990010005", true));
        assertThat(referral.subject().demographics().family()).isEqualTo("Holloway");
        assertThat(referral.subject().demographics().given()).isEqualTo("Margaret");
        assertThat(referral.subject().demographics().birthDate()).hasToString("1944-03-02");
        assertThat(referral.identifierValue()).isEqualTo("A1");
        assertThat(referral.reasonText()).isEqualTo("Lonely; Social prescribing");
        assertThat(referral.reasonCode()).isEqualTo("http://snomed.info/sct|1144779008");
    }

    /** The second of two different NHS numbers was once dropped without a word, and the patient linked by the first. */
    @Test
    void twoDifferentNhsNumbersAreRefusedTheSameOneTwiceIsNot() {
        String nhs = "{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9990010005\"}";
        String twoNumbers = CONTAINED.replace(nhs, nhs + ",{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9990010013\"}");
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse(twoNumbers), "application/fhir+json", twoNumbers))
                .hasMessageContaining("two different NHS numbers").hasMessageNotContaining("9990010013")
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        String sameTwice = CONTAINED.replace(nhs, nhs + ",{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"999 001 0005\"}");
        assertThat(ReferralMapping.toNewReferral(parse(sameTwice), "application/fhir+json", sameTwice).subject().nhsNumber())
                .isEqualTo(new NhsNumber("9990010005", true));
    }

    /** Once dropped without a word, so that a retry of the same referral created a second one. */
    @Test
    void anIdentifierWithoutASystemOrAValueIsRefusedNotDropped() {
        String noSystem = CONTAINED.replace("{\"system\":\"https://gp.example/ref\",\"value\":\"A1\"}", "{\"value\":\"NOSYS-1\"}");
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse(noSystem), "application/fhir+json", noSystem))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE))
                .hasMessageContaining("identifier[0] needs both a system and a value").hasMessageContaining("without a system");
        String secondNoSystem = CONTAINED.replace("\"value\":\"A1\"}", "\"value\":\"A1\"},{\"value\":\"B2\"}");
        assertThatThrownBy(() -> ReferralMapping.retryIdentifier(parse(secondNoSystem))).hasMessageContaining("identifier[1]");
        String noValue = CONTAINED.replace(",\"value\":\"A1\"", "");
        assertThatThrownBy(() -> ReferralMapping.retryIdentifier(parse(noValue))).hasMessageContaining("without a value");
        assertThat(ReferralMapping.retryIdentifier(parse(CONTAINED)).orElseThrow().getValue()).isEqualTo("A1");
        assertThat(ReferralMapping.retryIdentifier(parse(CONTAINED.replaceFirst("\"identifier\":\\[[^]]*],", "")))).isEmpty();
    }

    /** A plain referral with Flags and a Consent contained, listed in supportingInfo (extra: more JSON fields). */
    private static String withContained(String contained, String supportingInfo) {
        return CONTAINED.replace("\"subject\":{\"reference\":\"#p1\"},", "\"subject\":{\"reference\":\"#p1\"},"
                + "\"supportingInfo\":[" + supportingInfo + "],").replace("\"birthDate\":\"1944-03-02\",\"gender\":\"female\","
                + "\"address\":[{\"postalCode\":\"S10 2TN\"}]}]", "\"birthDate\":\"1944-03-02\",\"gender\":\"female\","
                + "\"address\":[{\"postalCode\":\"S10 2TN\"}]}," + contained + "]");
    }

    private static String containedFlag(String id, String status, String category, String text, String subject) {
        return FlagsAndConsentTest.flag(status, category, text).replaceFirst("\\{\"resourceType\":\"Flag\",",
                "{\"resourceType\":\"Flag\",\"id\":\"" + id + "\",")
                .replace("urn:uuid:11111111-1111-4111-8111-111111111111", subject);
    }

    @Test
    void containedFlagsAndConsentListedInSupportingInfoGoWithTheReferral() {
        String json = withContained(String.join(",", containedFlag("ra", "active", "RA", "Needs easy read", "#p1"),
                containedFlag("old", "inactive", "SG", "Resolved concern", "#p1"),
                FlagsAndConsentTest.CONSENT.replaceFirst("\\{\"resourceType\":\"Consent\",", "{\"resourceType\":\"Consent\",\"id\":\"c\",")
                        .replace("urn:uuid:11111111-1111-4111-8111-111111111111", "#p1")),
                "{\"reference\":\"#ra\"},{\"reference\":\"#old\"},{\"reference\":\"#c\"}");
        NewReferral referral = ReferralMapping.toNewReferral(parse(json), "application/fhir+json", json);
        assertThat(referral.flags()).singleElement().satisfies(f -> {
            assertThat(f.category()).isEqualTo("RA");
            assertThat(f.text()).isEqualTo("Needs easy read");
        });
        assertThat(referral.consent().category()).isEqualTo("DRC");
        assertThat(referral.subject().demographics().family()).isEqualTo("Holloway");
        assertThat(ReferralMapping.toNewReferral(parse(CONTAINED), null, null).flags()).isEmpty();
    }

    @Test
    void aContainedFlagTheReferralDoesNotListOrThatIsAboutSomeoneElseIsRefused() {
        String unlisted = withContained(String.join(",", containedFlag("ra", "active", "RA", "Needs easy read", "#p1"),
                containedFlag("sg", "active", "SG", "Concern", "#p1")), "{\"reference\":\"#ra\"}");
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse(unlisted), null, null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID);
                    assertThat(e.getMessage()).contains("Flag #sg", "supportingInfo");
                });
        String elsewhere = withContained(containedFlag("sg", "active", "SG", "Concern", "Patient/someone-else"),
                "{\"reference\":\"#sg\"}");
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse(elsewhere), null, null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE);
                    assertThat(e.getMessage()).contains("another patient");
                });
    }

    @Test
    void logicalReferenceByNhsNumberIsASubject() {
        NewReferral referral = ReferralMapping.toNewReferral(parse("""
                {"resourceType":"ServiceRequest","status":"active","intent":"order",
                 "subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990010006"}}}"""), null, null);
        assertThat(referral.subject().nhsNumber().verified()).isFalse();
        assertThat(referral.subject().existingPatientId()).isNull();
    }

    @Test
    void referenceToALocalPatientIsKeptAsItsId() {
        NewReferral referral = ReferralMapping.toNewReferral(parse("""
                {"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/abc"}}"""), null, null);
        assertThat(referral.subject().existingPatientId()).isEqualTo("abc");
    }

    @Test
    void businessRulesAreEnforced() {
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse("""
                {"resourceType":"ServiceRequest","status":"active","intent":"order",
                 "subject":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"12345"}}}"""), null, null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse("""
                {"resourceType":"ServiceRequest","status":"active","intent":"order"}"""), null, null))
                .hasMessageContaining("subject");
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse("""
                {"resourceType":"ServiceRequest","status":"draft","intent":"order","subject":{"reference":"Patient/a"}}"""), null, null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE));
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(parse("""
                {"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"#missing"}}"""), null, null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID))
                .hasMessageContaining("#missing");
    }

    @Test
    void malformedOrWrongResourcesAreInvalid() {
        assertThatThrownBy(() -> parse("{\"resourceType\":\"ServiceRequest\",\"status\":\"nonsense\"}"))
                .isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> parse("{\"resourceType\":\"Patient\"}")).hasMessageContaining("Expected a ServiceRequest");
        assertThatThrownBy(() -> parse("not json")).isInstanceOf(WaymarkException.class);
    }

    @Test
    void referralBecomesTaskThatMirrorsItsStatus() {
        Referral referral = new Referral("r1", "t1", "p1", new NhsNumber("9990010005", true), "Margaret Holloway", "gp",
                "sheffield", "s", "v", ReferralStatus.ON_HOLD, "Away until May", "Lonely", null, "routine",
                Instant.parse("2026-01-01T00:00:00Z"), "Dr X", null, null, 3, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-02T00:00:00Z"));
        Task task = ReferralMapping.toTask(referral);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(task.getStatusReason().getText()).isEqualTo("Away until May");
        assertThat(task.getFocus().getReference()).isEqualTo("ServiceRequest/r1");
        assertThat(task.getMeta().getVersionId()).isEqualTo("3");
        ServiceRequest request = ReferralMapping.toServiceRequest(referral);
        assertThat(request.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(request.getSubject().getIdentifier().getValue()).isEqualTo("9990010005");
        String xml = fhir.encode(FhirFormat.XML, request, false);
        assertThat(fhir.parse(FhirFormat.XML, xml, ServiceRequest.class).getSubject().getReference()).isEqualTo("Patient/p1");
    }

    @Test
    void aReferralsSubjectMarksAnNhsNumberThatFailsItsCheckDigitAsThePatientDoes() {
        Referral unverified = new Referral("r1", "t1", "p1", new NhsNumber("3478526985", false), "Julie Jones", "gp",
                "sheffield", "s", "v", ReferralStatus.REQUESTED, null, "Low on medication", null, null, null, null, null,
                null, 1, Instant.EPOCH, Instant.EPOCH);
        org.hl7.fhir.r4.model.Identifier identifier = ReferralMapping.toServiceRequest(unverified).getSubject().getIdentifier();
        assertThat(identifier.getValue()).isEqualTo("3478526985");
        assertThat(identifier.getExtensionByUrl(ReferralMapping.CHECK_DIGIT_EXTENSION).getValue().primitiveValue())
                .as("the same marker as Patient.identifier").isEqualTo("false");
        Referral verified = new Referral("r2", "t2", "p2", new NhsNumber("9990010005", true), "Margaret Holloway", "gp",
                "sheffield", "s", "v2", ReferralStatus.REQUESTED, null, "Lonely", null, null, null, null, null, null, 1,
                Instant.EPOCH, Instant.EPOCH);
        assertThat(ReferralMapping.toServiceRequest(verified).getSubject().getIdentifier()
                .getExtensionByUrl(ReferralMapping.CHECK_DIGIT_EXTENSION).getValue().primitiveValue()).isEqualTo("true");
    }

    @Test
    void twoChangesWithinOneSecondGiveTheTaskTwoDifferentLastModifiedTimes() {
        Instant accepted = Instant.parse("2026-12-06T16:36:31.003Z");
        Instant inProgress = Instant.parse("2026-12-06T16:36:31.106Z");
        String first = ReferralMapping.toTask(new Referral("r1", "t1", "p1", null, null, "gp", "sheffield", "s", "v",
                ReferralStatus.ACCEPTED, null, null, null, null, null, null, null, null, 2, Instant.EPOCH, accepted))
                .getLastModifiedElement().getValueAsString();
        String second = ReferralMapping.toTask(new Referral("r1", "t1", "p1", null, null, "gp", "sheffield", "s", "v",
                ReferralStatus.IN_PROGRESS, null, null, null, null, null, null, null, null, 3, Instant.EPOCH, inProgress))
                .getLastModifiedElement().getValueAsString();
        assertThat(first).isNotEqualTo(second);
        assertThat(new org.hl7.fhir.r4.model.DateTimeType(second).getValue()).isEqualTo(java.util.Date.from(inProgress));
    }

    @Test
    void aClosedReferralsTaskCarriesTheEpisodeCodeAndTheOutcomeInItsOutput() {
        Referral referral = new Referral("r1", "t1", "p1", null, null, "gp", "sheffield", "s", "v", ReferralStatus.COMPLETED,
                null, "Lonely", null, "routine", null, "Dr X", null, "sam", 5, Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-09T00:00:00Z"), "Joined a walking group", "871731000000106");
        Task task = ReferralMapping.toTask(referral);
        assertThat(task.getOutput()).hasSize(2);
        Coding code = ((CodeableConcept) task.getOutput().get(0).getValue()).getCodingFirstRep();
        assertThat(code.getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(code.getCode()).isEqualTo("871731000000106");
        assertThat(code.getDisplay()).isEqualTo("Referral to social prescribing service");
        assertThat(task.getOutput().get(1).getValue().primitiveValue()).isEqualTo("Joined a walking group");
        assertThat(ReferralMapping.toTask(new Referral("r2", "t2", "p1", null, null, "gp", "sheffield", "s", "v2",
                ReferralStatus.REQUESTED, null, null, null, null, null, null, null, null, 1, Instant.EPOCH, Instant.EPOCH))
                .getOutput()).as("nothing to report yet").isEmpty();
    }

    @Test
    void formatsFollowContentTypeAcceptAndFormatParameter() {
        assertThat(FhirFormat.ofContentType(MediaType.valueOf("application/fhir+json; version=1.1.0"))).contains(FhirFormat.JSON);
        assertThat(FhirFormat.ofContentType(MediaType.valueOf("application/fhir+xml;charset=utf-8"))).contains(FhirFormat.XML);
        assertThat(FhirFormat.ofContentType(MediaType.valueOf("text/plain"))).isEmpty();
        assertThat(FhirFormat.forResponse(null, List.of(MediaType.valueOf("application/fhir+xml")))).isEqualTo(FhirFormat.XML);
        assertThat(FhirFormat.forResponse("xml", List.of(MediaType.valueOf("application/fhir+json")))).isEqualTo(FhirFormat.XML);
        assertThat(FhirFormat.forResponse(null, List.of(MediaType.WILDCARD_TYPE))).isEqualTo(FhirFormat.JSON);
        assertThat(FhirFormat.forResponse("application/fhir+xml", List.of())).isEqualTo(FhirFormat.XML);
        assertThat(FhirFormat.forResponse("text/xml", List.of())).isEqualTo(FhirFormat.XML);
        assertThat(FhirFormat.forResponse("application/fhir json", List.of())).as("an unencoded plus").isEqualTo(FhirFormat.JSON);
        assertThat(FhirFormat.forResponse("application/fhir+json;fhirVersion=4.0", List.of())).isEqualTo(FhirFormat.JSON);
    }

    @Test
    void aFormatParameterNamingNeitherEncodingIsNotAcceptableButItsErrorIsStillAnswered() {
        for (String unsupported : List.of("ttl", "html", "text/turtle", "application/pdf", "jsonx", "/", "x\u0001y")) {
            assertThatThrownBy(() -> FhirFormat.forResponse(unsupported, List.of())).as(unsupported)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> {
                        assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_ACCEPTABLE);
                        assertThat(e.kind().status()).isEqualTo(406);
                        assertThat(e.getMessage()).contains("json or xml").doesNotContain("\u0001");
                    });
            assertThat(FhirFormat.forErrorResponse(unsupported, List.of(MediaType.valueOf("application/fhir+xml"))))
                    .isEqualTo(FhirFormat.JSON);
        }
    }

    @Test
    void messagesShownToCallersCarryNoJavaClassNames() {
        assertThat(Messages.safe("java.lang.IllegalStateException: ca.uhn.fhir.parser.JsonParser failed at x"))
                .doesNotContain("java.lang").doesNotContain("ca.uhn");
    }

    private static org.hl7.fhir.r4.model.Patient patient(String json) {
        return fhir.parse(FhirFormat.JSON, json, org.hl7.fhir.r4.model.Patient.class);
    }

    private static org.waymark.api.referral.Demographics demographicsOf(String patientJson) {
        return ReferralMapping.demographics(patient(patientJson), java.time.LocalDate.of(2026, 5, 1));
    }

    /** Found probing: "1965" was stored and served as 1965-01-01, and "1971-06" as 1971-06-01. */
    @Test
    void aPartialBirthDateKeepsItsPrecisionAndIsServedAsSent() {
        var year = demographicsOf("{\"resourceType\":\"Patient\",\"birthDate\":\"1965\"}");
        assertThat(year.birthDate()).hasToString("1965-01-01");
        assertThat(year.birthDatePrecision()).isEqualTo(org.waymark.api.referral.Demographics.BirthDatePrecision.YEAR);
        var month = demographicsOf("{\"resourceType\":\"Patient\",\"birthDate\":\"1971-06\"}");
        assertThat(month.birthDatePrecision()).isEqualTo(org.waymark.api.referral.Demographics.BirthDatePrecision.MONTH);
        var day = demographicsOf("{\"resourceType\":\"Patient\",\"birthDate\":\"1965-08-15\"}");
        assertThat(day.birthDatePrecision()).isEqualTo(org.waymark.api.referral.Demographics.BirthDatePrecision.DAY);

        for (var d : List.of(year, month, day)) {
            var served = ReferralMapping.toPatient(new org.waymark.api.referral.Patient("p1", null, d, 1, Instant.EPOCH));
            assertThat(served.getBirthDateElement().getValueAsString()).isEqualTo(d.birthDateText());
        }
        assertThat(List.of(year.birthDateText(), month.birthDateText(), day.birthDateText()))
                .containsExactly("1965", "1971-06", "1965-08-15");
    }

    /** Found probing: an old address's postcode, listed first, was stored instead of the home one. */
    @Test
    void thePostcodeIsTheCurrentHomeAddressNotAnOldOne() {
        assertThat(demographicsOf("""
                {"resourceType":"Patient","address":[
                  {"use":"old","period":{"start":"2001-01-01","end":"2024-03-31"},"postalCode":"S1 1AA"},
                  {"use":"home","period":{"start":"2024-04-01"},"postalCode":"S9 9ZZ"}]}
                """).postcode()).isEqualTo("S9 9ZZ");
        assertThat(demographicsOf("""
                {"resourceType":"Patient","address":[
                  {"use":"work","postalCode":"S3 7HQ"},
                  {"use":"home","period":{"end":"2025-12"},"postalCode":"S1 1AA"},
                  {"use":"temp","postalCode":"S4 4DD"},
                  {"use":"home","postalCode":"S9 9ZZ"}]}
                """).postcode()).as("a current home address before any other").isEqualTo("S9 9ZZ");
        assertThat(demographicsOf("""
                {"resourceType":"Patient","address":[
                  {"use":"home","period":{"end":"2026-04-30"},"postalCode":"S1 1AA"},
                  {"postalCode":"S4 4DD"}]}
                """).postcode()).as("an ended home address loses to one without a use").isEqualTo("S4 4DD");
        assertThat(demographicsOf("""
                {"resourceType":"Patient","address":[{"use":"home","period":{"end":"2026-05"},"postalCode":"S1 1AA"}]}
                """).postcode()).as("a period ending this month has not ended").isEqualTo("S1 1AA");
        assertThat(demographicsOf("""
                {"resourceType":"Patient","address":[{"use":"home","period":{"start":"2026-06-01"},"postalCode":"S1 1AA"}]}
                """).postcode()).as("not yet moved in").isNull();
        assertThat(demographicsOf("""
                {"resourceType":"Patient","address":[{"use":"old","postalCode":"S1 1AA"}]}
                """).postcode()).as("only an old address: no postcode rather than the wrong one").isNull();
    }

    /** Found probing: given ["Robert", "Anselm"] was stored as Robert. */
    @Test
    void everyGivenNameIsKeptAndServedAsSeparateNames() {
        var d = demographicsOf("""
                {"resourceType":"Patient","name":[{"use":"official","family":"Movedhouse","given":["Robert"," Anselm  James "]}]}
                """);
        assertThat(d.given()).isEqualTo("Robert Anselm James");
        var served = ReferralMapping.toPatient(new org.waymark.api.referral.Patient("p1", null, d, 1, Instant.EPOCH));
        assertThat(served.getNameFirstRep().getGiven()).extracting(org.hl7.fhir.r4.model.StringType::getValue)
                .containsExactly("Robert", "Anselm", "James");
    }
}
