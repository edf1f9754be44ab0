package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import java.util.Set;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.internal.security.CallerSecurityContext;

/**
 * Found probing: an admin of Sheffield only approved a version of the Islington pathfinder plugin, whose triage rules,
 * intake checks and channels then ran on Islington's referrals; and took failed plugins back into use.
 */
class PluginsResourceTest {
    private static final AreaDirectory TWO_AREAS = new AreaDirectory() {
        @Override
        public Optional<Set<String>> areasOfUser(String username) {
            return Optional.empty();
        }

        @Override
        public Optional<String> areaOfClient(String clientId) {
            return Optional.empty();
        }

        @Override
        public Set<String> areas() {
            return Set.of("sheffield", "islington");
        }
    };

    // Neither the registry nor the commands are reached: the refusal comes first.
    private final PluginsResource resource = new PluginsResource(null, null, TWO_AREAS);

    @Test
    void anAdminOfOneAreaCannotApproveAPlugin() {
        WaymarkException refused = catchThrowableOfType(() -> resource.approve("org.waymark.pathfinder-islington",
                new PluginsResource.Approval("9.9.8"), as(sheffieldAdmin())), WaymarkException.class);

        assertThat(refused.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN);
        assertThat(refused.getMessage()).contains("only an admin of every area");
    }

    @Test
    void anAdminOfOneAreaCannotTakeAPluginBackIntoUse() {
        WaymarkException refused = catchThrowableOfType(() -> resource.reset("org.waymark.pathfinder-islington",
                as(sheffieldAdmin())), WaymarkException.class);

        assertThat(refused.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN);
    }

    private static Caller sheffieldAdmin() {
        return new Caller("shefa", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);
    }

    private static SecurityContext as(Caller caller) {
        return new CallerSecurityContext(caller, true);
    }
}
