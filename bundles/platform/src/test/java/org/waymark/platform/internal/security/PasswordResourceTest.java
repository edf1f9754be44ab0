package org.waymark.platform.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import javax.ws.rs.container.ContainerRequestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;

class PasswordResourceTest {
    private final List<String> audited = new ArrayList<>();
    private final AuditLog audit = (caller, action, type, id, patient) -> audited.add(action + " " + type + " " + id);
    /** A request from nowhere in particular: the resource only asks it for the remote address. */
    private final ContainerRequestContext request = (ContainerRequestContext) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ContainerRequestContext.class}, (proxy, method, args) -> null);
    private TokenService tokens;
    private UserAccounts accounts;
    private PasswordResource passwords;
    private Caller worker;

    @BeforeEach
    void setUp() throws Exception {
        DataSource db = TestDatabase.migrated("db/platform.xml");
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T09:00:00Z"));
        tokens = new TokenService(db, clock);
        accounts = new UserAccounts(db, tokens, clock);
        LoginGuard guard = new LoginGuard(db, audit, clock, 3, 10, Duration.ofMinutes(15), Duration.ofMinutes(10));
        passwords = new PasswordResource(accounts, guard, audit);
        accounts.createUser(new UserAccounts.NewUser("worker", "temporary-123", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        worker = accounts.findUser("worker").orElseThrow();
    }

    @Test
    void aUserReplacesTheTemporaryPasswordAndTheirOtherSessionsEnd() {
        TokenService.Session here = tokens.startSession(worker);
        TokenService.Session elsewhere = tokens.startSession(worker);

        assertThat(passwords.change(new PasswordResource.Change("temporary-123", "Ünïcødé pässwörd 7"), here.id(), as(worker), request)
                .getStatus()).isEqualTo(204);
        assertThat(accounts.verifyUser("worker", "temporary-123")).as("the admin's temporary password").isEmpty();
        assertThat(accounts.verifyUser("worker", "Ünïcødé pässwörd 7")).isPresent();
        assertThat(tokens.resolveSession(here.id())).as("the session they changed it in").isPresent();
        assertThat(tokens.resolveSession(elsewhere.id())).isEmpty();
        assertThat(audited).contains("ADMIN User worker changed their password");
    }

    @Test
    void theCurrentPasswordIsCheckedAndWrongOnesCountTowardsTheLockout() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> passwords.change(new PasswordResource.Change("guess-12345", "new password 1"), null, as(worker), request))
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
        }
        assertThatThrownBy(() -> passwords.change(new PasswordResource.Change("temporary-123", "new password 1"), null, as(worker), request))
                .as("locked after three wrong ones, even with the right one").isInstanceOf(TooManyAttempts.class);
        assertThat(accounts.verifyUser("worker", "temporary-123")).isPresent();
    }

    @Test
    void weakTooLongAndUnchangedPasswordsAreRefused() {
        for (String weak : List.of("short", "temporary-123", "Worker", "a".repeat(73), "é".repeat(37))) {
            assertThatThrownBy(() -> passwords.change(new PasswordResource.Change("temporary-123", weak), null, as(worker), request))
                    .as(weak).isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        }
        assertThat(passwords.change(new PasswordResource.Change("temporary-123", "é".repeat(36)), null, as(worker), request).getStatus())
                .as("72 bytes").isEqualTo(204);
    }

    private static CallerSecurityContext as(Caller caller) {
        return new CallerSecurityContext(caller, false);
    }
}
