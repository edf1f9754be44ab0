/**
 * FHIR profile validation as a service: the resource goes in as text and the findings come back as plain records, so
 * the validator keeps its own private HAPI FHIR and no FHIR library type crosses a bundle boundary.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.waymark.api.validation;
