/**
 * Pathway definitions: an area's programme for the people it supports, contributed by a pathfinder plugin as an
 * OSGi service with a {@code waymark.area} property. The core falls back to its own defaults where no plugin gives a
 * pathway for an area.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.waymark.api.pathway;
