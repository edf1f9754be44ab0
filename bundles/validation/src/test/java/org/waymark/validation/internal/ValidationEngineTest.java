package org.waymark.validation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.validation.ValidationIssue;
import org.waymark.api.validation.ValidationIssue.Severity;
import org.waymark.api.validation.ValidationReport;
import org.waymark.api.validation.ValidationRequest;
import org.waymark.api.validation.ValidationRequest.Encoding;

/**
 * The validator on the official examples (read in place from the shared fixtures, never copied) and on resources with
 * known faults. One engine for the class: building it loads the R4 definitions (seconds).
 */
class ValidationEngineTest {
    private static final String UK_CORE_SERVICE_REQUEST = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-ServiceRequest";
    private static ValidationEngine engine;

    @BeforeAll
    static void engine() {
        engine = new ValidationEngine();
    }

    @Test
    void officialBarsReferralMessagesHaveNoErrorsAndTheirProfilesAreReportedAsNotAvailable() throws IOException {
        List<Path> messages = fixtures("nhs-bars/ig/Examples", "REFREQ");
        assertThat(messages).as("BaRS referral examples").hasSizeGreaterThanOrEqualTo(5);
        for (Path message : messages) {
            ValidationReport report = engine.validate(ValidationRequest.of(Files.readString(message), Encoding.XML));
            assertThat(errors(report)).as("errors in %s", message.getFileName()).isEmpty();
            assertThat(report.issues()).as("%s claims the BaRS message profile", message.getFileName())
                    .anySatisfy(i -> {
                        assertThat(i.severity()).isEqualTo(Severity.INFORMATION);
                        assertThat(i.message()).contains("https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage")
                                .contains("not available");
                    });
        }
    }

    @Test
    void officialR4ServiceRequestExamplesHaveNoErrors() throws IOException {
        assertNoErrors(fixtures("hl7-fhir-r4-examples/json", "servicerequest-"), Encoding.JSON);
    }

    @Test
    void officialUkCoreServiceRequestsHaveNoErrors() throws IOException {
        assertNoErrors(fixtures("uk-core/examples", "UKCore-ServiceRequest-"), Encoding.XML);
    }

    private void assertNoErrors(List<Path> examples, Encoding encoding) throws IOException {
        assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
        for (Path example : examples) {
            ValidationReport report = engine.validate(ValidationRequest.of(Files.readString(example), encoding));
            assertThat(errors(report)).as("errors in %s", example.getFileName()).isEmpty();
        }
    }

    @Test
    void aServiceRequestWithoutStatusAndIntentHasAnErrorForEach() {
        ValidationReport report = engine.validate(ValidationRequest.of("""
                {"resourceType": "ServiceRequest", "subject": {"reference": "Patient/1"}}""", Encoding.JSON));

        assertThat(report.valid()).isFalse();
        assertThat(errors(report)).anySatisfy(i -> assertThat(i.message()).contains("ServiceRequest.status"))
                .anySatisfy(i -> assertThat(i.message()).contains("ServiceRequest.intent"))
                .allSatisfy(i -> assertThat(i.code()).isEqualTo("required"));
    }

    @Test
    void aCodeOutsideARequiredBindingIsAnError() {
        ValidationReport report = engine.validate(ValidationRequest.of("""
                <ServiceRequest xmlns="http://hl7.org/fhir">
                  <status value="approved"/>
                  <intent value="order"/>
                  <subject><reference value="Patient/1"/></subject>
                </ServiceRequest>""", Encoding.XML));

        assertThat(errors(report)).anySatisfy(i -> {
            assertThat(i.location()).isEqualTo("ServiceRequest.status");
            assertThat(i.message()).contains("approved");
        });
    }

    @Test
    void anUnknownUkCoreProfileIsInformationNotAnError() {
        ValidationReport claimed = engine.validate(ValidationRequest.of("""
                {"resourceType": "ServiceRequest", "meta": {"profile": ["%s"]},
                 "status": "active", "intent": "order", "subject": {"reference": "Patient/1"}}"""
                .formatted(UK_CORE_SERVICE_REQUEST), Encoding.JSON));
        ValidationReport asked = engine.validate(new ValidationRequest("""
                {"resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": {"reference": "Patient/1"}}""",
                Encoding.JSON, UK_CORE_SERVICE_REQUEST));

        for (ValidationReport report : List.of(claimed, asked)) {
            assertThat(report.valid()).isTrue();
            assertThat(report.issues()).filteredOn(i -> i.message().contains(UK_CORE_SERVICE_REQUEST))
                    .singleElement().satisfies(i -> {
                        assertThat(i.severity()).isEqualTo(Severity.INFORMATION);
                        assertThat(i.code()).isEqualTo("not-supported");
                    });
        }
    }

    @Test
    void aProfileThatIsHeldIsValidatedAgainst() {
        ValidationReport report = engine.validate(new ValidationRequest("""
                {"resourceType": "Observation", "status": "final", "code": {"text": "weight"}}""",
                Encoding.JSON, "http://hl7.org/fhir/StructureDefinition/bodyweight"));

        assertThat(report.valid()).as("the vital signs profile wants a category, a subject and a time").isFalse();
    }

    @Test
    void anElementUnknownToFhirIsReportedWhereItIs() {
        ValidationReport report = engine.validate(ValidationRequest.of("""
                {"resourceType": "ServiceRequest", "status": "active", "intent": "order",
                 "subject": {"reference": "Patient/1"}, "colour": "blue"}""", Encoding.JSON));

        assertThat(errors(report)).anySatisfy(i -> assertThat(i.message()).contains("colour"));
    }

    @Test
    void aBodyThatIsNoFhirResourceIsRefused() {
        assertThatThrownBy(() -> engine.validate(ValidationRequest.of("this is not FHIR", Encoding.JSON)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> engine.validate(ValidationRequest.of("{\"resourceType\": \"Spaceship\"}", Encoding.JSON)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<ValidationIssue> errors(ValidationReport report) {
        return report.issues().stream().filter(i -> i.severity().isError()).toList();
    }

    /**
     * Files of the shared fixtures folder whose names start with {@code prefix}. Without the fixtures the test is
     * skipped on a developer's machine, but fails in CI ({@code CI=true}), where a skip would hide a lost check.
     */
    static List<Path> fixtures(String folder, String prefix) throws IOException {
        Path root = Path.of(System.getProperty("waymark.fixtures", "../../../shared/fixtures")).toAbsolutePath().normalize();
        Path dir = root.resolve(folder);
        if (!Files.isDirectory(dir)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("The shared fixtures are missing in CI: " + dir);
            }
            Assumptions.abort("The shared fixtures are not beside the repository: " + dir);
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }
}
