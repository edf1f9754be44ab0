package org.waymark.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.waymark.api.validation.ValidationIssue.Severity;
import org.waymark.api.validation.ValidationRequest.Encoding;

class ValidationRequestTest {

    @Test
    void theEncodingComesFromTheMediaTypeWithOrWithoutParameters() {
        assertThat(Encoding.ofMediaType("application/fhir+json")).contains(Encoding.JSON);
        assertThat(Encoding.ofMediaType("application/fhir+xml; version=1.1.0")).contains(Encoding.XML);
        assertThat(Encoding.ofMediaType("Application/JSON")).contains(Encoding.JSON);
        assertThat(Encoding.ofMediaType("text/plain")).isEmpty();
        assertThat(Encoding.ofMediaType(null)).isEmpty();
    }

    @Test
    void aBlankProfileMeansNone() {
        assertThat(new ValidationRequest("{}", Encoding.JSON, " ").profile()).isNull();
    }

    @Test
    void onlyFatalAndErrorIssuesMakeAReportInvalid() {
        ValidationReport warned = new ValidationReport(List.of(new ValidationIssue(Severity.WARNING, "processing", null, "w"),
                new ValidationIssue(Severity.INFORMATION, "informational", null, "i")));
        ValidationReport failed = new ValidationReport(List.of(new ValidationIssue(Severity.FATAL, "structure", null, "f"),
                new ValidationIssue(Severity.ERROR, "required", "Patient.name", "e"),
                new ValidationIssue(Severity.WARNING, "processing", null, "w")));

        assertThat(warned.valid()).isTrue();
        assertThat(warned.warnings()).isEqualTo(1);
        assertThat(failed.valid()).isFalse();
        assertThat(failed.errors()).isEqualTo(2);
        assertThat(Severity.ERROR.code()).isEqualTo("error");
    }
}
