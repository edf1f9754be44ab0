package org.waymark.platform.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import javax.ws.rs.core.SecurityContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.PatientAreas;
import org.waymark.api.security.AuditLog.Action;
import org.waymark.api.security.Caller;
import org.waymark.platform.internal.security.ClientAccounts;
import org.waymark.platform.internal.security.TokenService;
import org.waymark.platform.internal.security.UserAccounts;
import org.waymark.platform.internal.security.CallerSecurityContext;
import org.waymark.platform.testing.TestDatabase;

class AuditResourceTest {
    private static final Caller ISLA = user("isla", "admin", "islington");
    private static final Caller HUB = user("hub", "admin", "sheffield", "islington");
    private static final Caller IAN = user("ian", "link-worker", "islington");
    private static final Caller SHARED = user("linkworker", "link-worker", "sheffield", "islington");
    private static final Caller SHELLEY = user("shelley", "link-worker", "sheffield");
    private static final Caller GP = new Caller("demo-gp", Caller.Kind.CLIENT, Set.of("referrer"), Set.of("sheffield"), false);

    private JdbcAuditLog audit;
    private AuditResource resource;
    private final FakePatientAreas people = new FakePatientAreas(Map.of("pi", "islington", "ps", "sheffield"));

    @BeforeEach
    void setUp() throws Exception {
        DataSource db = TestDatabase.migrated("db/platform.xml");
        TokenService tokens = new TokenService(db, null);
        UserAccounts users = new UserAccounts(db, tokens, null);
        ClientAccounts clients = new ClientAccounts(db, tokens, null);
        for (Caller user : List.of(ISLA, HUB, IAN, SHARED, SHELLEY)) {
            users.createDemoUser(new UserAccounts.NewUser(user.id(), "password", user.roles(), user.areas()));
        }
        clients.createDemoClient(GP.id(), "secret", "sheffield");
        audit = new JdbcAuditLog(db, null);
        resource = new AuditResource(db, null, audit, users, clients);
        resource.bindPatientAreas(people);
        // Sheffield's busy trail with Islington's entries scattered through it, so that pages must read past others.
        for (int i = 0; i < 40; i++) {
            audit.record(SHELLEY, Action.READ, "ServiceRequest", "s" + i, "ps");
            audit.record(GP, Action.CREATE, "ServiceRequest", "g" + i, i % 5 == 0 ? "pi" : "ps");
            audit.record(SHARED, Action.READ, "Patient", "l" + i, i % 4 == 0 ? "pi" : "ps");
            if (i % 10 == 0) {
                audit.record(IAN, Action.READ, "Patient", "i" + i, "ps");
                audit.record(SHARED, Action.SEARCH, "ServiceRequest", "caseload " + i, null);
                audit.record(SHELLEY, Action.SEARCH, "ServiceRequest", "caseload " + i, null);
                audit.record(GP, Action.LOGIN, "Client", "token " + i, null);
            }
        }
    }

    @Test
    void anAreaAdminListsOnlyTheirAreasEntriesInFullPages() {
        List<AuditResource.Entry> all = search(ISLA, null, null, 200).items();

        // 8 GP sends and 10 shared reads of pi, 4 of Ian's reads, 4 shared searches.
        assertThat(all).hasSize(26).extracting(AuditResource.Entry::resourceId).allSatisfy(id -> assertThat(id).matches(
                "g(0|5|10|15|20|25|30|35)|l(0|4|8|12|16|20|24|28|32|36)|i\\d+|caseload \\d+"));
        assertThat(all).filteredOn(e -> e.actor().equals("linkworker") && e.patientId() == null).hasSize(4);
        assertThat(all).noneMatch(e -> e.actor().equals("shelley")).noneMatch(e -> "LOGIN".equals(e.action()));
        assertThat(people.asked).as("each person looked up once a request, never per row").containsExactlyInAnyOrder("pi", "ps");

        List<AuditResource.Entry> paged = new ArrayList<>();
        Long before = all.get(0).id() + 1;
        while (before != null) {
            AuditResource.Page page = search(ISLA, null, before, 4);
            assertThat(page.items()).as("a page is full unless it is the last").hasSize(page.nextBefore() == null ? 2 : 4);
            paged.addAll(page.items());
            before = page.nextBefore();
        }
        assertThat(paged).isEqualTo(all);
    }

    @Test
    void filtersNarrowTheScopeAndNeverWidenIt() {
        assertThat(search(ISLA, "shelley", null, 50).items()).isEmpty();
        assertThat(resource.search(null, "ps", null, null, null, null, null, 50, as(ISLA)).items())
                .as("Sheffield's person, only through what Ian did").extracting(AuditResource.Entry::actor).containsOnly("ian").hasSize(4);
        assertThat(search(HUB, "shelley", null, 200).items()).as("the hub's admin sees all of it").hasSize(44);
    }

    @Test
    void withoutTheReferralsAnAreaAdminSeesTheirStaffsEntriesOnly() {
        resource.unbindPatientAreas(people);

        assertThat(search(ISLA, null, null, 200).items()).extracting(AuditResource.Entry::actor).containsOnly("ian", "linkworker")
                .hasSize(8);
    }

    private AuditResource.Page search(Caller admin, String actor, Long before, int limit) {
        return resource.search(actor, null, null, null, null, null, before, limit, as(admin));
    }

    private static Caller user(String name, String role, String... areas) {
        return new Caller(name, Caller.Kind.USER, Set.of(role), Set.of(areas), false);
    }

    private static SecurityContext as(Caller caller) {
        return new CallerSecurityContext(caller, false);
    }

    /** Knows a few people's areas and remembers whom it was asked about. */
    private static final class FakePatientAreas implements PatientAreas {
        private final Map<String, String> areaOf;
        final List<String> asked = new ArrayList<>();

        FakePatientAreas(Map<String, String> areaOf) {
            this.areaOf = areaOf;
        }

        @Override
        public Set<String> referralAreas() {
            return new HashSet<>(areaOf.values());
        }

        @Override
        public Set<String> withReferralIn(Set<String> areas, Collection<String> patientIds) {
            asked.addAll(patientIds);
            Set<String> found = new HashSet<>();
            patientIds.stream().filter(p -> areas.contains(areaOf.get(p))).forEach(found::add);
            return found;
        }
    }
}
