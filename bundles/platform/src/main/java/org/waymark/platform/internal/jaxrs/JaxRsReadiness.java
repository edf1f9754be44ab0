package org.waymark.platform.internal.jaxrs;

import org.waymark.platform.internal.features.FeatureMix;
import org.waymark.platform.internal.plugins.PluginApprovals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.karaf.features.BootFinished;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether every JAX-RS resource that the installed Waymark bundles declare is really being served. Health says UP
 * only when this holds, and {@link ReadinessGate} answers 503 with {@code Retry-After} to every request until it does,
 * so a client never meets a 404 for a route that is merely still starting.
 *
 * <p>The gaps this closes, each seen at start-up: a bundle is ACTIVE before SCR has read its component descriptions
 * (HAPI FHIR's bundle is large); a resource's component is satisfied before its service reaches the host; the host
 * reloads Jersey a moment after a resource arrives; Pax Web puts a whiteboard servlet in service asynchronously.
 *
 * <p>Requests ask on every call, so a positive answer is kept until something changes (a Waymark bundle's state, a
 * whiteboard service coming or going, an application servlet); a negative one is worked out again each time.
 */
@Component(service = JaxRsReadiness.class)
public final class JaxRsReadiness {
    private static final Logger LOG = LoggerFactory.getLogger(JaxRsReadiness.class);
    private static final String WAYMARK = "org.waymark.";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final AtomicInteger pending = new AtomicInteger();
    private final Set<String> servletNames = ConcurrentHashMap.newKeySet();
    /** Components (bundle id / component name) whose whiteboard service the host holds. */
    private final Set<String> served = ConcurrentHashMap.newKeySet();
    /** Components (bundle id / component name) SCR has had enabled: one disabled since then was switched off. */
    private final Set<String> enabledOnce = ConcurrentHashMap.newKeySet();
    private final SynchronousBundleListener bundles = event -> {
        Bundle bundle = event.getBundle();
        if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith(WAYMARK) && !PluginApprovals.isPlugin(bundle)
                && event.getType() != BundleEvent.RESOLVED && event.getType() != BundleEvent.UNRESOLVED) {
            changed();
        }
    };
    private volatile HttpServiceRuntime runtime;
    private volatile FeatureMix featureMix;
    private volatile boolean confirmed;

    @Activate
    public JaxRsReadiness(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
        context.addBundleListener(bundles);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(bundles);
    }

    /** The area's feature mix: features it installs or uninstalls after the boot are still coming or going. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindFeatureMix(FeatureMix mix) {
        featureMix = mix;
        changed();
    }

    void unbindFeatureMix(FeatureMix mix) {
        if (featureMix == mix) {
            featureMix = null;
            changed();
        }
    }

    /** The web container's own account of what it serves (Pax Web registers whiteboard servlets asynchronously). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(HttpServiceRuntime runtime) {
        this.runtime = runtime;
        changed();
    }

    void unbindRuntime(HttpServiceRuntime runtime) {
        if (this.runtime == runtime) {
            this.runtime = null;
            changed();
        }
    }

    /** A servlet registered on the whiteboard counts as served only once the web container lists it. */
    void hosting(String servletName) {
        servletNames.add(servletName);
        changed();
    }

    void unhosting(String servletName) {
        servletNames.remove(servletName);
        changed();
    }

    void serving(ServiceReference<?> reference) {
        served.add(key(reference));
        changed();
    }

    void notServing(ServiceReference<?> reference) {
        served.remove(key(reference));
        changed();
    }

    void adding() {
        pending.incrementAndGet();
    }

    /**
     * A core resource or extension comes: held back like {@link #adding()}. Said in the log when the node had already
     * been ready, since every request then meets a 503 until the resource is served: a readiness that flaps should
     * name its cause.
     */
    void arriving(ServiceReference<?> reference) {
        if (confirmed) {
            LOG.info("JAX-RS service {} of {} came after the node was ready; requests wait until it is served",
                    reference.getProperty(ComponentConstants.COMPONENT_NAME),
                    reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName());
        }
        adding();
    }

    void added() {
        pending.decrementAndGet();
    }

    private void changed() {
        confirmed = false;
    }

    /** True when every declared resource is served; cheap once it has held (requests ask on every call). */
    public boolean settled() {
        if (pending.get() != 0) {
            return false;
        }
        if (confirmed) {
            return true;
        }
        boolean ready = problems().isEmpty();
        if (ready && pending.get() == 0) {
            confirmed = true;
        }
        return ready;
    }

    /** What is still starting, for health's admin view and the logs; empty when {@link #settled()}. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        // On a first start Karaf installs the boot features after the framework has reached its start level, so a
        // bundle that is not installed yet is expected without being seen: the fhir application, served before the
        // fhir bundle was there, answered POST /fhir/ServiceRequest with an empty 404 (FaultIT's first-start probe).
        if (context.getServiceReference(BootFinished.class) == null) {
            problems.add("Karaf's boot features still being installed");
        }
        // Only while it is applied: a plugin's feature that does not start, or a refused mix, is for health to
        // report, not a reason to hold every route back.
        FeatureMix mix = featureMix;
        if (mix != null && mix.applying()) {
            problems.add("applying the configured feature mix");
        }
        if (pending.get() != 0) {
            problems.add("JAX-RS applications reloading");
        }
        if (!servletsInService()) {
            problems.add("application servlets not in service yet");
        }
        problems.addAll(unserved(views(), booting(), Set.copyOf(served)));
        return problems;
    }

    private boolean servletsInService() {
        HttpServiceRuntime current = runtime;
        if (current == null) {
            return false;
        }
        Set<String> inService = new HashSet<>();
        for (var servletContext : current.getRuntimeDTO().servletContextDTOs) {
            for (var servlet : servletContext.servletDTOs) {
                inService.add(servlet.name);
            }
        }
        return inService.containsAll(servletNames);
    }

    /** Until the framework reaches its beginning start level, a Waymark bundle meant to start is still expected. */
    private boolean booting() {
        FrameworkStartLevel framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkStartLevel.class);
        return framework != null && framework.getStartLevel()
                < beginningStartLevel(System.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL),
                        context.getProperty(Constants.FRAMEWORK_BEGINNING_STARTLEVEL));
    }

    /**
     * The start level the node climbs to. Karaf starts the framework at its lock level (1) and raises it to the
     * configured beginning level (100) only once it holds the lock, so the framework's own property says 1 and only the
     * system property, which Karaf sets to the configured level, says where the climb ends. Read from the framework,
     * readiness took every start as finished and a core bundle waiting its turn was never counted as coming.
     */
    static int beginningStartLevel(String systemProperty, String frameworkProperty) {
        for (String value : new String[] {systemProperty, frameworkProperty}) {
            if (value != null && !value.isBlank()) {
                try {
                    return Integer.parseInt(value.trim());
                } catch (NumberFormatException notANumber) {
                    // the framework itself ignores such a value too
                }
            }
        }
        return 1;
    }

    private List<BundleView> views() {
        List<BundleView> views = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            BundleView view = viewOf(bundle, scr, enabledOnce);
            if (view != null) {
                views.add(view);
            }
        }
        return views;
    }

    /**
     * One core Waymark bundle as readiness sees it, or null for a bundle that does not count. A feature change can
     * uninstall a bundle between listing it and asking about it; the framework then throws, and the bundle is simply
     * gone (health must still answer, and the bundle listener has already marked the change).
     */
    static BundleView viewOf(Bundle bundle, ServiceComponentRuntime scr, Set<String> enabledOnce) {
        try {
            String name = bundle.getSymbolicName();
            // Plugins come and go while the node serves: the core's readiness never waits for one (health lists them).
            if (name == null || !name.startsWith(WAYMARK) || bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null
                    || PluginApprovals.isPlugin(bundle)) {
                return null;
            }
            BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
            boolean meantToStart = startLevel != null && startLevel.isPersistentlyStarted();
            List<ComponentView> components = new ArrayList<>();
            if (bundle.getState() == Bundle.ACTIVE) {
                for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
                    boolean enabled = scr.isComponentEnabled(description);
                    String key = key(bundle.getBundleId(), description.name);
                    boolean switchedOff = !enabled && enabledOnce.contains(key);
                    if (enabled) {
                        enabledOnce.add(key);
                    }
                    components.add(componentOf(description, enabled, switchedOff,
                            enabled ? scr.getComponentConfigurationDTOs(description) : List.of()));
                }
            }
            return new BundleView(bundle.getBundleId(), name, bundle.getState(), meantToStart,
                    declaredComponents(bundle.getHeaders("").get("Service-Component")), components);
        } catch (IllegalStateException | IllegalArgumentException uninstalled) {
            return null;
        }
    }

    /**
     * How readiness sees one component. SCR enables a bundle's components one after another on the thread that started
     * the bundle, and a component has no configuration until its turn: one whose description says it is enabled, and
     * that needs no configuration, is coming even while SCR shows it disabled and unconfigured. Counting only the
     * configured ones let a node that had just started the directory bundle say UP while the directory's catalogue
     * loaded, then take it back when the bundle's next resource came (FeatureMixIT, in CI). One that SCR had enabled
     * and that is disabled now was switched off (an operator's {@code scr:disable}): it is not coming, and counting it
     * would answer every route 503 until it is switched on again.
     */
    static ComponentView componentOf(ComponentDescriptionDTO description, boolean enabled, boolean switchedOff,
                                     java.util.Collection<ComponentConfigurationDTO> configurations) {
        boolean resource = isTrue(description.properties.get(JaxRsHost.RESOURCE))
                || isTrue(description.properties.get(JaxRsHost.EXTENSION));
        if (configurations.isEmpty()) {
            boolean coming = (enabled || description.defaultEnabled && !switchedOff)
                    && !"require".equals(description.configurationPolicy);
            return new ComponentView(description.name, resource, false, coming);
        }
        boolean satisfied = false;
        for (ComponentConfigurationDTO configuration : configurations) {
            satisfied |= configuration.state == ComponentConfigurationDTO.SATISFIED
                    || configuration.state == ComponentConfigurationDTO.ACTIVE;
        }
        return new ComponentView(description.name, resource, satisfied, enabled);
    }

    private static boolean isTrue(Object value) {
        return value != null && "true".equalsIgnoreCase(value.toString());
    }

    /** bnd lists one descriptor per component; a header entry with a wildcard counts as at least one. */
    static int declaredComponents(String header) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        int count = 0;
        for (String entry : header.split(",")) {
            if (!entry.isBlank()) {
                count++;
            }
        }
        return count;
    }

    private static String key(ServiceReference<?> reference) {
        return key(reference.getBundle() == null ? -1 : reference.getBundle().getBundleId(),
                String.valueOf(reference.getProperty(ComponentConstants.COMPONENT_NAME)));
    }

    static String key(long bundleId, String componentName) {
        return bundleId + "/" + componentName;
    }

    /**
     * One component of a core bundle. {@code expected}: enabled and configured, so health counts it and a healthy
     * node has it satisfied; one that is still waiting for its references (tables being created on a first start, a
     * service of another bundle still activating) is a route that is not served yet, not a route that does not exist.
     */
    record ComponentView(String name, boolean resource, boolean satisfied, boolean expected) {
        ComponentView(String name, boolean resource, boolean satisfied) {
            this(name, resource, satisfied, satisfied);
        }
    }

    record BundleView(long id, String symbolicName, int state, boolean meantToStart, int declaredComponents,
                      List<ComponentView> components) {
    }

    /**
     * What keeps the declared routes from being served. A bundle starting or stopping, a bundle meant to start while
     * the framework is still booting, a bundle whose components SCR has not read yet, and an enabled, configured
     * resource component whose service the host does not hold yet all count, satisfied or still waiting for its
     * references: on a first start, resources waiting for their tables answered 404 between two reloads. Such a
     * component that never comes is a broken core (health says DOWN, and 503 is the right answer); plugins are not
     * looked at, so one broken plugin never stops every route.
     */
    static List<String> unserved(List<BundleView> bundles, boolean booting, Set<String> served) {
        List<String> problems = new ArrayList<>();
        for (BundleView bundle : bundles) {
            switch (bundle.state()) {
                case Bundle.STARTING, Bundle.STOPPING -> problems.add(bundle.symbolicName() + " starting or stopping");
                case Bundle.ACTIVE -> {
                    if (bundle.components().size() < bundle.declaredComponents()) {
                        problems.add(bundle.symbolicName() + " components not read yet");
                    }
                    for (ComponentView component : bundle.components()) {
                        if (component.resource() && component.expected()
                                && !served.contains(key(bundle.id(), component.name()))) {
                            problems.add(bundle.symbolicName() + "/" + component.name()
                                    + (component.satisfied() ? " not served yet" : " not satisfied yet"));
                        }
                    }
                }
                default -> {
                    if (booting && bundle.meantToStart()) {
                        problems.add(bundle.symbolicName() + " not started yet");
                    }
                }
            }
        }
        return problems;
    }
}
