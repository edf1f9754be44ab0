/** What Waymark's HTTP surfaces share: how a failure becomes a status and a message fit to show the caller, and the
 * security headers of every answer. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.waymark.platform.http;
