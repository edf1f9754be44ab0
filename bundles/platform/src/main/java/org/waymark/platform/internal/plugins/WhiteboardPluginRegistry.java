package org.waymark.platform.internal.plugins;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.measure.OutcomeMeasure;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.pathway.Pathway;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.skills.DeprivationLookup;

/**
 * The whiteboard of plugin services. It tracks the SPI types listed in {@link #SPI_TYPES}, hands out the usable ones
 * per area, and guards every call through a {@link PluginGuard}: a bundle that misbehaves in
 * {@value #FAILURE_THRESHOLD} of its last calls is taken out of use.
 */
@Component(service = {PluginRegistry.class, WhiteboardPluginRegistry.class})
public final class WhiteboardPluginRegistry implements PluginRegistry {
    static final int FAILURE_THRESHOLD = 5;
    static final List<Class<?>> SPI_TYPES = List.of(NotificationChannel.class, JobHandler.class, OutcomeMeasure.class,
            Pathway.class, DeprivationLookup.class);

    private final BundleContext context;
    private final PluginGuard guard = new PluginGuard(Clock.systemUTC(), FAILURE_THRESHOLD);
    private final ServiceTracker<Object, ServiceReference<Object>> tracker;
    /** Services are fetched on first use, not when tracked: fetching activates them, and they may need this registry. */
    private final Map<ServiceReference<Object>, Object> fetched = new ConcurrentHashMap<>();

    @Activate
    public WhiteboardPluginRegistry(BundleContext context) throws InvalidSyntaxException {
        this.context = context;
        StringBuilder filter = new StringBuilder("(|");
        SPI_TYPES.forEach(type -> filter.append("(").append(Constants.OBJECTCLASS).append("=").append(type.getName()).append(")"));
        this.tracker = new ServiceTracker<>(context, context.createFilter(filter.append(")").toString()), null) {
            @Override
            public ServiceReference<Object> addingService(ServiceReference<Object> reference) {
                return reference;
            }

            @Override
            public void removedService(ServiceReference<Object> reference, ServiceReference<Object> tracked) {
                if (fetched.remove(reference) != null) {
                    context.ungetService(reference);
                }
                forgetIfGone(reference.getBundle());
            }
        };
        tracker.open();
    }

    private Object service(ServiceReference<Object> reference) {
        Object service = fetched.get(reference);
        if (service == null) {
            service = context.getService(reference);
            if (service == null) {
                return null;
            }
            Object earlier = fetched.putIfAbsent(reference, service);
            if (earlier != null) {
                context.ungetService(reference);
                service = earlier;
            }
        }
        return service;
    }

    @Deactivate
    void stop() {
        tracker.close();
        fetched.keySet().forEach(context::ungetService);
        fetched.clear();
        guard.shutdown();
    }

    /** A redeployed plugin starts with a clean record: its health is dropped with its last service. */
    private void forgetIfGone(Bundle bundle) {
        ServiceReference<Object>[] references = tracker.getServiceReferences();
        boolean stillContributes = references != null && java.util.Arrays.stream(references)
                .anyMatch(r -> r.getBundle() != null && r.getBundle().getBundleId() == bundle.getBundleId());
        if (!stillContributes) {
            guard.forget(bundle.getSymbolicName());
        }
    }

    @Override
    public <S> List<PluginService<S>> services(Class<S> type, String area) {
        ServiceReference<Object>[] references = tracker.getServiceReferences();
        if (references == null) {
            return List.of();
        }
        List<ServiceReference<Object>> sorted = new ArrayList<>(List.of(references));
        sorted.sort(Comparator.reverseOrder()); // highest ranking first
        List<PluginService<S>> usable = new ArrayList<>();
        for (ServiceReference<Object> reference : sorted) {
            Bundle bundle = reference.getBundle();
            // A bundle that is starting or stopping is left alone: fetching its service would activate a component
            // whose dependencies are coming or going.
            if (bundle == null || bundle.getState() != Bundle.ACTIVE) {
                continue;
            }
            Object service = service(reference);
            if (!type.isInstance(service) || guard.failed(bundle.getSymbolicName())) {
                continue;
            }
            String serviceArea = area(reference);
            if (area == null || serviceArea == null || serviceArea.equals(area)) {
                usable.add(new PluginService<>(type.cast(service), bundle.getSymbolicName(), serviceArea));
            }
        }
        return usable;
    }

    private static String area(ServiceReference<?> reference) {
        Object area = reference.getProperty(AREA);
        return area == null || area.toString().isBlank() ? null : area.toString();
    }

    @Override
    public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
        return guard.call(service.pluginId(), limit, () -> call.apply(service.service()));
    }

    /** Every bundle that contributes plugin services, with what the guard saw of it. */
    public List<PluginInfo> plugins() {
        ServiceReference<Object>[] references = tracker.getServiceReferences();
        Map<String, List<ServiceReference<Object>>> byBundle = new TreeMap<>();
        Map<String, Bundle> bundles = new TreeMap<>();
        if (references != null) {
            for (ServiceReference<Object> reference : references) {
                Bundle bundle = reference.getBundle();
                if (bundle != null) {
                    byBundle.computeIfAbsent(bundle.getSymbolicName(), k -> new ArrayList<>()).add(reference);
                    bundles.put(bundle.getSymbolicName(), bundle);
                }
            }
        }
        List<PluginInfo> plugins = new ArrayList<>();
        byBundle.forEach((id, refs) -> {
            Bundle bundle = bundles.get(id);
            PluginHealth health = guard.health(id);
            Set<String> areas = new java.util.TreeSet<>();
            List<String> contributions = new ArrayList<>();
            for (ServiceReference<Object> reference : refs) {
                areas.add(Objects.requireNonNullElse(area(reference), "*"));
                contributions.add(describe(reference));
            }
            contributions.sort(null);
            String area = areas.contains("*") ? null : String.join(",", areas);
            plugins.add(new PluginInfo(id, bundle.getHeaders().get(Constants.BUNDLE_NAME), bundle.getVersion().toString(),
                    bundle.getLocation().startsWith("mvn:org.waymark/"), health.failed() ? "failed" : "active", area,
                    contributions, health.calls(), health.errors(), health.timeouts(), health.lastError(),
                    health.lastErrorAt()));
        });
        return plugins;
    }

    private String describe(ServiceReference<Object> reference) {
        Object service = service(reference);
        try {
            if (service instanceof NotificationChannel channel) {
                return "NotificationChannel " + channel.name();
            }
            if (service instanceof JobHandler handler) {
                return "JobHandler " + handler.type();
            }
        } catch (RuntimeException e) {
            return "unnamed " + (service == null ? "service" : service.getClass().getSimpleName());
        }
        return String.valueOf(service);
    }

    /** Takes a failed plugin back into use; false if no bundle contributes plugin services under this id. */
    public boolean reset(String pluginId) {
        if (plugins().stream().noneMatch(p -> p.id().equals(pluginId))) {
            return false;
        }
        guard.health(pluginId).reset();
        return true;
    }
}
