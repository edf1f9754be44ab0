@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.11.0")
package org.waymark.api.referral;
