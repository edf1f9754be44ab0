/** Intake validators: an area's own checks on a referral before it is accepted. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.waymark.api.intake;
