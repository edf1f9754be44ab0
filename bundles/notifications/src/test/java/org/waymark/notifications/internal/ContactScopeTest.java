package org.waymark.notifications.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.Party;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

class ContactScopeTest {
    /** A regional hub: Sheffield and Islington, with a GP client in each and admins of one area or both. */
    private static final class Hub implements AreaDirectory {
        final Map<String, Set<String>> users = new java.util.HashMap<>(Map.of(
                "sadmin", Set.of("sheffield"), "iadmin", Set.of("islington"), "both", Set.of("sheffield", "islington"),
                "worker", Set.of("sheffield")));
        final Map<String, String> clients = new java.util.HashMap<>(Map.of("demo-gp", "sheffield", "islington-gp", "islington"));

        @Override
        public Optional<Set<String>> areasOfUser(String username) {
            return Optional.ofNullable(users.get(username));
        }

        @Override
        public Optional<String> areaOfClient(String clientId) {
            return Optional.ofNullable(clients.get(clientId));
        }

        @Override
        public Set<String> areas() {
            Set<String> all = new TreeSet<>(clients.values());
            users.values().forEach(all::addAll);
            return all;
        }
    }

    private final Hub hub = new Hub();
    private final ContactScope scope = new ContactScope(hub, (caller, patientId) -> patientId.equals("sheffield-patient")
            && caller.areas().contains("sheffield"));

    private static Caller admin(String name, String... areas) {
        return new Caller(name, Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of(areas), false);
    }

    private static Caller worker(String name, String... areas) {
        return new Caller(name, Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of(areas), false);
    }

    private void refused(Caller caller, Party party) {
        assertThatThrownBy(() -> scope.check(caller, party)).as(caller.id() + " on " + party)
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN);
                    assertThat(e.getMessage()).isEqualTo(ContactScope.OUTSIDE_AREAS);
                });
    }

    private void allowed(Caller caller, Party party) {
        assertThat(scope.check(caller, party)).as(caller.id() + " on " + party).isEqualTo(party);
    }

    @Test
    void anAdminOfOneAreaCannotTouchAnotherAreasGpStaffOrSafeguardingLead() {
        Caller islington = admin("iadmin", "islington");
        refused(islington, Party.organisation("demo-gp"));
        refused(islington, Party.team("safeguarding-lead:sheffield"));
        refused(islington, Party.staff("sadmin"));
        refused(islington, Party.staff("both"));
    }

    @Test
    void anAdminKeepsTheContactsOfTheirOwnArea() {
        Caller sheffield = admin("sadmin", "sheffield");
        allowed(sheffield, Party.organisation("demo-gp"));
        allowed(sheffield, Party.team("safeguarding-lead:sheffield"));
        allowed(sheffield, Party.staff("worker"));
        allowed(admin("iadmin", "islington"), Party.organisation("islington-gp"));
    }

    @Test
    void aStaffMemberOfSeveralAreasIsChangedOnlyByAnAdminOfAllOfThem() {
        refused(admin("sadmin", "sheffield"), Party.staff("both"));
        allowed(admin("both", "sheffield", "islington"), Party.staff("both"));
    }

    @Test
    void whatBelongsToNoKnownAreaIsLeftToAdminsOfEveryArea() {
        for (Party unknown : new Party[] {Party.team("link-worker"), Party.organisation("directory-service:42"),
                Party.organisation("no-such-client"), Party.staff("no-such-user")}) {
            refused(admin("sadmin", "sheffield"), unknown);
            allowed(admin("both", "sheffield", "islington"), unknown);
        }
    }

    @Test
    void onASingleAreaDeploymentItsAdminsKeepEverything() {
        hub.users.keySet().removeIf(u -> !u.equals("sadmin") && !u.equals("worker"));
        hub.clients.remove("islington-gp");
        Caller sheffield = admin("sadmin", "sheffield");
        allowed(sheffield, Party.team("link-worker"));
        allowed(sheffield, Party.organisation("directory-service:42"));
        allowed(sheffield, Party.organisation("demo-gp"));
        allowed(sheffield, Party.staff("worker"));
    }

    @Test
    void everyoneKeepsTheirOwnDetailsAndOnlyAdminsOthers() {
        allowed(worker("worker", "sheffield"), Party.staff("worker"));
        assertThatThrownBy(() -> scope.check(worker("worker", "sheffield"), Party.staff("sadmin")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> scope.check(worker("worker", "sheffield"), Party.organisation("demo-gp")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
    }

    @Test
    void aPersonIsSeenThroughTheReferralsOfTheCallersAreas() {
        allowed(worker("worker", "sheffield"), Party.person("sheffield-patient"));
        assertThatThrownBy(() -> scope.check(admin("iadmin", "islington"), Party.person("sheffield-patient")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void teamIdsNameTheirAreaAfterTheRole() {
        assertThat(ContactScope.teamArea("safeguarding-lead:sheffield")).contains("sheffield");
        assertThat(ContactScope.teamArea("admin")).isEmpty();
        assertThat(ContactScope.teamArea("safeguarding-lead:")).isEmpty();
    }
}
