/** Report definitions: an area's own counts over its referrals, shown and exported by the core with small numbers suppressed. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.waymark.api.report;
