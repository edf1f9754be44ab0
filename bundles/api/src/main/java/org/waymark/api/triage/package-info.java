/**
 * Triage rules: a pathfinder plugin scores, prioritises or routes each new referral of its area. Rules run after the
 * referral is stored (never inside its transaction), each through the plugin guard with a time limit.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.waymark.api.triage;
