@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.10.0")
package org.waymark.api.referral;
