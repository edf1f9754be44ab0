package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.waymark.api.validation.ValidationIssue;
import org.waymark.api.validation.ValidationIssue.Severity;
import org.waymark.api.validation.ValidationReport;

class ValidateResourceTest {

    @Test
    void everyFindingBecomesAnIssueWithItsSeverityCodeAndExpression() {
        OperationOutcome outcome = ValidateResource.outcome(new ValidationReport(List.of(
                new ValidationIssue(Severity.ERROR, "required", "ServiceRequest.status", "minimum required = 1"),
                new ValidationIssue(Severity.INFORMATION, "not-supported", null, "profile not available"),
                new ValidationIssue(Severity.WARNING, "no-such-fhir-code", "Patient", "odd"))));

        assertThat(outcome.getIssue()).hasSize(3);
        assertThat(outcome.getIssue().get(0).getSeverity()).isEqualTo(IssueSeverity.ERROR);
        assertThat(outcome.getIssue().get(0).getCode()).isEqualTo(IssueType.REQUIRED);
        assertThat(outcome.getIssue().get(0).getExpression()).extracting(Object::toString).containsExactly("ServiceRequest.status");
        assertThat(outcome.getIssue().get(1).getCode()).isEqualTo(IssueType.NOTSUPPORTED);
        assertThat(outcome.getIssue().get(1).hasExpression()).isFalse();
        assertThat(outcome.getIssue().get(2).getCode()).as("a code FHIR does not know").isEqualTo(IssueType.PROCESSING);
    }

    @Test
    void noFindingsIsOneAllOkInformationIssue() {
        OperationOutcome outcome = ValidateResource.outcome(new ValidationReport(List.of()));

        assertThat(outcome.getIssue()).singleElement().satisfies(issue -> {
            assertThat(issue.getSeverity()).isEqualTo(IssueSeverity.INFORMATION);
            assertThat(issue.getCode()).isEqualTo(IssueType.INFORMATIONAL);
            assertThat(issue.getDiagnostics()).contains("All OK");
        });
    }
}
