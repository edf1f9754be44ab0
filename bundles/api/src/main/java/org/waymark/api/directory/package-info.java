/**
 * Directory extension points and reads: how a place (postcode) becomes coordinates for distance search, and the
 * onward referrals to directory services that other capabilities (the FHIR sub-Tasks) show.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.waymark.api.directory;
