package org.waymark.pathfinder.sheffield.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;
import org.waymark.api.error.WaymarkException;
import javax.ws.rs.core.SecurityContext;

import org.junit.jupiter.api.Test;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

class LettersResourceTest {
    private static final Caller ISLINGTON_WORKER = new Caller("ish-lw", Caller.Kind.USER, Set.of(Roles.LINK_WORKER),
            Set.of("islington"), false);

    /**
     * Found probing: letters are kept per person, and a person referred in Sheffield and in Islington had the Sheffield
     * service's letters listed to an Islington-only link worker through their Islington referral.
     */
    @Test
    void anotherAreasReferralOfThePersonShowsNoneOfSheffieldsLetters() {
        List<String> audited = new ArrayList<>();
        AuditLog audit = (caller, action, type, id, patient) -> audited.add(type + " " + id);
        DataSource database = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    throw new AssertionError("the letters of another area's referral are not read");
                });
        LettersResource resource = new LettersResource(database, referrals(referral("isl-1", "islington")), audit);

        assertThatThrownBy(() -> resource.letters("isl-1", as(ISLINGTON_WORKER))).isInstanceOf(WaymarkException.class)
                .hasMessageNotContaining("isl-1");
        assertThat(audited).as("nothing was read").isEmpty();
    }

    private static Referral referral(String id, String area) {
        Instant at = Instant.parse("2026-06-01T10:00:00Z");
        return new Referral(id, "task-" + id, "patient-1", null, "A Person", "demo-gp", area, null, null, ReferralStatus.ACCEPTED,
                null, "Lonely", null, "routine", at, null, null, null, 1, at, at);
    }

    /** A referral service that finds only this referral (the caller's areas are the core's to check). */
    private static ReferralService referrals(Referral only) {
        return (ReferralService) Proxy.newProxyInstance(LettersResourceTest.class.getClassLoader(), new Class<?>[] {ReferralService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("find") && args.length == 2) {
                        return only.id().equals(args[1]) ? Optional.of(only) : Optional.empty();
                    }
                    throw new AssertionError("The resource does not call " + method.getName());
                });
    }

    private static SecurityContext as(Caller caller) {
        return (SecurityContext) Proxy.newProxyInstance(LettersResourceTest.class.getClassLoader(), new Class<?>[] {SecurityContext.class},
                (proxy, method, args) -> method.getName().equals("getUserPrincipal") ? (Principal) new CallerPrincipal(caller) : null);
    }
}
