/** What Waymark's HTTP surfaces share: how a failure becomes a status and a message fit to show the caller, the
 * security headers of every answer, and which addresses Waymark itself sends to. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.waymark.platform.http;
