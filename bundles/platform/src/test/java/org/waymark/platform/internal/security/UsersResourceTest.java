package org.waymark.platform.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class UsersResourceTest {
    private final List<String> audited = new java.util.ArrayList<>();
    private final AuditLog audit = (caller, action, type, id, patient) -> audited.add(action + " " + type + " " + id);
    private TokenService tokens;
    private UserAccounts accounts;
    private UsersResource users;
    private final Caller sheffieldAdmin = new Caller("sheffadmin", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);

    @BeforeEach
    void setUp() throws Exception {
        DataSource db = TestDatabase.migrated("db/platform.xml");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T09:00:00Z"));
        tokens = new TokenService(db, clock);
        accounts = new UserAccounts(db, tokens, clock);
        TwoFactor twoFactor = new TwoFactor(db, clock, Set.of(Roles.ADMIN), "Waymark Test");
        users = new UsersResource(accounts, audit, new TwoFactorResetCommand(twoFactor, audit));
        accounts.createUser(new UserAccounts.NewUser("sheffadmin", "admin password 1", Set.of(Roles.ADMIN), Set.of("sheffield")));
        accounts.createUser(new UserAccounts.NewUser("worker", "worker password 1", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
    }

    @Test
    void aPasswordResetEndsTheSessionsSignedInWithTheOldPassword() {
        TokenService.Session stolen = tokens.startSession(accounts.findUser("worker").orElseThrow());
        TokenService.Session adminsOwn = tokens.startSession(accounts.findUser("sheffadmin").orElseThrow());
        TokenService.Session adminsOther = tokens.startSession(accounts.findUser("sheffadmin").orElseThrow());

        String password = users.resetPassword("worker", adminsOwn.id(), as(sheffieldAdmin)).get("temporaryPassword");
        assertThat(tokens.resolveSession(stolen.id())).as("the session of whoever had the old password").isEmpty();
        assertThat(accounts.verifyUser("worker", password)).isPresent();
        assertThat(tokens.resolveSession(adminsOwn.id())).as("another user's reset leaves the admin alone").isPresent();

        users.resetPassword("sheffadmin", adminsOwn.id(), as(sheffieldAdmin));
        assertThat(tokens.resolveSession(adminsOwn.id())).as("an admin resetting their own password stays signed in").isPresent();
        assertThat(tokens.resolveSession(adminsOther.id())).as("but their other sessions end").isEmpty();
        assertThat(audited).contains("ADMIN User worker password reset");
    }

    @Test
    void nullOrBlankRolesAndAreasAreABadRequestNotAServerError() {
        for (UsersResource.NewUser user : List.of(
                new UsersResource.NewUser("newbie", setOf(Roles.LINK_WORKER), setOf((String) null)),
                new UsersResource.NewUser("newbie", setOf((String) null), setOf("sheffield")),
                new UsersResource.NewUser("newbie", setOf(Roles.LINK_WORKER), setOf("sheffield", " ")))) {
            assertThatThrownBy(() -> users.create(user, as(sheffieldAdmin)))
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        }
        assertThat(accounts.findUser("newbie")).isEmpty();
    }

    @Test
    void anAdminCreatesUsersOfTheirOwnAreasOnly() {
        assertThatThrownBy(() -> users.create(new UsersResource.NewUser("islworker", Set.of(Roles.LINK_WORKER),
                Set.of("sheffield", "islington")), as(sheffieldAdmin)))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
        assertThat(users.create(new UsersResource.NewUser("newbie", Set.of(Roles.LINK_WORKER), Set.of("sheffield")),
                as(sheffieldAdmin)).getStatus()).isEqualTo(201);
    }

    /** HashSet: Set.of refuses nulls, and JSON bodies are read into sets that take them. */
    private static Set<String> setOf(String... values) {
        return new HashSet<>(Arrays.asList(values));
    }

    private static CallerSecurityContext as(Caller caller) {
        return new CallerSecurityContext(caller, false);
    }
}
