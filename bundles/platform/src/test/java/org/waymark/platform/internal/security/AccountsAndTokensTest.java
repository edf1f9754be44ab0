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
    private AccountStore accounts;
    private TokenService tokens;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml");
        clock = new MutableClock(Instant.parse("2026-01-01T09:00:00Z"));
        accounts = new AccountStore(db, clock);
        tokens = new TokenService(db, accounts, clock);
    }

    @Test
    void aClientIsRegisteredWithTheSendersItIsBoundToAndTheyCanBeReplaced() {
        accounts.createClient("gp-senders", "sheffield", false, new SenderIdentities.Registered(
                Set.of("https://gp-a.example/bars", "https://fhir.nhs.uk/Id/dos-service-id|2222222222"), Set.of("a81001")));
        assertThat(accounts.of("gp-senders").endpoints())
                .containsExactlyInAnyOrder("https://gp-a.example/bars", "https://fhir.nhs.uk/Id/dos-service-id|2222222222");
        assertThat(accounts.of("gp-senders").odsCodes()).containsExactly("A81001");

        accounts.replaceSenders("gp-senders", new SenderIdentities.Registered(Set.of("https://gp-b.example/bars"), Set.of()));
        assertThat(accounts.of("gp-senders").endpoints()).containsExactly("https://gp-b.example/bars");
        assertThat(accounts.of("gp-senders").odsCodes()).isEmpty();

        accounts.createClient("gp-plain", "sheffield", false);
        assertThat(accounts.of("gp-plain").isEmpty()).as("a client registered without senders has none").isTrue();
        assertThat(accounts.of("nobody").isEmpty()).isTrue();
        assertThat(accounts.anySender("gp-plain")).contains(false);
        assertThatThrownBy(() -> accounts.replaceSenders("nobody", SenderIdentities.Registered.none()))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void aClientWhoseIdIsTakenLeavesNoSendersBehind() {
        accounts.createClient("gp-taken", "sheffield", false, new SenderIdentities.Registered(Set.of("https://first.example"), Set.of()));
        assertThatThrownBy(() -> accounts.createClient("gp-taken", "sheffield", false,
                new SenderIdentities.Registered(Set.of("https://second.example"), Set.of("B82002"))))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
        assertThat(accounts.of("gp-taken").endpoints()).containsExactly("https://first.example");
        assertThat(accounts.of("gp-taken").odsCodes()).isEmpty();
    }

    @Test
    void aDisabledLeaverCannotSignInAndAResetPasswordReplacesTheOldOne() {
        accounts.createUser(new AccountStore.NewUser("leaver", "first password 1", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        assertThat(accounts.verifyUser("leaver", "first password 1")).isPresent();
        assertThat(accounts.staffOf("sheffield")).extracting(c -> c.id()).containsExactly("leaver");

        accounts.setPassword("leaver", "second password 2", null);
        assertThat(accounts.verifyUser("leaver", "first password 1")).as("the cached check is dropped too").isEmpty();
        assertThat(accounts.verifyUser("leaver", "second password 2")).isPresent();

        accounts.setEnabled("leaver", false);
        assertThat(accounts.verifyUser("leaver", "second password 2")).isEmpty();
        assertThat(accounts.findStaff("leaver")).isEmpty();
        assertThat(accounts.staffOf("sheffield")).isEmpty();
        assertThat(accounts.users()).singleElement().satisfies(u -> assertThat(u.enabled()).isFalse());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> accounts.setEnabled("nobody", false))
                .hasMessageContaining("No user");
    }

    @Test
    void onlyAPasswordCheckedRightWithinAMinuteIsRemembered() {
        accounts.createUser(new AccountStore.NewUser("dora", "dora password 1", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        assertThat(accounts.rememberedUser("dora", "dora password 1")).as("never checked yet").isEmpty();
        assertThat(accounts.verifyUser("dora", "dora password 1")).isPresent();
        assertThat(accounts.rememberedUser("dora", "dora password 1")).isPresent();
        assertThat(accounts.rememberedUser("dora", "wrong password")).isEmpty();
        clock.advance(Duration.ofSeconds(61));
        assertThat(accounts.rememberedUser("dora", "dora password 1")).isEmpty();
    }

    @Test
    void passwordsAreStoredAsBcryptHashesNeverInClear() throws Exception {
        accounts.createUser(new AccountStore.NewUser("alice", "correct horse battery", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        try (Connection c = db.getConnection(); ResultSet r = c.createStatement().executeQuery("SELECT password_hash FROM wm_user")) {
            r.next();
            assertThat(r.getString(1)).startsWith("$2").doesNotContain("correct horse");
        }
        assertThat(accounts.verifyUser("alice", "correct horse battery")).hasValueSatisfying(c -> {
            assertThat(c.roles()).containsExactly(Roles.LINK_WORKER);
            assertThat(c.areas()).containsExactly("sheffield");
        });
        assertThat(accounts.verifyUser("alice", "wrong password!")).isEmpty();
        assertThat(accounts.verifyUser("nobody", "correct horse battery")).isEmpty();
    }

    @Test
    void aUserOfNoAreaAndBlankOrCommaAreasAreRefused() {
        for (Set<String> areas : List.of(Set.<String>of(), Set.of(""), Set.of(" "), Set.of("sheffield,islington"), Set.of(" sheffield"))) {
            assertThatThrownBy(() -> accounts.createUser(new AccountStore.NewUser("nowhere", "long enough pw", Set.of(Roles.LINK_WORKER), areas)))
                    .as("areas %s", areas)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
            assertThatThrownBy(() -> accounts.createClient("nowhere-gp", areas.isEmpty() ? "" : areas.iterator().next(), false))
                    .as("area %s", areas)
                    .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        }
        assertThat(accounts.users()).isEmpty();
        assertThat(accounts.areas()).isEmpty();
    }

    @Test
    void shortPasswordsUnknownRolesAndDuplicatesAreRefused() {
        assertThatThrownBy(() -> accounts.createUser(new AccountStore.NewUser("bob", "short", Set.of(Roles.ADMIN), Set.of())))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("at least");
        assertThatThrownBy(() -> accounts.createUser(new AccountStore.NewUser("bob", "b".repeat(72) + "!", Set.of(Roles.ADMIN), Set.of("sheffield"))))
                .as("bcrypt would ignore the end").isInstanceOf(WaymarkException.class).hasMessageContaining("at most 72 bytes");
        assertThatThrownBy(() -> accounts.createUser(new AccountStore.NewUser("bob", "long enough pw", Set.of("root"), Set.of())))
                .isInstanceOf(WaymarkException.class);
        accounts.createUser(new AccountStore.NewUser("bob", "long enough pw", Set.of(Roles.ADMIN), Set.of("sheffield")));
        assertThatThrownBy(() -> accounts.createUser(new AccountStore.NewUser("bob", "long enough pw", Set.of(Roles.ADMIN), Set.of("sheffield"))))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
    }

    @Test
    void theAreasOfUsersAndClientsAreKnownEvenWhenDisabled() {
        accounts.createUser(new AccountStore.NewUser("sadmin", "sadmin password 1", Set.of(Roles.ADMIN), Set.of("sheffield")));
        accounts.createUser(new AccountStore.NewUser("both", "both password 1", Set.of(Roles.ADMIN), Set.of("sheffield", "islington")));
        accounts.createClient("gp-one", "leeds", false);
        accounts.setEnabled("sadmin", false);

        assertThat(accounts.areasOfUser("sadmin")).contains(Set.of("sheffield"));
        assertThat(accounts.areasOfUser("nobody")).isEmpty();
        assertThat(accounts.areaOfClient("gp-one")).contains("leeds");
        assertThat(accounts.areaOfClient("sadmin")).as("users are not clients").isEmpty();
        assertThat(accounts.areas()).containsExactlyInAnyOrder("sheffield", "islington", "leeds");
        assertThat(accounts.administersEveryArea(accounts.findStaff("both").orElseThrow()))
                .as("leeds has a client but this admin does not administer it").isFalse();
        accounts.createUser(new AccountStore.NewUser("hub", "hub password 12", Set.of(Roles.ADMIN), Set.of("sheffield", "islington", "leeds")));
        assertThat(accounts.administersEveryArea(accounts.findStaff("hub").orElseThrow())).isTrue();
    }

    @Test
    void clientSecretIsShownOnceAndVerifies() {
        String secret = accounts.createClient("gp-one", "sheffield", false);
        assertThat(secret).hasSizeGreaterThan(30);
        Caller client = accounts.verifyClient("gp-one", secret).orElseThrow();
        assertThat(client.isClient()).isTrue();
        assertThat(client.roles()).containsExactly(Roles.REFERRER);
        assertThat(accounts.verifyClient("gp-one", secret + "x")).isEmpty();
    }

    @Test
    void aLeakedClientSecretIsReplacedAndTheOldSecretAndItsTokensStopWorking() {
        String leaked = accounts.createClient("gp-leaky", "sheffield", false);
        TokenService.AccessToken token = tokens.issueAccessToken(accounts.verifyClient("gp-leaky", leaked).orElseThrow());
        assertThat(tokens.resolveAccessToken(token.value())).isPresent();

        String fresh = accounts.newClientSecret("gp-leaky");
        tokens.forgetResolved();
        assertThat(fresh).isNotEqualTo(leaked);
        assertThat(accounts.verifyClient("gp-leaky", leaked)).as("the remembered check is dropped too").isEmpty();
        assertThat(tokens.resolveAccessToken(token.value())).as("a token issued with the old secret").isEmpty();
        assertThat(accounts.verifyClient("gp-leaky", fresh)).isPresent();

        assertThatThrownBy(() -> accounts.newClientSecret("nobody"))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void aDisabledClientGetsNoTokenAndItsTokensStopWorkingUntilEnabledAgain() {
        String secret = accounts.createClient("gp-gone", "sheffield", false);
        TokenService.AccessToken token = tokens.issueAccessToken(accounts.verifyClient("gp-gone", secret).orElseThrow());
        assertThat(tokens.resolveAccessToken(token.value())).isPresent();

        accounts.setClientEnabled("gp-gone", false);
        tokens.forgetResolved();
        assertThat(accounts.verifyClient("gp-gone", secret)).isEmpty();
        assertThat(tokens.resolveAccessToken(token.value())).isEmpty();
        assertThat(accounts.areaOfClient("gp-gone")).as("its referrals keep their area").contains("sheffield");

        accounts.setClientEnabled("gp-gone", true);
        assertThat(accounts.verifyClient("gp-gone", secret)).isPresent();
        assertThat(tokens.resolveAccessToken(token.value())).as("deleted tokens do not come back").isEmpty();
        assertThatThrownBy(() -> accounts.setClientEnabled("nobody", false))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void accessTokensResolveUntilTheyExpire() {
        String secret = accounts.createClient("gp-two", "islington", false);
        Caller client = accounts.verifyClient("gp-two", secret).orElseThrow();
        TokenService.AccessToken token = tokens.issueAccessToken(client);
        assertThat(tokens.resolveAccessToken(token.value())).hasValueSatisfying(c -> assertThat(c.id()).isEqualTo("gp-two"));
        assertThat(tokens.resolveAccessToken(token.value() + "forged")).isEmpty();
        clock.advance(TokenService.ACCESS_TOKEN_LIFETIME.plusSeconds(1));
        assertThat(tokens.resolveAccessToken(token.value())).isEmpty();
    }

    @Test
    void aResolvedTokenIsAnsweredFromMemoryForAMinuteAtMostAndNeverPastItsExpiry() throws Exception {
        String secret = accounts.createClient("gp-three", "sheffield", false);
        TokenService.AccessToken token = tokens.issueAccessToken(accounts.verifyClient("gp-three", secret).orElseThrow());
        assertThat(tokens.resolveAccessToken(token.value())).isPresent();
        try (Connection c = db.getConnection()) {
            c.createStatement().executeUpdate("DELETE FROM wm_access_token");
        }
        assertThat(tokens.resolveAccessToken(token.value())).as("remembered, without a look at the database").isPresent();
        clock.advance(RememberedCallers.REMEMBERED_FOR.plusSeconds(1));
        assertThat(tokens.resolveAccessToken(token.value())).as("looked up again after a minute: gone").isEmpty();

        TokenService.AccessToken late = tokens.issueAccessToken(accounts.verifyClient("gp-three", secret).orElseThrow());
        clock.advance(TokenService.ACCESS_TOKEN_LIFETIME.minusSeconds(10));
        assertThat(tokens.resolveAccessToken(late.value())).isPresent();
        clock.advance(Duration.ofSeconds(11));
        assertThat(tokens.resolveAccessToken(late.value())).as("the memory never outlives the token").isEmpty();
    }

    @Test
    void sessionsEndAfterIdleTimeoutButSlideWhileUsed() {
        accounts.createUser(new AccountStore.NewUser("carol", "long enough pw", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        Caller carol = accounts.verifyUser("carol", "long enough pw").orElseThrow();
        TokenService.Session session = tokens.startSession(carol);
        for (int i = 0; i < 4; i++) {
            clock.advance(TokenService.SESSION_IDLE.minusMinutes(5));
            assertThat(tokens.resolveSession(session.id())).as("still in use after %d intervals", i).isPresent();
        }
        clock.advance(TokenService.SESSION_IDLE.plusMinutes(1));
        assertThat(tokens.resolveSession(session.id())).isEmpty();
    }

    @Test
    void signedOutSessionIsGone() {
        accounts.createUser(new AccountStore.NewUser("dave", "long enough pw", Set.of(Roles.LINK_WORKER), Set.of("sheffield")));
        TokenService.Session session = tokens.startSession(accounts.verifyUser("dave", "long enough pw").orElseThrow());
        assertThat(tokens.resolveSession(session.id())).hasValueSatisfying(s -> assertThat(s.csrfToken()).isEqualTo(session.csrfToken()));
        tokens.endSession(session.id());
        assertThat(tokens.resolveSession(session.id())).isEmpty();
    }
}
