package org.waymark.api.validation;

import java.util.List;

/** Every finding on one resource; an empty list means the validator found nothing to say. */
public record ValidationReport(List<ValidationIssue> issues) {

    public ValidationReport {
        issues = List.copyOf(issues);
    }

    public long errors() {
        return issues.stream().filter(i -> i.severity().isError()).count();
    }

    public long warnings() {
        return issues.stream().filter(i -> i.severity() == ValidationIssue.Severity.WARNING).count();
    }

    /** No fatal or error issue: warnings and information leave a resource valid. */
    public boolean valid() {
        return errors() == 0;
    }
}
