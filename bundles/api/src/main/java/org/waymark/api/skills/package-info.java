/**
 * Digital skills: the assessments Waymark keeps as FHIR QuestionnaireResponses (read by the FHIR endpoints), and the
 * SPI an area uses to supply a deprivation lookup for the equity view of its reports.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.waymark.api.skills;
