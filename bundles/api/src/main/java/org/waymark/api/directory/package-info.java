/** Directory extension points: how a place (postcode) becomes coordinates for distance search. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.waymark.api.directory;
