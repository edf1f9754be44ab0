package org.waymark.platform.internal.jaxrs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.jaxrs.json.JacksonJsonProvider;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.servlet.Servlet;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.plugin.PluginApproval;
import org.waymark.platform.internal.BundlesStarted;
import org.waymark.platform.internal.RequestActivity;
import org.waymark.platform.internal.plugins.PluginApprovalFeature;
import org.waymark.platform.internal.plugins.PluginApprovals;
import org.waymark.platform.internal.security.AccessControlFeature;
import org.waymark.platform.internal.security.Authenticator;

/**
 * Hosts Waymark's JAX-RS resources on Jersey. Bundles register resources and extensions as OSGi services (OSGi JAX-RS
 * whiteboard property names); this host puts each into its application's Jersey servlet on the HTTP whiteboard, and
 * takes it out again when its bundle goes, so an endpoint lives exactly as long as the bundle that owns it.
 */
@Component(immediate = true)
public final class JaxRsHost implements RouteInventory {
    static final String RESOURCE = "osgi.jaxrs.resource";
    static final String EXTENSION = "osgi.jaxrs.extension";
    static final String SELECT = "osgi.jaxrs.application.select";
    private static final Logger LOG = LoggerFactory.getLogger(JaxRsHost.class);

    static final List<JaxRsApplication> APPLICATIONS = List.of(
            new JaxRsApplication(JaxRsApplication.DEFAULT, "/api", true, "Basic realm=\"waymark\""),
            new JaxRsApplication("fhir", "/fhir", false, "Bearer realm=\"waymark\""),
            new JaxRsApplication("oauth2", "/oauth2", true, "Bearer realm=\"waymark\""),
            new JaxRsApplication("directory", "/directory", true, "Bearer realm=\"waymark\""));

