/** Database helpers that Waymark's own bundles share: one transaction per use case. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.6.0")
package org.waymark.platform.db;
