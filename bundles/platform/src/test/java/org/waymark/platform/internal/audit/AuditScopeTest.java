package org.waymark.platform.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.waymark.api.security.Caller;

class AuditScopeTest {
    private static final Set<String> HUB = Set.of("sheffield", "islington");
    private static final Caller ISLA = user("isla", "islington");
    private static final Caller HUB_ADMIN = user("hub", "sheffield", "islington");
    private static final List<Caller> USERS = List.of(ISLA, HUB_ADMIN, user("ian", "islington"), user("linkworker", "sheffield", "islington"),
            user("shelley", "sheffield"), user("nobody"));
    /** People with a referral in Islington; "ps" is a person of Sheffield. */
    private static final Predicate<String> IN_ISLINGTON = "pi"::equals;

    @Test
    void anAdminOfEveryAreaOfTheDeploymentSeesTheWholeTrail() {
        AuditScope scope = new AuditScope(HUB_ADMIN, USERS, HUB);

        assertThat(scope.deploymentWide()).isTrue();
        assertThat(scope.visible(entry("shelley", "USER", "ps"), p -> false)).isTrue();
        assertThat(scope.visible(entry("demo-gp", "CLIENT", null), p -> false)).isTrue();
        assertThat(scope.visible(entry("system:retention", "USER", null), p -> false)).isTrue();
        assertThat(scope.needsPatientAreas(entry("shelley", "USER", "ps"))).isFalse();
    }

    @Test
    void anAreaUnknownToTheAdminMakesThemAnAreaAdminLikeAnyOther() {
        assertThat(new AuditScope(HUB_ADMIN, USERS, Set.of("sheffield", "islington", "elsewhere")).deploymentWide()).isFalse();
        assertThat(new AuditScope(user("empty"), List.of(), Set.of()).deploymentWide()).as("a deployment of no areas hides nothing")
                .isTrue();
    }

    @Test
    void anAreaAdminSeesTheirPeopleTheirStaffAndThemselvesButNothingOfAnotherArea() {
        AuditScope scope = new AuditScope(ISLA, USERS, HUB);

        assertThat(scope.deploymentWide()).isFalse();
        assertThat(scope.visible(entry("isla", "USER", null), IN_ISLINGTON)).as("herself").isTrue();
        assertThat(scope.visible(entry("ian", "USER", "ps"), IN_ISLINGTON)).as("all an Islington-only worker did").isTrue();
        assertThat(scope.visible(entry("linkworker", "USER", null), IN_ISLINGTON)).as("a shared worker's sign-in").isTrue();
        assertThat(scope.visible(entry("linkworker", "USER", "pi"), IN_ISLINGTON)).as("a shared worker reading her person").isTrue();
        assertThat(scope.visible(entry("shelley", "USER", "pi"), IN_ISLINGTON)).as("anyone reading her person").isTrue();
        assertThat(scope.visible(entry("demo-gp", "CLIENT", "pi"), IN_ISLINGTON)).as("a GP system sending her person").isTrue();

        assertThat(scope.visible(entry("linkworker", "USER", "ps"), IN_ISLINGTON)).as("which Sheffield people a shared worker read")
                .isFalse();
        assertThat(scope.visible(entry("shelley", "USER", "ps"), IN_ISLINGTON)).as("Sheffield's staff at work").isFalse();
        assertThat(scope.visible(entry("shelley", "USER", null), IN_ISLINGTON)).as("Sheffield's staff signing in").isFalse();
        assertThat(scope.visible(entry("demo-gp", "CLIENT", null), IN_ISLINGTON)).as("a machine client, about no one").isFalse();
        assertThat(scope.visible(entry("system:retention", "USER", null), IN_ISLINGTON)).as("a system job").isFalse();
        assertThat(scope.visible(entry("ian", "CLIENT", null), IN_ISLINGTON)).as("a client that shares a worker's name").isFalse();
        assertThat(scope.visible(entry("nobody", "USER", null), IN_ISLINGTON)).as("a user of no area").isFalse();
    }

    @Test
    void onlyEntriesWhosePersonDecidesAreLookedUpAndTheSqlKeepsOutOtherAreasStaff() {
        AuditScope scope = new AuditScope(ISLA, USERS, HUB);
        assertThat(scope.needsPatientAreas(entry("linkworker", "USER", "ps"))).isTrue();
        assertThat(scope.needsPatientAreas(entry("demo-gp", "CLIENT", "ps"))).isTrue();
        assertThat(scope.needsPatientAreas(entry("ian", "USER", "ps"))).isFalse();
        assertThat(scope.needsPatientAreas(entry("linkworker", "USER", null))).isFalse();

        List<Object> values = new ArrayList<>(List.of("earlier filter"));
        assertThat(scope.candidates(values)).isEqualTo("(patient_id IS NOT NULL OR (actor_kind = 'USER' AND actor IN (?,?,?,?)))");
        assertThat(values).first().isEqualTo("earlier filter");
        assertThat(values.subList(1, values.size())).containsExactlyInAnyOrder("isla", "hub", "ian", "linkworker");
    }

    @Test
    void aVeryLargeStaffLeavesTheActorToTheJavaCheck() {
        List<Caller> many = new ArrayList<>();
        for (int i = 0; i <= AuditScope.MAX_ACTORS_IN_SQL; i++) {
            many.add(user("worker" + i, "islington"));
        }
        List<Object> values = new ArrayList<>();
        AuditScope scope = new AuditScope(ISLA, many, HUB);
        assertThat(scope.candidates(values)).doesNotContain("?");
        assertThat(values).isEmpty();
        assertThat(scope.visible(entry("worker7", "USER", null), IN_ISLINGTON)).isTrue();
        assertThat(scope.visible(entry("shelley", "USER", null), IN_ISLINGTON)).isFalse();
    }

    private static Caller user(String name, String... areas) {
        return new Caller(name, Caller.Kind.USER, Set.of("link-worker"), Set.of(areas), false);
    }

    private static AuditResource.Entry entry(String actor, String kind, String patientId) {
        return new AuditResource.Entry(1, Instant.EPOCH, actor, kind, "READ", "Patient", patientId, patientId, null, null);
    }
}
