package org.waymark.api.validation;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Validates a FHIR R4 resource against its base definition, the profiles it claims in {@code meta.profile} and the
 * profile asked for, with the profiles and terminology the validator holds (never a remote terminology server). A
 * profile it does not hold is reported as an information issue, not an error, so a resource is never called invalid
 * merely because this server lacks a package.
 *
 * <p>Validation is slow (tens of milliseconds, several seconds for the first call while the definitions load) and
 * must stay off the intake path: call it from a job or from {@code $validate}. Registered by the optional
 * {@code waymark-validation} feature; callers must cope with its absence.
 */
@ProviderType
public interface ProfileValidator {

    /**
     * @throws IllegalArgumentException when the body is not a FHIR resource in the given encoding at all (the
     *                                  caller's input, answered as 400); anything the validator can read is reported
     *                                  as issues instead
     */
    ValidationReport validate(ValidationRequest request);
}
