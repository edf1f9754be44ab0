package org.waymark.platform.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.waymark.platform.testing.TestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.platform.testing.MutableClock;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.SenderIdentities;

class AccountsAndTokensTest {
    private DataSource db;
    private MutableClock clock;
    private TokenService tokens;
    private UserAccounts users;
    private ClientAccounts clients;
    private AccountAreas areas;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml");
        clock = new MutableClock(Instant.parse("2026-01-01T09:00:00Z"));
        tokens = new TokenService(db, clock);
        users = new UserAccounts(db, tokens, clock);
        clients = new ClientAccounts(db, tokens, clock);
        areas = new AccountAreas(users, clients);
    }

    @Test
    void aClientIsRegisteredWithTheSendersItIsBoundToAndTheyCanBeReplaced() {
        clients.createClient("gp-senders", "sheffield", false, new SenderIdentities.Registered(
                Set.of("https://gp-a.example/bars", "https://fhir.nhs.uk/Id/dos-service-id|2222222222"), Set.of("a81001")));
        assertThat(clients.of("gp-senders").endpoints())
                .containsExactlyInAnyOrder("https://gp-a.example/bars", "https://fhir.nhs.uk/Id/dos-service-id|2222222222");
        assertThat(clients.of("gp-senders").odsCodes()).containsExactly("A81001");

        clients.replaceSenders("gp-senders", new SenderIdentities.Registered(Set.of("https://gp-b.example/bars"), Set.of()));
        assertThat(clients.of("gp-senders").endpoints()).containsExactly("https://gp-b.example/bars");
        assertThat(clients.of("gp-senders").odsCodes()).isEmpty();

        clients.createClient("gp-plain", "sheffield", false);
        assertThat(clients.of("gp-plain").isEmpty()).as("a client registered without senders has none").isTrue();
        assertThat(clients.of("nobody").isEmpty()).isTrue();
        assertThat(clients.anySender("gp-plain")).contains(false);
        assertThatThrownBy(() -> clients.replaceSenders("nobody", SenderIdentities.Registered.none()))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void aClientWhoseIdIsTakenLeavesNoSendersBehind() {
        clients.createClient("gp-taken", "sheffield", false, new SenderIdentities.Registered(Set.of("https://first.example"), Set.of()));
        assertThatThrownBy(() -> clients.createClient("gp-taken", "sheffield", false,
                new SenderIdentities.Registered(Set.of("https://second.example"), Set.of("B82002"))))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
        assertThat(clients.of("gp-taken").endpoints()).containsExactly("https://first.example");
        assertThat(clients.of("gp-taken").odsCodes()).isEmpty();
    }

    @Test
    void aDisabledLeaverCannotSignInAndAResetPasswordReplacesTheOldOne() {
        users.createUser(new UserAccounts.NewUser("leaver", "first password 1", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        assertThat(users.verifyUser("leaver", "first password 1")).isPresent();
        assertThat(users.staffOf("sheffield")).extracting(c -> c.id()).containsExactly("leaver");

        users.setPassword("leaver", "second password 2", null);
        assertThat(users.verifyUser("leaver", "first password 1")).as("the cached check is dropped too").isEmpty();
        assertThat(users.verifyUser("leaver", "second password 2")).isPresent();

        users.setEnabled("leaver", false);
        assertThat(users.verifyUser("leaver", "second password 2")).isEmpty();
        assertThat(users.findStaff("leaver")).isEmpty();
        assertThat(users.staffOf("sheffield")).isEmpty();
        assertThat(users.users()).singleElement().satisfies(u -> assertThat(u.enabled()).isFalse());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> users.setEnabled("nobody", false))
                .hasMessageContaining("No user");
    }

    @Test
    void onlyAPasswordCheckedRightWithinAMinuteIsRemembered() {
        users.createUser(new UserAccounts.NewUser("dora", "dora password 1", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        assertThat(users.rememberedUser("dora", "dora password 1")).as("never checked yet").isEmpty();
        assertThat(users.verifyUser("dora", "dora password 1")).isPresent();
        assertThat(users.rememberedUser("dora", "dora password 1")).isPresent();
        assertThat(users.rememberedUser("dora", "wrong password")).isEmpty();
        clock.advance(Duration.ofSeconds(61));
        assertThat(users.rememberedUser("dora", "dora password 1")).isEmpty();
    }

    @Test
    void passwordsAreStoredAsBcryptHashesNeverInClear() throws Exception {
        users.createUser(new UserAccounts.NewUser("alice", "correct horse battery", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery("SELECT password_hash FROM wm_user")) {
            r.next();
            assertThat(r.getString(1)).startsWith("$2").doesNotContain("correct horse");
        }
        assertThat(users.verifyUser("alice", "correct horse battery")).hasValueSatisfying(c -> {
            assertThat(c.roles()).containsExactly(Roles.LINK_WORKER);
            assertThat(c.areas()).containsExactly("sheffield");
        });
        assertThat(users.verifyUser("alice", "wrong password!")).isEmpty();
        assertThat(users.verifyUser("nobody", "correct horse battery")).isEmpty();
    }

    @Test
    void aUserOfNoAreaAndBlankOrCommaAreasAreRefused() {
        for (Set<String> areas : List.of(Set.<String>of(), Set.of(""), Set.of(" "), Set.of("sheffield,islington"), Set.of(" sheffield"))) {
            assertThatThrownBy(() -> users.createUser(new UserAccounts.NewUser("nowhere", "long enough pw", Set.of(Roles.LINK_WORKER), areas)))
                    .as("areas %s", areas)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
            assertThatThrownBy(() -> clients.createClient("nowhere-gp", areas.isEmpty() ? "" : areas.iterator().next(), false))
                    .as("area %s", areas)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        }
        assertThat(users.users()).isEmpty();
        assertThat(areas.areas()).isEmpty();
    }

    @Test
    void shortPasswordsUnknownRolesAndDuplicatesAreRefused() {
        assertThatThrownBy(() -> users.createUser(new UserAccounts.NewUser("bob", "short", Set.of(Roles.ADMIN), Set.of())))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("at least");
        assertThatThrownBy(() -> users.createUser(new UserAccounts.NewUser("bob", "b".repeat(72) + "!", Set.of(Roles.ADMIN), Set.of("sheffield"))))
                .as("bcrypt would ignore the end").isInstanceOf(WaymarkException.class).hasMessageContaining("at most 72 bytes");
        assertThatThrownBy(() -> users.createUser(new UserAccounts.NewUser("bob", "long enough pw", Set.of("root"), Set.of())))
                .isInstanceOf(WaymarkException.class);
        users.createUser(new UserAccounts.NewUser("bob", "long enough pw", Set.of(Roles.ADMIN), Set.of("sheffield")));
        assertThatThrownBy(() -> users.createUser(new UserAccounts.NewUser("bob", "long enough pw", Set.of(Roles.ADMIN), Set.of("sheffield"))))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
    }

    @Test
    void theAreasOfUsersAndClientsAreKnownEvenWhenDisabled() {
        users.createUser(new UserAccounts.NewUser("sadmin", "sadmin password 1", Set.of(Roles.ADMIN), Set.of("sheffield")));
        users.createUser(new UserAccounts.NewUser("both", "both password 1", Set.of(Roles.ADMIN), Set.of("sheffield", "islington")));
        clients.createClient("gp-one", "leeds", false);
        users.setEnabled("sadmin", false);

        assertThat(areas.areasOfUser("sadmin")).contains(Set.of("sheffield"));
        assertThat(areas.areasOfUser("nobody")).isEmpty();
        assertThat(areas.areaOfClient("gp-one")).contains("leeds");
        assertThat(areas.areaOfClient("sadmin")).as("users are not clients").isEmpty();
        assertThat(areas.areas()).containsExactlyInAnyOrder("sheffield", "islington", "leeds");
        assertThat(areas.administersEveryArea(users.findStaff("both").orElseThrow()))
                .as("leeds has a client but this admin does not administer it").isFalse();
        users.createUser(new UserAccounts.NewUser("hub", "hub password 12", Set.of(Roles.ADMIN), Set.of("sheffield", "islington", "leeds")));
        assertThat(areas.administersEveryArea(users.findStaff("hub").orElseThrow())).isTrue();
    }

    @Test
    void clientSecretIsShownOnceAndVerifies() {
        String secret = clients.createClient("gp-one", "sheffield", false);
        assertThat(secret).hasSizeGreaterThan(30);
        Caller client = clients.verifyClient("gp-one", secret).orElseThrow();
        assertThat(client.isClient()).isTrue();
        assertThat(client.roles()).containsExactly(Roles.REFERRER);
        assertThat(clients.verifyClient("gp-one", secret + "x")).isEmpty();
    }

    @Test
    void aLeakedClientSecretIsReplacedAndTheOldSecretAndItsTokensStopWorking() {
        String leaked = clients.createClient("gp-leaky", "sheffield", false);
        TokenService.AccessToken token = tokens.issueAccessToken(clients.verifyClient("gp-leaky", leaked).orElseThrow());
        assertThat(tokens.resolveAccessToken(token.value())).isPresent();

        String fresh = clients.newClientSecret("gp-leaky");
        assertThat(fresh).isNotEqualTo(leaked);
        assertThat(clients.verifyClient("gp-leaky", leaked)).as("the remembered check is dropped too").isEmpty();
        assertThat(tokens.resolveAccessToken(token.value())).as("a token issued with the old secret").isEmpty();
        assertThat(clients.verifyClient("gp-leaky", fresh)).isPresent();

        assertThatThrownBy(() -> clients.newClientSecret("nobody"))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void aDisabledClientGetsNoTokenAndItsTokensStopWorkingUntilEnabledAgain() {
        String secret = clients.createClient("gp-gone", "sheffield", false);
        TokenService.AccessToken token = tokens.issueAccessToken(clients.verifyClient("gp-gone", secret).orElseThrow());
        assertThat(tokens.resolveAccessToken(token.value())).isPresent();

        clients.setClientEnabled("gp-gone", false);
        assertThat(clients.verifyClient("gp-gone", secret)).isEmpty();
        assertThat(tokens.resolveAccessToken(token.value())).isEmpty();
        assertThat(clients.areaOfClient("gp-gone")).as("its referrals keep their area").contains("sheffield");

        clients.setClientEnabled("gp-gone", true);
        assertThat(clients.verifyClient("gp-gone", secret)).isPresent();
        assertThat(tokens.resolveAccessToken(token.value())).as("deleted tokens do not come back").isEmpty();
        assertThatThrownBy(() -> clients.setClientEnabled("nobody", false))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void accessTokensResolveUntilTheyExpire() {
        String secret = clients.createClient("gp-two", "islington", false);
        Caller client = clients.verifyClient("gp-two", secret).orElseThrow();
        TokenService.AccessToken token = tokens.issueAccessToken(client);
        assertThat(tokens.resolveAccessToken(token.value())).hasValueSatisfying(c -> assertThat(c.id()).isEqualTo("gp-two"));
        assertThat(tokens.resolveAccessToken(token.value() + "forged")).isEmpty();
        clock.advance(TokenService.ACCESS_TOKEN_LIFETIME.plusSeconds(1));
        assertThat(tokens.resolveAccessToken(token.value())).isEmpty();
    }

    @Test
    void aResolvedTokenIsAnsweredFromMemoryForAMinuteAtMostAndNeverPastItsExpiry() throws Exception {
        String secret = clients.createClient("gp-three", "sheffield", false);
        TokenService.AccessToken token = tokens.issueAccessToken(clients.verifyClient("gp-three", secret).orElseThrow());
        assertThat(tokens.resolveAccessToken(token.value())).isPresent();
        try (Connection c = db.getConnection()) {
            c.createStatement().executeUpdate("DELETE FROM wm_access_token");
        }
        assertThat(tokens.resolveAccessToken(token.value())).as("remembered, without a look at the database").isPresent();
        clock.advance(RememberedCallers.REMEMBERED_FOR.plusSeconds(1));
        assertThat(tokens.resolveAccessToken(token.value())).as("looked up again after a minute: gone").isEmpty();

        TokenService.AccessToken late = tokens.issueAccessToken(clients.verifyClient("gp-three", secret).orElseThrow());
        clock.advance(TokenService.ACCESS_TOKEN_LIFETIME.minusSeconds(10));
        assertThat(tokens.resolveAccessToken(late.value())).isPresent();
        clock.advance(Duration.ofSeconds(11));
        assertThat(tokens.resolveAccessToken(late.value())).as("the memory never outlives the token").isEmpty();
    }

    @Test
    void sessionsEndAfterIdleTimeoutButSlideWhileUsed() {
        users.createUser(new UserAccounts.NewUser("carol", "long enough pw", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        Caller carol = users.verifyUser("carol", "long enough pw").orElseThrow();
        TokenService.Session session = tokens.startSession(carol);
        for (int i = 0; i < 4; i++) {
            clock.advance(TokenService.SESSION_IDLE.minusMinutes(5));
            assertThat(tokens.resolveSession(session.id())).as("still in use after %d intervals", i).isPresent();
        }
        clock.advance(TokenService.SESSION_IDLE.plusMinutes(1));
        assertThat(tokens.resolveSession(session.id())).isEmpty();
    }

    @Test
    void aDisabledUsersSessionsAreEndedAndDoNotComeBackWhenEnabledAgain() {
        users.createUser(new UserAccounts.NewUser("erin", "long enough pw", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        TokenService.Session session = tokens.startSession(users.verifyUser("erin", "long enough pw").orElseThrow());
        assertThat(tokens.resolveSession(session.id())).isPresent();

        users.setEnabled("erin", false);
        assertThat(tokens.resolveSession(session.id())).isEmpty();
        users.setEnabled("erin", true);
        assertThat(tokens.resolveSession(session.id())).as("ended, not only refused while disabled").isEmpty();
        assertThat(users.verifyUser("erin", "long enough pw")).isPresent();
    }

    @Test
    void signedOutSessionIsGone() {
        users.createUser(new UserAccounts.NewUser("dave", "long enough pw", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        TokenService.Session session = tokens.startSession(users.verifyUser("dave", "long enough pw").orElseThrow());
        assertThat(tokens.resolveSession(session.id())).hasValueSatisfying(s -> assertThat(s.csrfToken()).isEqualTo(session.csrfToken()));
        tokens.endSession(session.id());
        assertThat(tokens.resolveSession(session.id())).isEmpty();
    }
}
