/** Console panels: a plugin's web component shown in the link workers' console, backed by the plugin's own REST resource. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.waymark.api.console;
