package org.waymark.fhir.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one FHIR resource endpoint offers, so that the CapabilityStatement is built from the endpoints really
 * registered, and appears and disappears with them.
 */
public interface FhirEndpoint {

    String resourceType();

    /** FHIR interaction codes: read, search-type, create, ... */
    List<String> interactions();

    /** Supported search parameters: name to FHIR search parameter type. */
    Map<String, String> searchParameters();

    /** What a search parameter takes beyond its type (modifiers, OR, the systems it knows), by name; may be empty. */
    default Map<String, String> searchParameterDocumentation() {
        return Map.of();
    }

    /** What a search's {@code _include} may add ({@code Type:searchParameter}); may be empty. */
    default Set<String> searchIncludes() {
        return Set.of();
    }

    /** What a search's {@code _revinclude} may add; may be empty. */
    default Set<String> searchRevIncludes() {
        return Set.of();
    }

    /** Whether a create honours FHIR's conditional create ({@code If-None-Exist}). */
    default boolean conditionalCreate() {
        return false;
    }

    /** Whether a read answers 304 Not Modified to an {@code If-None-Match} naming its current version. */
    default boolean conditionalRead() {
        return false;
    }

    /** Resource-level operations, e.g. {@code process-message}; names without the dollar. */
    default List<String> operations() {
        return List.of();
    }

    /** System-level interactions such as {@code transaction}, offered at the FHIR base rather than on a type. */
    default List<String> systemInteractions() {
        return List.of();
    }
}
