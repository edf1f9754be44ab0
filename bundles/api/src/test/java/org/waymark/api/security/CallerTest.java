package org.waymark.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CallerTest {
    private final Caller admin = new Caller("ada", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);

    @Test
    void aUserReachesTheAreasAndRolesGivenAndNoOthers() {
        assertThat(admin.mayAccessArea("sheffield")).isTrue();
        assertThat(admin.mayAccessArea("islington")).isFalse();
        assertThat(admin.hasRole(Roles.ADMIN)).isTrue();
        assertThat(admin.hasRole(Roles.LINK_WORKER)).isFalse();
    }

    /** A request body without its area reached here and the immutable set threw: a 500 for POST /api/referrals/handover. */
    @Test
    void noAreaAndNoRoleAreNeverGranted() {
        assertThat(admin.mayAccessArea(null)).isFalse();
        assertThat(admin.hasRole(null)).isFalse();
    }

    @Test
    void aClientReachesNoAreaOfItsOwn() {
        Caller client = new Caller("gp", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
        assertThat(client.mayAccessArea("sheffield")).isFalse();
    }
}
