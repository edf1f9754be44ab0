package org.waymark.platform.internal.plugins;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.util.tracker.ServiceTracker;
import org.waymark.api.console.ConsolePanel;
import org.waymark.api.directory.PostcodeLookup;
import org.waymark.api.intake.IntakeValidator;
import org.waymark.api.jobs.JobHandler;
import org.waymark.api.pathway.Pathway;
import org.waymark.api.report.ReportDefinition;
import org.waymark.api.triage.TriageRule;
import org.waymark.api.measure.OutcomeMeasure;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.plugin.PluginCallException;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.plugin.PluginService;
import org.waymark.api.skills.DeprivationLookup;
import org.waymark.platform.internal.db.MigrationFailures;

/**
 * The whiteboard of plugin services. It tracks the SPI types listed in {@link #SPI_TYPES}, hands out the usable ones
 * per area, and guards every call through a {@link PluginGuard}: a bundle that misbehaves in
 * {@value #FAILURE_THRESHOLD} of its last calls is taken out of use.
 */
@Component(service = {PluginRegistry.class, WhiteboardPluginRegistry.class})
public final class WhiteboardPluginRegistry implements PluginRegistry {
    static final int FAILURE_THRESHOLD = 5;
    static final List<Class<?>> SPI_TYPES = List.of(NotificationChannel.class, JobHandler.class, OutcomeMeasure.class,
            TriageRule.class, Pathway.class, IntakeValidator.class, ConsolePanel.class, ReportDefinition.class,
            PostcodeLookup.class, DeprivationLookup.class);

    private final BundleContext context;
    private final PluginApprovals approvals;
    private final Bundle framework;
    private final PluginGuard guard = new PluginGuard(Clock.systemUTC(), FAILURE_THRESHOLD);
    private final ServiceTracker<Object, ServiceReference<Object>> tracker;
    /** Services are fetched on first use, not when tracked: fetching activates them, and they may need this registry. */
    private final Map<ServiceReference<Object>, Object> fetched = new ConcurrentHashMap<>();

    private final MigrationFailures migrations;
    private final DeclaredServices declared;
    /** Optional: without a deploy folder (or Karaf's features) there are no .kar files to judge. */
    private volatile FailedKars failedKars;

