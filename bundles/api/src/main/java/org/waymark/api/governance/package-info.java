/**
 * Information governance SPI: every bundle (or plugin) that keeps personal data about a person contributes it to a
 * subject access export, erases it when the retention rules say so, and moves it when two records of one person
 * are merged.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.waymark.api.governance;
