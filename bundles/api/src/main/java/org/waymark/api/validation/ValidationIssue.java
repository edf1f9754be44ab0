package org.waymark.api.validation;

import java.util.Objects;

/**
 * One finding of the validator, in FHIR's OperationOutcome terms.
 *
 * @param severity fatal, error, warning or information
 * @param code     the FHIR issue type code, e.g. {@code required}, {@code code-invalid}, {@code structure}
 * @param location where in the resource, as a FHIRPath expression (e.g. {@code ServiceRequest.status}); null when
 *                 the finding is about the whole resource
 * @param message  the validator's explanation, in English
 */
public record ValidationIssue(Severity severity, String code, String location, String message) {

    public ValidationIssue {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** FHIR's issue severities, most severe first; the lower-case name is the FHIR code. */
    public enum Severity {
        FATAL, ERROR, WARNING, INFORMATION;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Fatal and error issues make a resource invalid; warnings and information do not. */
        public boolean isError() {
            return this == FATAL || this == ERROR;
        }
    }
}
