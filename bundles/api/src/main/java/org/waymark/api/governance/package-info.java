/**
 * Information governance SPI: every bundle (or plugin) that keeps personal data about a person contributes it to a
 * subject access export and erases it when the retention rules say so.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.waymark.api.governance;
