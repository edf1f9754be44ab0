package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.waymark.platform.internal.jaxrs.JaxRsReadiness.BundleView;
import org.waymark.platform.internal.jaxrs.JaxRsReadiness.ComponentView;

class ReadinessGateTest {
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final AtomicBoolean stopping = new AtomicBoolean(false);

    @Path("/ServiceRequest")
    public static final class Registered {
        @GET
        public String get() {
            return "served";
        }
    }

    @Path("/health")
    public static final class Health {
        @GET
        public String get() {
            return "health answers for itself";
        }
    }

    private ContainerResponse get(boolean fhir, String path) throws Exception {
        ApplicationHandler handler = new ApplicationHandler(new ResourceConfig().property(org.glassfish.jersey.server.ServerProperties.WADL_FEATURE_DISABLE, true)
                .register(new ReadinessGate(ready::get, stopping::get, fhir)).register(Registered.class).register(Health.class));
        return handler.apply(new ContainerRequest(URI.create("http://localhost/"), URI.create("http://localhost/" + path),
                "GET", null, new MapPropertiesDelegate(), handler.getConfiguration())).get();
    }

    @Test
    void aRouteNotYetRegisteredAnswers503WithRetryAfterInsteadOf404WhileStarting() throws Exception {
        ContainerResponse fhir = get(true, "Task");
        assertThat(fhir.getStatus()).isEqualTo(503);
        assertThat(fhir.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(fhir.getMediaType().toString()).isEqualTo("application/fhir+json");
        assertThat(fhir.getEntity().toString()).contains("\"resourceType\":\"OperationOutcome\"", "\"code\":\"transient\"");

        ContainerResponse api = get(false, "referrals");
        assertThat(api.getStatus()).isEqualTo(503);
        assertThat(api.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(api.getEntity().toString()).contains("\"status\":503");
    }

    @Test
    void registeredRoutesAreGatedToo() throws Exception {
        assertThat(get(true, "ServiceRequest").getStatus()).isEqualTo(503);
        ready.set(true);
        ContainerResponse served = get(true, "ServiceRequest");
        assertThat(served.getStatus()).isEqualTo(200);
        assertThat(served.getEntity()).isEqualTo("served");
        assertThat(get(true, "Task").getStatus()).as("a route that really does not exist, once ready").isEqualTo(404);
    }

    @Test
    void onceStoppingEveryRouteAndHealthAnswer503WithRetryAfterSayingSo() throws Exception {
        ready.set(true);
        stopping.set(true);

        ContainerResponse fhir = get(true, "ServiceRequest");
        assertThat(fhir.getStatus()).isEqualTo(503);
        assertThat(fhir.getHeaderString("Retry-After")).isEqualTo("1");
        assertThat(fhir.getEntity().toString()).contains("\"resourceType\":\"OperationOutcome\"", "Waymark is stopping");

        ContainerResponse health = get(false, "health");
        assertThat(health.getStatus()).as("a load balancer takes the node out").isEqualTo(503);
        assertThat(health.getMediaType().toString()).isEqualTo("application/problem+json");
        assertThat(health.getEntity().toString()).contains("Waymark is stopping");
    }

    @Test
    void healthAnswersForItselfWhileStartingOnlyOnTheApi() throws Exception {
        assertThat(get(false, "health").getStatus()).isEqualTo(200);
        assertThat(get(true, "health").getStatus()).isEqualTo(503);
    }

    private static BundleView active(long id, int declared, ComponentView... components) {
        return new BundleView(id, "org.waymark.b" + id, Bundle.ACTIVE, true, declared, List.of(components));
    }

    @Test
    void aBundleWhoseComponentsScrHasNotReadIsNotReady() {
        assertThat(JaxRsReadiness.unserved(List.of(active(7, 3)), false, Set.of()))
                .containsExactly("org.waymark.b7 components not read yet");
    }

    @Test
    void aSatisfiedResourceIsExpectedUntilTheHostServesIt() {
        List<BundleView> bundles = List.of(active(7, 2, new ComponentView("ServiceRequestResource", true, true),
                new ComponentView("Mapper", false, true)));
        assertThat(JaxRsReadiness.unserved(bundles, false, Set.of()))
                .containsExactly("org.waymark.b7/ServiceRequestResource not served yet");
        assertThat(JaxRsReadiness.unserved(bundles, false, Set.of(JaxRsReadiness.key(7, "ServiceRequestResource")))).isEmpty();
        assertThat(JaxRsReadiness.unserved(bundles, false, Set.of(JaxRsReadiness.key(8, "ServiceRequestResource"))))
                .as("the same component name in another bundle").hasSize(1);
    }

    @Test
    void aResourceStillWaitingForItsReferencesIsNotServedYet() {
        // First start: the referrals tables are being created, so the resources that need them are unsatisfied; the
        // application served without them answered 404 for /fhir/ServiceRequest between two reloads.
        List<BundleView> bundles = List.of(active(7, 1, new ComponentView("ServiceRequestResource", true, false, true)));
        assertThat(JaxRsReadiness.unserved(bundles, false, Set.of()))
                .containsExactly("org.waymark.b7/ServiceRequestResource not satisfied yet");
    }

    @Test
    void aDisabledOrUnconfiguredResourceIsNotExpected() {
        List<BundleView> bundles = List.of(active(7, 1, new ComponentView("OffByConfiguration", true, false, false)));
        assertThat(JaxRsReadiness.unserved(bundles, false, Set.of())).isEmpty();
    }

    @Test
    void bundlesMeantToStartAreExpectedWhileBooting() {
        BundleView resolved = new BundleView(9, "org.waymark.fhir", Bundle.RESOLVED, true, 12, List.of());
        assertThat(JaxRsReadiness.unserved(List.of(resolved), true, Set.of())).containsExactly("org.waymark.fhir not started yet");
        assertThat(JaxRsReadiness.unserved(List.of(resolved), false, Set.of())).as("a plugin that failed to start, after boot").isEmpty();
        BundleView starting = new BundleView(9, "org.waymark.fhir", Bundle.STARTING, true, 12, List.of());
        assertThat(JaxRsReadiness.unserved(List.of(starting), false, Set.of())).hasSize(1);
    }

    @Test
    void descriptorsAreCountedFromTheServiceComponentHeader() {
        assertThat(JaxRsReadiness.declaredComponents(null)).isZero();
        assertThat(JaxRsReadiness.declaredComponents("OSGI-INF/a.xml,OSGI-INF/b.xml, OSGI-INF/c.xml")).isEqualTo(3);
    }
}
