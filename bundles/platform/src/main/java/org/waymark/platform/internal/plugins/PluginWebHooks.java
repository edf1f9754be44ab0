package org.waymark.platform.internal.plugins;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.plugin.PluginApproval;

/**
 * Keeps the web server (Pax Web's HTTP whiteboard) from seeing the services of a plugin that is not approved.
 * Found probing: an unapproved plugin's whiteboard {@code Filter} on {@code /*} was put in front of every route by
 * Pax Web at once, and read every GP system's client secret at {@code /oauth2/token} and every HTTP Basic password
 * on {@code /api}; a servlet of its own would have answered requests too. Waymark's own hosts gate what they take
 * from plugins; the HTTP whiteboard is Pax Web's, so its bundles are not shown such services at all (service hooks).
 * A hook cannot announce a service again later, so once the plugin is approved it is restarted (transiently) and
 * registers its services anew, now visible.
 */
// Immediate: a delayed component would be deactivated and activated again each time the framework let go of its
// hooks, losing what it hid and sweeping again (found: the sweep restarted a waiting plugin in a loop).
@Component(service = {FindHook.class, EventListenerHook.class}, immediate = true)
public final class PluginWebHooks implements FindHook, EventListenerHook {
    private static final Logger LOG = LoggerFactory.getLogger(PluginWebHooks.class);
    private final WebVisibility visibility;
    private final PluginApproval.Registration approvalEvents;

    @Activate
    public PluginWebHooks(BundleContext context, @Reference PluginApprovals approvals) {
        this.visibility = new WebVisibility(approvals::usable);
        // The first call comes at once (on the approvals' thread, which may read the database and restart bundles):
        // that one looks for plugins that started before these hooks, every later one for plugins approved since.
        java.util.concurrent.atomic.AtomicBoolean swept = new java.util.concurrent.atomic.AtomicBoolean();
        this.approvalEvents = approvals.onApproval(() -> {
            if (swept.compareAndSet(false, true)) {
                hideEarlierOnes(context, approvals);
            }
            restartApproved();
        });
    }

    /**
     * Plugins in deploy/ may start before these hooks (they wait for the database): an unapproved one whose web
     * services the web server may already hold is restarted, so that it registers them again, now hidden.
     */
    private static void hideEarlierOnes(BundleContext context, PluginApprovals approvals) {
        for (Bundle bundle : context.getBundles()) {
            ServiceReference<?>[] services = bundle.getRegisteredServices();
            if (bundle.getState() != Bundle.ACTIVE || services == null || !PluginApprovals.isPlugin(bundle)
                    || WebVisibility.isWebServer(bundle) || approvals.usable(bundle)) {
                continue;
            }
            if (java.util.Arrays.stream(services).anyMatch(WebVisibility::isWebService)) {
                try {
                    LOG.info("Plugin {} {} awaits approval: restarting it to hide its web services", bundle.getSymbolicName(),
                            bundle.getVersion());
                    bundle.stop(Bundle.STOP_TRANSIENT);
                    bundle.start(Bundle.START_TRANSIENT);
                } catch (BundleException | IllegalStateException e) {
                    LOG.warn("Could not restart plugin {}: {}", bundle.getSymbolicName(), e.toString());
                }
            }
        }
    }

    @Deactivate
    void stop() {
        approvalEvents.close();
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
                     Collection<ServiceReference<?>> references) {
        references.removeIf(reference -> visibility.hidden(reference, context.getBundle()));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        if (event.getType() == ServiceEvent.UNREGISTERING) {
            return; // telling a listener that something it never saw went away is harmless
        }
        listeners.keySet().removeIf(context -> visibility.hidden(event.getServiceReference(), context.getBundle()));
    }

    private void restartApproved() {
        for (Bundle bundle : visibility.approvedSince()) {
            try {
                LOG.info("Plugin {} {} approved: restarting it so that the web server sees its services",
                        bundle.getSymbolicName(), bundle.getVersion());
                if (bundle.getState() == Bundle.ACTIVE) {
                    bundle.stop(Bundle.STOP_TRANSIENT);
                    bundle.start(Bundle.START_TRANSIENT);
                }
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("Could not restart plugin {} after its approval: {}", bundle.getSymbolicName(), e.toString());
            }
        }
    }

    /** The decision, apart from the framework: which service a bundle may not see, and whom it was hidden for. */
    static final class WebVisibility {
        private final Predicate<Bundle> approved;
        private final Set<Bundle> hiddenFrom = ConcurrentHashMap.newKeySet();

        WebVisibility(Predicate<Bundle> approved) {
            this.approved = approved;
        }

        /** Whether the web server's bundle {@code viewer} must not see this service of an unapproved plugin. */
        boolean hidden(ServiceReference<?> reference, Bundle viewer) {
            if (viewer == null || !isWebServer(viewer)) {
                return false;
            }
            Bundle owner = reference.getBundle();
            if (owner == null || owner.equals(viewer) || !PluginApprovals.isPlugin(owner) || isWebServer(owner)
                    || !isWebService(reference)) {
                return false;
            }
            if (approved.test(owner)) {
                return false;
            }
            hiddenFrom.add(owner);
            return true;
        }

        /** Plugins hidden from the web server that are approved now (each reported once). */
        java.util.List<Bundle> approvedSince() {
            java.util.List<Bundle> now = hiddenFrom.stream().filter(approved).toList();
            now.forEach(hiddenFrom::remove);
            return now;
        }

        /**
         * What the HTTP whiteboard would take: servlets, filters, listeners, resources and contexts, by their OSGi
         * whiteboard properties or their types (Pax Web also takes some without the properties). Other services of a
         * plugin stay visible, so that an approval restarts only a plugin that offered the web server something.
         */
        static boolean isWebService(ServiceReference<?> reference) {
            for (String key : reference.getPropertyKeys()) {
                if (key.startsWith("osgi.http.whiteboard.")) {
                    return true;
                }
            }
            Object classes = reference.getProperty(org.osgi.framework.Constants.OBJECTCLASS);
            if (classes instanceof String[] names) {
                for (String name : names) {
                    if (name.startsWith("javax.servlet.") || name.startsWith("org.ops4j.pax.web.")
                            || name.startsWith("org.osgi.service.http.") || name.equals("java.util.EventListener")) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Pax Web's bundles (the HTTP whiteboard and the servlet container behind it). */
        static boolean isWebServer(Bundle bundle) {
            String name = bundle.getSymbolicName();
            return name != null && name.startsWith("org.ops4j.pax.web");
        }
    }
}
