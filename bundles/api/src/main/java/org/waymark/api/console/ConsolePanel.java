package org.waymark.api.console;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A panel a plugin adds to the console, as a standard web component (a custom element). The console loads the
 * script from {@code /console/panels/{id}.js} (served from {@link #script()}), and places
 * {@code <element referral-id="..." area="...">} where {@link #placement()} says. The element fetches its own data
 * from the plugin's JAX-RS resources under {@code /api}, sending the console's session cookie and CSRF header, so the
 * platform's authentication and roles apply to it as to any other route. Registered with {@code waymark.area};
 * appears and disappears with its plugin, without a restart.
 */
@ConsumerType
public interface ConsolePanel {

    /** Stable id, 1 to 64 lower case letters, digits and hyphens, unique across plugins. */
    String id();

    /** The heading the console shows above the panel. */
    String title();

    /** The custom element's tag name, which must contain a hyphen, e.g. {@code sheffield-letters}. */
    String element();

    /** Where the panel goes. */
    Placement placement();

    /** The JavaScript module that defines the element (calls {@code customElements.define}). */
    String script();

    enum Placement {
        /** On each referral's page of the panel's area; the element gets {@code referral-id}. */
        REFERRAL,
        /** On the home page of workers of the panel's area. */
        HOME
    }
}
