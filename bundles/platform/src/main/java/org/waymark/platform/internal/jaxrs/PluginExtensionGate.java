package org.waymark.platform.internal.jaxrs;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.platform.internal.plugins.PluginApprovals;

/**
 * Which JAX-RS extensions (filters, interceptors, providers: {@code osgi.jaxrs.extension=true}) a Jersey application
 * takes in. A plugin's resources are shut per request until the plugin is approved ({@code PluginApprovalFeature}),
 * but an extension has no route to shut: it sees every request of the application, headers and bodies included.
 * Found probing: an unapproved plugin's pre-matching filter read every caller's {@code Authorization} header (HTTP
 * Basic passwords in clear) on {@code /api}. So a plugin's extension is left out of the application until an admin
 * approves the plugin, and the host reloads the application once that happened.
 */
final class PluginExtensionGate {
    private static final Logger LOG = LoggerFactory.getLogger(PluginExtensionGate.class);

    private final Predicate<Bundle> approved;
    private final Set<ServiceReference<?>> waiting = ConcurrentHashMap.newKeySet();

    /** @param approved whether a plugin's bundle is approved for use now */
    PluginExtensionGate(Predicate<Bundle> approved) {
        this.approved = approved;
    }

    /** Whether the application may register this whiteboard service now. */
    boolean admits(ServiceReference<?> reference) {
        if (!isTrue(reference.getProperty(JaxRsHost.EXTENSION))) {
            return true;
        }
        Bundle bundle = reference.getBundle();
        if (bundle == null) {
            return false; // unregistered meanwhile
        }
        if (!PluginApprovals.isPlugin(bundle) || approved.test(bundle)) {
            waiting.remove(reference);
            return true;
        }
        if (waiting.add(reference)) {
            LOG.info("Plugin {} {} has a JAX-RS extension; it applies once an admin approves the plugin",
                    bundle.getSymbolicName(), bundle.getVersion());
        }
        return false;
    }

    /** The waiting extensions whose plugin has been approved since (here, on another node or from the command line). */
    List<ServiceReference<?>> approvedSince() {
        return waiting.stream().filter(r -> r.getBundle() != null && approved.test(r.getBundle())).toList();
    }

    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    void forget(ServiceReference<?> reference) {
        waiting.remove(reference);
    }

    private static boolean isTrue(Object value) {
        return value != null && Boolean.parseBoolean(value.toString());
    }
}