    private final BundleContext context;
    private final Authenticator authenticator;
    private final JacksonJsonProvider json;
    private final Map<ServiceReference<Object>, Object> services = new ConcurrentHashMap<>();
    private final Map<String, JaxRsServlet> servlets = new LinkedHashMap<>();
    private final List<ServiceRegistration<Servlet>> registrations = new ArrayList<>();
    private final ServiceTracker<Object, Object> tracker;
    /** Jersey and HK2 find their parts only through these bundles once started (see {@link BundlesStarted}). */
    static final List<String> JERSEY_BUNDLES = List.of("org.glassfish.jersey.core.jersey-common",
            "org.glassfish.hk2.osgi-resource-locator");
    private final BundlesStarted jersey;
    private final RoutesResource routesResource = new RoutesResource(this);
    static final long RELOAD_DELAY_MS = 30;
    private final JaxRsReadiness readiness;
    private final RequestActivity activity;
    private final ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "waymark-jaxrs-reload");
        thread.setDaemon(true);
        return thread;
    });
    private final ApplicationReloads reloads;

    /** Optional, so the API (health above all) is served while the database is away; plugin routes then stay shut. */
    private volatile PluginApprovals approvals;
    private volatile PluginApproval.Registration approvalEvents;
    private final PluginExtensionGate extensions = new PluginExtensionGate(bundle -> {
        PluginApprovals current = approvals;
        return current != null && current.usable(bundle);
    });
    private final ServedPluginVersions versions = new ServedPluginVersions(() -> approvals);

    @Activate
    public JaxRsHost(BundleContext context, @Reference Authenticator authenticator, @Reference JaxRsReadiness readiness,
                     @Reference RequestActivity activity) throws InvalidSyntaxException {
        this.context = context;
        this.authenticator = authenticator;
        this.readiness = readiness;
        this.activity = activity;
        this.json = new JacksonJsonProvider(objectMapper());
        this.reloads = new ApplicationReloads(reloader, RELOAD_DELAY_MS, readiness::adding, readiness::added,
                name -> servlets.get(name).refresh());
        for (JaxRsApplication application : APPLICATIONS) {
            servlets.put(application.name(), new JaxRsServlet(source(application), activity));
            readiness.hosting("waymark-jaxrs-" + application.name());
        }
        this.jersey = BundlesStarted.whenStarted(context, JERSEY_BUNDLES, "serving JAX-RS", () -> {
            JaxRsServlet.initialiseJersey().ifPresent(failure ->
                    LOG.warn("Jersey could not be initialised before its first request; it will be tried then", failure));
            registerServlets();
        });
        Filter whiteboard = context.createFilter("(|(" + RESOURCE + "=true)(" + EXTENSION + "=true))");
        this.tracker = new ServiceTracker<>(context, whiteboard, null) {
            @Override
            public Object addingService(ServiceReference<Object> reference) {
                // A plugin's resources come and go while the node serves: Jersey swaps in the new application without
                // failing requests, so only the core's own resources hold readiness back.
                boolean core = ServedPluginVersions.isCore(reference);
                if (core) {
                    readiness.arriving(reference);
                }
                try {
                    Object service = context.getService(reference);
                    if (service != null) {
                        services.put(reference, service);
                        refresh(reference, core);
                        readiness.serving(reference);
                    }
                    return service;
                } finally {
                    if (core) {
                        readiness.added();
                    }
                }
            }

            @Override
            public void modifiedService(ServiceReference<Object> reference, Object service) {
                refreshAll();
            }

            @Override
            public void removedService(ServiceReference<Object> reference, Object service) {
                services.remove(reference);
                extensions.forget(reference);
                readiness.notServing(reference);
                // Held like an arrival: until the reload, the served application would call the withdrawn object.
                refresh(reference, ServedPluginVersions.isCore(reference));
                context.ungetService(reference);
            }
        };
        tracker.open(true);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setApprovals(PluginApprovals approvals) {
        this.approvals = approvals;
        this.approvalEvents = approvals.onApproval(this::applyApprovedExtensions);
    }

    void unsetApprovals(PluginApprovals gone) {
        if (approvals == gone) {
            approvals = null;
            approvalEvents.close();
        }
    }

    /**
     * Reloads the applications of plugin extensions approved since they were left out. Runs on the approvals' thread,
     * which reads the database: not on the reloader, which is stopped by interrupting it (a thread interrupted inside
     * Derby's file I/O made the shutdown checkpoint hang past 60 s: FaultIT).
     */
    private void applyApprovedExtensions() {
        try {
            // An approved upgrade takes the paths of the version it supersedes (see PluginApprovals#current).
            if (versions.anyWithOtherVersions(services.keySet())) {
                refreshAll();
            }
            if (extensions.anyWaiting()) {
                extensions.approvedSince().forEach(reference -> refresh(uncheckedReference(reference), false));
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not look at the plugin extensions waiting for approval: {}", e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<Object> uncheckedReference(ServiceReference<?> reference) {
        return (ServiceReference<Object>) reference;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        tracker.close();
        reloader.shutdownNow();
        // A reload already running (a bundle's resources went away as the node stopped) must finish before Pax Web
        // destroys the servlet it reloads: Jersey's finaliser otherwise iterates what the destroy changes (a
        // ConcurrentModificationException, an ERROR line that failed an itest). Destroy itself must not wait for the
        // servlet's lock: a request still in flight would then hold the whole shutdown.
        if (!reloader.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("A JAX-RS reload was still running when the host stopped");
        }
        jersey.close(); // returns once a registration running in Jersey's starting thread has finished; none follows
        synchronized (registrations) {
            registrations.forEach(ServiceRegistration::unregister);
            registrations.clear();
        }
        servlets.keySet().forEach(name -> readiness.unhosting("waymark-jaxrs-" + name));
    }

    /** Hands the servlets to the HTTP whiteboard: only once Jersey can start them (see {@link BundlesStarted}). */
    private void registerServlets() {
        synchronized (registrations) {
            for (JaxRsApplication application : APPLICATIONS) {
                Dictionary<String, Object> properties = new Hashtable<>();
                properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, application.path() + "/*");
                properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "waymark-jaxrs-" + application.name());
                properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, true);
                registrations.add(context.registerService(Servlet.class, servlets.get(application.name()), properties));
            }
        }
    }

    static ObjectMapper objectMapper() {
        ObjectMapper mapper = new ObjectMapper()
                // Registered by hand: ServiceLoader-based module discovery does not see other bundles.
                .registerModule(new JavaTimeModule())
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // A value of the wrong type is the caller's mistake, not something to convert: {"family": 987} was stored as the
        // name "987", {"birthDate": 7000} as 7000 days after 1970 and {"startsAt": 3} as three seconds after it.
        for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        // Nor is a number of another kind or a number in quotes: {"score": 9.9} was stored as 9, {"score": "5"} as 5 and
        // {"consent": 1} counted as consent (found probing outcome measures and onward referrals).
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        // A body is one JSON value: {"a": 1} xyz is not that.
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.registerModule(new SimpleModule().setDeserializerModifier(new TextOnlyDateTimes()));
        // A field named twice is ambiguous, and a record's second value found no setter to go to: 500 (found probing
        // the merge, {"into": "a", "reason": "b", "into": "c"}). Refused as a syntax error instead.
        mapper.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.setAnnotationIntrospector(new RequiredFields());
        return mapper;
    }

    /** {@code holdsReadiness}: a core resource came or went, and requests wait until the application has the change. */
    private void refresh(ServiceReference<Object> changed, boolean holdsReadiness) {
        for (JaxRsApplication application : APPLICATIONS) {
            if (selects(changed, application)) {
                reloads.schedule(application.name(), holdsReadiness);
            }
        }
    }

    private void refreshAll() {
        servlets.keySet().forEach(name -> reloads.schedule(name, false));
    }

    private boolean selects(ServiceReference<Object> reference, JaxRsApplication application) {
        Object select = reference.getProperty(SELECT);
        if (select == null) {
            return application.name().equals(JaxRsApplication.DEFAULT);
        }
        try {
            return FrameworkUtil.createFilter(select.toString()).matches(application.properties());
        } catch (InvalidSyntaxException e) {
            LOG.warn("Service {} has an invalid {} filter; it is not hosted", reference.getProperty("service.id"), SELECT);
            return false;
        }
    }

    @Override
    public List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        collect(Resource.from(RoutesResource.class), "/api", RoutesResource.class, context.getBundle().getSymbolicName(), routes);
        for (JaxRsApplication application : APPLICATIONS) {
            services.forEach((reference, service) -> {
                if (selects(reference, application) && Resource.isAcceptable(service.getClass())
                        && service.getClass().isAnnotationPresent(javax.ws.rs.Path.class)) {
                    collect(Resource.from(service.getClass()), application.path(), service.getClass(),
                            reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName(), routes);
                }
            });
        }
        routes.sort(java.util.Comparator.comparing(Route::path).thenComparing(Route::method));
        return routes;
    }

    private static void collect(Resource resource, String parentPath, Class<?> resourceClass, String bundle, List<Route> routes) {
        String path = (parentPath + "/" + resource.getPath()).replaceAll("/+", "/").replaceAll("(.)/$", "$1");
        for (ResourceMethod method : resource.getResourceMethods()) {
            AccessControlFeature.Policy policy = AccessControlFeature.Policy.of(resourceClass,
                    method.getInvocable().getDefinitionMethod());
            routes.add(new Route(method.getHttpMethod(), path, policy.open(), policy.roles(), bundle,
                    method.getConsumedTypes().stream().map(Object::toString).toList()));
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, resourceClass, bundle, routes);
        }
    }

    private JaxRsServlet.Source source(JaxRsApplication application) {
        return new JaxRsServlet.Source() {
            @Override
            public ResourceConfig configuration(Set<ServiceReference<?>> leftOut) {
                return JaxRsHost.this.configuration(application, leftOut);
            }

            @Override
            public List<ServiceReference<?>> pluginServices() {
                // Oldest first: a plugin already serving keeps its routes when a newer one clashes with them.
                return services.keySet().stream().filter(r -> !ServedPluginVersions.isCore(r) && selects(r, application) && extensions.admits(r)
                                && versions.current(r))
                        .sorted(java.util.Comparator.comparing(r -> (Long) r.getProperty(Constants.SERVICE_ID)))
                        .<ServiceReference<?>>map(r -> r).toList();
            }

            @Override
            public void leftOut(ServiceReference<?> service, String why) {
                Bundle bundle = service.getBundle();
                Object instance = services.get(uncheckedReference(service));
                if (bundle == null || instance == null) {
                    // Unregistered while this reload ran (its plugin being removed): nothing is left out any more, and
                    // an ERROR naming "?" told the admin nothing (HotDeployIT met one while it removed its plugin).
                    LOG.debug("A plugin service gone during a reload was not served: {}", why);
                    return;
                }
                LOG.error("Plugin {} {}: {} is left out of {} because Jersey refuses it ({}). Give the plugin's resources "
                                + "paths of their own, e.g. under /{}/; the core's routes and the other plugins' are served as before",
                        bundle.getSymbolicName(), bundle.getVersion(), instance.getClass().getName(), application.path(), why,
                        shortName(bundle.getSymbolicName()));
            }
        };
    }

    /** The last part of a symbolic name, e.g. {@code pathfinder-leeds} of {@code uk.nhs.leeds.pathfinder-leeds}. */
    private static String shortName(String symbolicName) {
        return symbolicName.substring(symbolicName.lastIndexOf('.') + 1);
    }

    private ResourceConfig configuration(JaxRsApplication application, Set<ServiceReference<?>> leftOut) {
        ResourceConfig config = new ResourceConfig();
        config.setApplicationName("waymark-" + application.name());
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.property(ServerProperties.BV_FEATURE_DISABLE, true);
        config.property(ServerProperties.METAINF_SERVICES_LOOKUP_DISABLE, true);
        config.property(ServerProperties.FEATURE_AUTO_DISCOVERY_DISABLE, true);
        // Errors are answered by our mappers, never by the servlet container's error page.
        config.property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        config.property(ServerProperties.PROCESSING_RESPONSE_ERRORS_ENABLED, true);
        config.register(json);
        config.register(new ReadinessGate(readiness::settled, activity::stopping, application.path().equals("/fhir")));
        config.register(new PluginApprovalFeature(() -> approvals, authenticator::authenticate));
        config.register(new AccessControlFeature(authenticator, !application.name().equals("oauth2")));
        config.register(new RequestIdFilter());
        config.register(new BodySizeLimitFilter(BodySizeLimitFilter.DEFAULT_LIMIT));
        config.register(new FormBodyFeature());
        config.register(new JsonBodyFeature());
        config.register(new ResponseHeadersFilter(application.challenge()));
        if (application.problemJson()) {
            config.register(new ProblemExceptionMapper());
        }
        if (application.name().equals(JaxRsApplication.DEFAULT)) {
            config.register(routesResource);
        }
        services.forEach((reference, service) -> {
            if (selects(reference, application) && extensions.admits(reference) && !leftOut.contains(reference)
                    && versions.current(reference)) {
                config.registerInstances(service);
            }
        });
        return config;
    }
}
