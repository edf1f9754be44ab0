package org.waymark.platform.internal.plugins;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;

/**
 * Why an installed plugin bundle cannot be resolved. Found probing: a plugin jar dropped into deploy/ that imports a
 * package nothing exports was installed but never resolved; it offered no service, so /api/plugins did not list it
 * (or listed it as awaiting approval, and after the approval as inactive, with no reason): only the log said why.
 */
final class UnresolvedBundles {
    private UnresolvedBundles() {
    }

    /** A bundle fileinstall installed from the deploy folder (a .kar's bundles come from its own repository). */
    static boolean deployedJar(Bundle bundle) {
        String location = bundle.getLocation();
        return location != null && location.startsWith("file:") && location.endsWith(".jar");
    }

    /** What the bundle needs that nothing installed provides, if it is installed but not resolved. */
    static Optional<String> reason(Bundle bundle, FrameworkWiring wiring) {
        if (bundle.getState() != Bundle.INSTALLED || wiring == null) {
            return Optional.empty();
        }
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        for (Requirement requirement : revision.getRequirements(null)) {
            String effective = requirement.getDirectives().getOrDefault(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE,
                    Namespace.EFFECTIVE_RESOLVE);
            if (Namespace.RESOLUTION_OPTIONAL.equals(requirement.getDirectives().get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))
                    || !Namespace.EFFECTIVE_RESOLVE.equals(effective) || !wiring.findProviders(requirement).isEmpty()) {
                continue;
            }
            // In the resolver's words, so that one reading turns them into a person's (see KarFailureReason).
            missing.add(KarFailureReason.of("missing requirement [" + bundle.getSymbolicName() + "/" + bundle.getVersion() + "] "
                    + requirement.getNamespace() + "; filter:=\"" + requirement.getDirectives().get(Namespace.REQUIREMENT_FILTER_DIRECTIVE) + "\""));
        }
        return Optional.of(missing.isEmpty() ? "It cannot be started: Karaf could not resolve it (the server's log says why)"
                : "It cannot be started: " + String.join("; ", missing) + ". Fix the plugin (or deploy what it needs first), then replace the file");
    }
}
