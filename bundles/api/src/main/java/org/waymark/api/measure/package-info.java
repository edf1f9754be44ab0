/**
 * The outcome-measure extension point: an area adds a wellbeing or activation measure (items, answer scale, scoring,
 * conversion table, licence) by registering an {@link org.waymark.api.measure.OutcomeMeasure} service.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.waymark.api.measure;
