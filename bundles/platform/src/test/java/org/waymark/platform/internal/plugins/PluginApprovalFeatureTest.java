package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.ws.rs.container.ContainerRequestContext;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.testing.FakeBundles;

/**
 * Found probing: an unapproved plugin's route told every caller, strangers included, "Plugin org.example.x 1.0.0 is
 * installed but not approved": which plugins an area runs, and which versions, to anyone who guessed a path.
 */
class PluginApprovalFeatureTest {
    private static final Bundle PLUGIN = FakeBundles.bundle("org.example.leeds", "file:/data/deploy/leeds-1.2.3.kar",
            Map.of(PluginApprovals.PLUGIN_HEADER, "true"), "1.2.3");

    @Test
    void aStrangerOnAProtectedRouteIsAskedToAuthenticateAsOnAnyOther() {
        WaymarkException answer = refusal(request -> Optional.empty(), false);

        assertThat(answer.kind()).isEqualTo(WaymarkException.Kind.UNAUTHENTICATED);
        assertDisclosesNothing(answer);
    }

    @Test
    void aStrangerOnAnOpenRouteFindsNothingThere() {
        WaymarkException answer = refusal(request -> Optional.empty(), true);

        assertThat(answer.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND);
        assertThat(answer.getMessage()).isEqualTo(PluginApprovalFeature.NOTHING_HERE);
    }

    @Test
    void badCredentialsAreRefusedOnAProtectedRouteAndIgnoredOnAnOpenOne() {
        Function<ContainerRequestContext, Optional<Caller>> wrongPassword = request -> {
            throw new WaymarkException(WaymarkException.Kind.UNAUTHENTICATED, "The username or password is wrong");
        };

        assertThat(refusal(wrongPassword, false).kind()).isEqualTo(WaymarkException.Kind.UNAUTHENTICATED);
        WaymarkException open = refusal(wrongPassword, true);
        assertThat(open.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND);
        assertDisclosesNothing(open);
    }

    @Test
    void aWorkerWhoIsNotAnAdminFindsNothingThere() {
        Caller worker = new Caller("lw", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("leeds"), false);
        for (boolean open : new boolean[] {true, false}) {
            WaymarkException answer = refusal(request -> Optional.of(worker), open);

            assertThat(answer.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND);
            assertThat(answer.getMessage()).isEqualTo(PluginApprovalFeature.NOTHING_HERE);
        }
    }

    @Test
    void anAdminIsToldWhichPluginWaits() {
        Caller admin = new Caller("admin", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("leeds"), false);

        WaymarkException answer = refusal(request -> Optional.of(admin), false);

        assertThat(answer.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND);
        assertThat(answer.getMessage()).contains("org.example.leeds", "1.2.3");
    }

    /** The answer of the gate of an unapproved plugin's route (no approvals readable: nothing is usable). */
    private static WaymarkException refusal(Function<ContainerRequestContext, Optional<Caller>> callers, boolean open) {
        PluginApprovalFeature feature = new PluginApprovalFeature(() -> null, callers);
        return catchThrowableOfType(() -> feature.new Gate(PLUGIN, open).filter(null), WaymarkException.class);
    }

    private static void assertDisclosesNothing(WaymarkException answer) {
        assertThat(answer.getMessage()).doesNotContain("leeds", "1.2.3", "approv", "plugin", "Plugin");
    }
}
