package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.servlet.ServletConfig;
import javax.servlet.ServletContext;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.waymark.platform.internal.RequestActivity;

class JaxRsServletTest {

    @Path("/health")
    public static final class CoreHealth {
        @GET
        public String health() {
            return "core";
        }
    }

    /** A plugin's mistake: the path and method of a core route. */
    @Path("/health")
    public static final class ClashingPluginResource {
        @GET
        public String health() {
            return "plugin";
        }
    }

    @Path("/pathfinder-leeds/texts")
    public static final class PluginResource {
        @GET
        public String texts() {
            return "texts";
        }
    }

    /** The host's view: core classes always, plugin resources (each under a fake service reference) unless left out. */
    private static final class FakeSource implements JaxRsServlet.Source {
        final Map<ServiceReference<?>, Class<?>> plugins = new java.util.LinkedHashMap<>();
        final List<String> leftOut = new ArrayList<>();
        /** A core change Jersey refuses, which no plugin can be blamed for. */
        boolean coreBroken;

        @Override
        public ResourceConfig configuration(Set<ServiceReference<?>> excluded) {
            ResourceConfig config = new ResourceConfig().property(ServerProperties.WADL_FEATURE_DISABLE, true).register(CoreHealth.class);
            if (coreBroken) {
                config.register(ClashingPluginResource.class);
            }
            plugins.forEach((reference, resource) -> {
                if (!excluded.contains(reference)) {
                    config.register(resource);
                }
            });
            return config;
        }

        @Override
        public List<ServiceReference<?>> pluginServices() {
            return List.copyOf(plugins.keySet());
        }

        @Override
        public void leftOut(ServiceReference<?> service, String why) {
            leftOut.add(plugins.get(service).getSimpleName() + ": " + why);
        }
    }

    private final FakeSource source = new FakeSource();
    private final JaxRsServlet servlet = new JaxRsServlet(source, new RequestActivity());

    @AfterEach
    void stop() {
        servlet.destroy();
    }

    @Test
    void aPluginResourceThatClashesWithACoreRouteIsLeftOutAndTheRestIsServed() throws Exception {
        servlet.init(config());
        assertThat(get("health")).isEqualTo("200 core");

        source.plugins.put(reference(), ClashingPluginResource.class);
        source.plugins.put(reference(), PluginResource.class);
        servlet.refresh();

        assertThat(get("health")).as("the core's route still answers").isEqualTo("200 core");
        assertThat(get("pathfinder-leeds/texts")).as("a plugin's sound resource is served").isEqualTo("200 texts");
        assertThat(source.leftOut).singleElement().satisfies(reason -> assertThat(reason)
                .startsWith("ClashingPluginResource: ").contains("GET").contains("CoreHealth"));
    }

    @Test
    void theApiRecoversOnceTheClashingPluginIsGone() throws Exception {
        servlet.init(config());
        ServiceReference<?> clash = reference();
        source.plugins.put(clash, ClashingPluginResource.class);
        servlet.refresh();

        source.plugins.remove(clash);
        source.plugins.put(reference(), PluginResource.class);
        servlet.refresh();

        assertThat(get("health")).isEqualTo("200 core");
        assertThat(get("pathfinder-leeds/texts")).isEqualTo("200 texts");
    }

    @Test
    void anApplicationJerseyRefusesNeverReplacesTheRunningOne() throws Exception {
        servlet.init(config());
        ApplicationHandler running = servlet.application();

        source.coreBroken = true;
        assertThatThrownBy(servlet::refresh).isInstanceOf(RuntimeException.class);

        assertThat(servlet.application()).isSameAs(running);
        assertThat(get("health")).isEqualTo("200 core");
    }

    private String get(String path) throws Exception {
        ApplicationHandler handler = servlet.application();
        ContainerRequest request = new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost/" + path),
                "GET", null, new MapPropertiesDelegate(), handler.getConfiguration());
        var response = handler.apply(request).get();
        return response.getStatus() + " " + response.getEntity();
    }

    private static ServiceReference<?> reference() {
        return (ServiceReference<?>) Proxy.newProxyInstance(JaxRsServletTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private static ServletConfig config() {
        ServletContext context = (ServletContext) Proxy.newProxyInstance(JaxRsServletTest.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> defaultAnswer(method.getReturnType()));
        return (ServletConfig) Proxy.newProxyInstance(JaxRsServletTest.class.getClassLoader(),
                new Class<?>[] {ServletConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getServletContext" -> context;
                    case "getServletName" -> "test";
                    default -> defaultAnswer(method.getReturnType());
                });
    }

    private static Object defaultAnswer(Class<?> type) {
        if (type == Enumeration.class) {
            return Collections.emptyEnumeration();
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        return null;
    }
}