    @Activate
    public WhiteboardPluginRegistry(BundleContext context, @Reference PluginApprovals approvals,
                                    @Reference MigrationFailures migrations, @Reference ServiceComponentRuntime scr) throws InvalidSyntaxException {
        this.context = context;
        this.approvals = approvals;
        this.migrations = migrations;
        this.declared = new DeclaredServices(scr, Clock.systemUTC());
        this.framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setFailedKars(FailedKars kars) {
        failedKars = kars;
    }

    void unsetFailedKars(FailedKars gone) {
        if (failedKars == gone) {
            failedKars = null;
        }
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
        // While the framework stops, bundles stop one after another and a plugin's component loses the services it
        // needs while its own bundle is still active: fetching it then makes SCR return null and Felix log an ERROR
        // (the job poller did, in a CI run). Nothing started now would finish anyway.
        if (references == null || framework.getState() == Bundle.STOPPING) {
            return List.of();
        }
        // Only the services of this type are sorted and checked: intake asks on every referral, and sorting and
        // checking every tracked service each time showed in its profile.
        List<ServiceReference<Object>> offered = new ArrayList<>();
        for (ServiceReference<Object> reference : references) {
            if (offers(reference, type)) {
                offered.add(reference);
            }
        }
        offered.sort(Comparator.reverseOrder()); // highest ranking first
        List<PluginService<S>> usable = new ArrayList<>();
        for (ServiceReference<Object> reference : offered) {
            Bundle bundle = reference.getBundle();
            // A bundle that is starting or stopping is left alone: fetching its service would activate a component
            // whose dependencies are coming or going.
            if (bundle == null || bundle.getState() != Bundle.ACTIVE || !approvals.usable(bundle)) {
                continue;
            }
            String serviceArea = area(reference);
            if (guard.failed(bundle.getSymbolicName()) || (area != null && serviceArea != null && !serviceArea.equals(area))) {
                continue; // not fetched: fetching activates the component
            }
            Object service = service(reference);
            if (service == null) {
                // Its component failed to activate (SCR has logged why): counted like a failed call, so a plugin
                // whose services cannot start is marked failed and no longer tried on every referral.
                guard.health(bundle.getSymbolicName()).misbehaved("A " + type.getSimpleName()
                        + " of this plugin could not be activated", false, java.time.Instant.now());
                continue;
            }
            if (!type.isInstance(service)) {
                continue;
            }
            usable.add(new PluginService<>(type.cast(service), bundle.getSymbolicName(), serviceArea));
        }
        return usable;
    }

    private static boolean offers(ServiceReference<?> reference, Class<?> type) {
        Object classes = reference.getProperty(Constants.OBJECTCLASS);
        return classes instanceof String[] names && java.util.Arrays.asList(names).contains(type.getName());
    }

    private static String area(ServiceReference<?> reference) {
        Object area = reference.getProperty(AREA);
        return area == null || area.toString().isBlank() ? null : area.toString();
    }

    @Override
    public <S, T> T call(PluginService<S> service, Duration limit, PluginCall<S, T> call) throws PluginCallException {
        return guard.call(service.pluginId(), limit, () -> call.apply(service.service()));
    }

    /**
     * Every bundle that contributes plugin services, with what the guard saw of it: each installed version of a plugin
     * on its own (an upgrade dropped beside the last version is listed as awaiting approval, the last as in use).
     */
    public List<PluginInfo> plugins() {
        return plugins(true);
    }

    /** @param refusedKars with the .kar files Karaf refused, which are no bundle (nothing to reset or use) */
    private List<PluginInfo> plugins(boolean refusedKars) {
        ServiceReference<Object>[] references = tracker.getServiceReferences();
        Map<Long, List<ServiceReference<Object>>> byBundle = new TreeMap<>();
        Map<Long, Bundle> bundles = new TreeMap<>();
        if (references != null) {
            for (ServiceReference<Object> reference : references) {
                Bundle bundle = reference.getBundle();
                if (bundle != null) {
                    byBundle.computeIfAbsent(bundle.getBundleId(), k -> new ArrayList<>()).add(reference);
                    bundles.put(bundle.getBundleId(), bundle);
                }
            }
        }
        List<PluginInfo> plugins = new ArrayList<>();
        // Each bundle's component descriptions are asked of SCR once per listing, not once per question about them.
        Map<Long, DeclaredServices.Components> components = new java.util.HashMap<>();
        java.util.function.Function<Bundle, DeclaredServices.Components> declaredBy =
                bundle -> components.computeIfAbsent(bundle.getBundleId(), id -> declared.of(bundle));
        byBundle.forEach((id, refs) -> {
            Bundle bundle = bundles.get(id);
            if (!PluginApprovals.isPlugin(bundle) || declaredBy.apply(bundle).offering().isEmpty()) {
                plugins.add(info(bundle, registered(refs)));
            }
        });
        // A deployed plugin is listed with every service its components declare, registered or not (those waiting for
        // its tables are not, before its approval), and one that offers no SPI service (only a REST resource, say) is
        // listed too: it needs approval all the same.
        Bundle[] installed = context.getBundles();
        for (Bundle bundle : installed) {
            if (bundle.getSymbolicName() == null || !PluginApprovals.isPlugin(bundle)) {
                continue;
            }
            boolean registersSpi = byBundle.containsKey(bundle.getBundleId());
            if (registersSpi ? declaredBy.apply(bundle).offering().isEmpty() : !awaitsListing(bundle)) {
                continue;
            }
            plugins.add(info(bundle, declared(bundle, declaredBy.apply(bundle),
                    byBundle.getOrDefault(bundle.getBundleId(), List.of()))));
        }
        declared.keepOnly(java.util.Arrays.stream(installed).map(Bundle::getBundleId).toList());
        FailedKars kars = failedKars;
        if (kars != null && refusedKars) {
            plugins.addAll(kars.failed());
        }
        plugins.sort(Comparator.comparing(PluginInfo::id).thenComparing(PluginInfo::version));
        return plugins;
    }

    /** A plugin without registered SPI services that is listed all the same: it says it is one, or it cannot resolve. */
    private static boolean awaitsListing(Bundle bundle) {
        return bundle.getHeaders().get(PluginApprovals.PLUGIN_HEADER) != null
                || (UnresolvedBundles.deployedJar(bundle) && bundle.getState() == Bundle.INSTALLED);
    }

    /**
     * What a bundle contributes and where.
     *
     * @param components what SCR has read of its components, or null where the list is of its registered services
     */
    private record Contributions(String area, List<String> described, DeclaredServices.Components components) {
    }

    private Contributions registered(List<ServiceReference<Object>> refs) {
        Set<String> areas = new java.util.TreeSet<>();
        List<String> contributions = new ArrayList<>();
        for (ServiceReference<Object> reference : refs) {
            areas.add(Objects.requireNonNullElse(area(reference), "*"));
            contributions.add(describe(reference));
        }
        contributions.sort(null);
        return new Contributions(areas.contains("*") ? null : String.join(",", areas), contributions, null);
    }

    /**
     * What a plugin's components declare: a registered SPI service named as it names itself, the others by their kind
     * and component, with what keeps them from being used.
     */
    private Contributions declared(Bundle bundle, DeclaredServices.Components declaredComponents,
                                   List<ServiceReference<Object>> refs) {
        List<DeclaredServices.Declared> components = declaredComponents.offering();
        boolean usable = approvals.usable(bundle);
        boolean superseded = !usable && approvals.approved(bundle.getSymbolicName(), bundle.getVersion().toString());
        Set<String> areas = new java.util.TreeSet<>();
        List<String> contributions = new ArrayList<>();
        for (DeclaredServices.Declared component : components) {
            List<ServiceReference<Object>> registeredSpi = refs.stream()
                    .filter(r -> component.component().equals(r.getProperty("component.name"))).toList();
            String kind = kind(component);
            if (component.interfaces().stream().anyMatch(WhiteboardPluginRegistry::isSpi)) {
                areas.add(Objects.requireNonNullElse(component.area(), "*"));
            }
            if (usable && !registeredSpi.isEmpty()) {
                registeredSpi.forEach(r -> contributions.add(describe(r)));
                continue;
            }
            String name = component.component().substring(component.component().lastIndexOf('.') + 1);
            contributions.add(kind + " " + name + (superseded ? " (not in use: a later version is)" : waiting(component, usable)));
        }
        contributions.sort(null);
        return new Contributions(areas.isEmpty() || areas.contains("*") ? null : String.join(",", areas), contributions,
                declaredComponents);
    }

    private static String waiting(DeclaredServices.Declared component, boolean usable) {
        if (!usable) {
            return component.needsTables() ? " (not in use until approved; then starts once its tables exist)"
                    : " (not in use until approved)";
        }
        return component.waitingFor().map(why -> switch (why) {
            case DeclaredServices.TABLES -> " (waiting for its tables)";
            case "configuration" -> " (not started: waiting for its configuration)";
            case "disabled" -> " (disabled)";
            case "activation failed" -> " (failed to start)";
            default -> " (waiting for " + why.substring(why.lastIndexOf('.') + 1) + ")";
        }).orElse("");
    }

    private static boolean isSpi(String interfaceName) {
        return SPI_TYPES.stream().anyMatch(t -> t.getName().equals(interfaceName));
    }

    /** What an admin calls the service: the SPI type, a REST resource, a web servlet on its path, else its interface. */
    private static String kind(DeclaredServices.Declared component) {
        Optional<String> spi = component.interfaces().stream().filter(WhiteboardPluginRegistry::isSpi).findFirst();
        if (spi.isPresent()) {
            return simpleName(spi.get());
        }
        Map<String, Object> properties = component.properties();
        if ("true".equals(String.valueOf(properties.get("osgi.jaxrs.resource")))) {
            return "REST resource";
        }
        if ("true".equals(String.valueOf(properties.get("osgi.jaxrs.extension")))) {
            return "REST extension (sees requests)";
        }
        for (String web : List.of("servlet", "filter")) {
            Object pattern = properties.get("osgi.http.whiteboard." + web + ".pattern");
            if (pattern != null) {
                String patterns = pattern instanceof String[] many ? String.join(" ", many) : pattern.toString();
                return "web " + web + " " + patterns;
            }
        }
        return simpleName(component.interfaces().get(0));
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private PluginInfo info(Bundle bundle, Contributions contributed) {
        String area = contributed.area();
        List<String> contributions = contributed.described();
        String id = bundle.getSymbolicName();
        PluginHealth health = guard.health(id);
        boolean plugin = PluginApprovals.isPlugin(bundle);
        String version = bundle.getVersion().toString();
        String approvedBy = plugin ? approvals.approvedBy(id, version).orElse(null) : null;
        java.util.Optional<String> migrationFailure = migrations.of(bundle);
        Optional<String> unresolved = plugin ? UnresolvedBundles.reason(bundle, framework.adapt(FrameworkWiring.class))
                : Optional.empty();
        if (unresolved.isPresent()) {
            return new PluginInfo(id, bundle.getHeaders().get(Constants.BUNDLE_NAME), version, false, "failed", null,
                    List.of(), approvedBy, health.calls(), health.errors(), health.timeouts(), unresolved.get(), null);
        }
        DeclaredServices.Components components = contributed.components();
        if (plugin && components != null && components.unread()) {
            return new PluginInfo(id, bundle.getHeaders().get(Constants.BUNDLE_NAME), version, false, "failed", area,
                    contributions, approvedBy, health.calls(), health.errors(), health.timeouts(), "Only "
                    + components.read() + " of the " + components.named() + " component descriptions it names could be "
                    + "read (the log says why), so not all it offers is known or started", null);
        }
        // Until SCR has read all its components the list of what it offers is partial: not yet for an admin to approve.
        String state = plugin && components != null && !components.allRead() ? "starting"
                : plugin && approvedBy == null ? "awaiting-approval"
                : plugin && approvals.supersededBy(bundle).isPresent() ? "superseded"
                : bundle.getState() != Bundle.ACTIVE ? "inactive"
                : health.failed() || migrationFailure.isPresent() ? "failed" : "active";
        String lastError = migrationFailure.map(why -> "Its database migrations failed, so what needs its tables is not "
                + "started: " + why).orElse(health.lastError());
        return new PluginInfo(id, bundle.getHeaders().get(Constants.BUNDLE_NAME), version, !plugin, state, area,
                contributions, approvedBy, health.calls(), health.errors(), health.timeouts(), lastError,
                migrationFailure.isPresent() ? null : health.lastErrorAt());
    }

    private String describe(ServiceReference<Object> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null || !approvals.usable(bundle)) {
            // Fetching the service would activate an unapproved plugin's code: name what it offers instead.
            String[] types = (String[]) reference.getProperty(Constants.OBJECTCLASS);
            return types[0].substring(types[0].lastIndexOf('.') + 1) + " (not in use until approved)";
        }
        Object service = service(reference);
        if (service == null) {
            // Its component failed to activate (SCR logged why): listed as "null" before.
            String[] types = (String[]) reference.getProperty(Constants.OBJECTCLASS);
            Object component = reference.getProperty("component.name");
            return simpleName(types[0]) + (component == null ? "" : " " + simpleName(component.toString())) + " (failed to start)";
        }
        try {
            if (service instanceof NotificationChannel channel) {
                return "NotificationChannel " + channel.name();
            }
            if (service instanceof JobHandler handler) {
                return "JobHandler " + handler.type();
            }
            if (service instanceof TriageRule rule) {
                return "TriageRule " + rule.id();
            }
            if (service instanceof Pathway pathway) {
                return "Pathway " + pathway.id();
            }
            if (service instanceof IntakeValidator validator) {
                return "IntakeValidator " + validator.id();
            }
            if (service instanceof ConsolePanel panel) {
                return "ConsolePanel " + panel.id();
            }
            if (service instanceof ReportDefinition report) {
                return "ReportDefinition " + report.id();
            }
            if (service instanceof OutcomeMeasure) {
                return "OutcomeMeasure";
            }
            if (service instanceof PostcodeLookup) {
                return "PostcodeLookup";
            }
            if (service instanceof DeprivationLookup) {
                return "DeprivationLookup";
            }
        } catch (RuntimeException e) {
            return "unnamed " + (service == null ? "service" : service.getClass().getSimpleName());
        }
        return String.valueOf(service);
    }

    /** Takes a failed plugin back into use; false if no bundle contributes plugin services under this id. */
    public boolean reset(String pluginId) {
        if (plugins(false).stream().noneMatch(p -> p.id().equals(pluginId))) {
            return false;
        }
        guard.health(pluginId).reset();
        return true;
    }
}
