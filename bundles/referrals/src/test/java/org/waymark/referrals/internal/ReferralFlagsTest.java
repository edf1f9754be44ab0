package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.referrals.internal.CaseFixture.GP;
import static org.waymark.referrals.internal.CaseFixture.WORKER;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralConsent;
import org.waymark.api.referral.ReferralFlag;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;

class ReferralFlagsTest {
    private CaseFixture fixture;
    private ReferralFlags flags;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new CaseFixture();
        flags = new ReferralFlags(fixture.db, fixture.audit, fixture.notifier, fixture.contacts, Clock.systemUTC());
    }

    @Test
    void flagsAndConsentSentWithTheReferralAreKeptWithIt() throws Exception {
        NewReferral sent = new NewReferral("https://gp.example/ref", "F1",
                Subject.described(NhsNumber.parse("9990010005").orElseThrow(),
                        new Demographics("Holloway", "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, "application/fhir+json", "{}")
                .with(List.of(new ReferralFlag("RA", "Reasonable Adjustment", "https://fhir.nhs.uk/CodeSystem/reasonable-adjustment-codes-bars|adjustforneedlephobia",
                                "Adjust for needle phobia", Instant.parse("2018-11-10T19:57:26Z"), null),
                        new ReferralFlag("SG", "Safeguarding Concern", null, "Child is cause for safeguarding concern", null, null)),
                        new ReferralConsent("active", "DRC", "Direct Care", "IMPLIED", LocalDate.of(2021, 11, 26)));
        Referral referral = fixture.referrals.receive(GP, sent).referral();

        ReferralFlags.Flags stored = Jdbc.inTransaction(fixture.db, c -> flags.of(c, referral.id()));
        assertThat(stored.flags()).extracting(ReferralFlags.FlagView::text)
                .containsExactlyInAnyOrder("Adjust for needle phobia", "Child is cause for safeguarding concern");
        assertThat(stored.flags()).allSatisfy(f -> assertThat(f.source()).isEqualTo("referrer"));
        assertThat(stored.flags()).filteredOn(ReferralFlags.FlagView::safeguarding).hasSize(1);
        assertThat(stored.consent()).isEqualTo(new ReferralConsent("active", "DRC", "Direct Care", "IMPLIED", LocalDate.of(2021, 11, 26)));
    }

    @Test
    void theCaseloadListSeesTheCategoriesOfTheFlagsInForceOnEachReferralOfItsPage() throws Exception {
        Subject person = Subject.described(NhsNumber.parse("9990010374").orElseThrow(),
                new Demographics("Ashworth", "Derek", LocalDate.of(1951, 11, 19), "male", "S6 3AB"));
        Referral flagged = fixture.referrals.receive(GP, new NewReferral("https://gp.example/ref", "F4", person, "Bills", null,
                "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, null, null)
                .with(List.of(new ReferralFlag("RA", "Reasonable Adjustment", null, "Needs an interpreter", null, null),
                        new ReferralFlag("RA", "Reasonable Adjustment", null, "Easy read", null, null),
                        new ReferralFlag("SG", "Safeguarding Concern", null, "Ended concern", null,
                                Instant.parse("2026-02-01T00:00:00Z")),
                        new ReferralFlag("SG", "Safeguarding Concern", null, "Not yet in force", Instant.now().plusSeconds(86_400), null)),
                        null)).referral();
        Referral concerned = fixture.received("F5", "9990010005");
        flags.raiseConcern(WORKER, concerned.id(), "Worried about a carer");
        Referral plain = fixture.received("F6", "9990010749");

        Map<String, Set<String>> inForce = flags.inForce(List.of(flagged.id(), concerned.id(), plain.id()));

        assertThat(inForce).containsOnly(Map.entry(flagged.id(), Set.of("RA")), Map.entry(concerned.id(), Set.of("SG")));
        assertThat(flags.inForce(List.of())).isEmpty();
    }

    @Test
    void aConcernIsRecordedAndSentToTheAreasAdminsAndToItsLeadOnlyWhereTheLeadCanBeReached() throws Exception {
        Referral referral = fixture.received("F2", "9990010005");
        ReferralFlags.FlagView concern = flags.raiseConcern(WORKER, referral.id(), "  Bruises seen at the home visit  ");
        assertThat(concern.safeguarding()).isTrue();
        assertThat(concern.text()).isEqualTo("Bruises seen at the home visit");
        assertThat(concern.raisedBy()).isEqualTo("sam");
        assertThat(fixture.notifier.queued).singleElement().satisfies(n -> {
            assertThat(n.to()).isEqualTo(Party.team("admin"));
            assertThat(n.area()).isEqualTo("sheffield");
            assertThat(n.text()).as("no personal data in the message").doesNotContain("Bruises").doesNotContain("Holloway");
        });

        fixture.contacts.save(WORKER, ReferralFlags.safeguardingLead("sheffield"),
                new ContactPreferences(false, null, Map.of("email", "safeguarding@sheffield.example")));
        flags.raiseConcern(WORKER, referral.id(), "Second concern");
        assertThat(fixture.notifier.queued).hasSize(3).extracting(n -> n.to().id()).contains("safeguarding-lead:sheffield");
        assertThat(Jdbc.inTransaction(fixture.db, c -> flags.of(c, referral.id())).flags()).hasSize(2);
    }

    @Test
    void aConcernNeedsTextAndAReferralInTheCallersAreas() {
        Referral referral = fixture.received("F3", "9990010005");
        assertThatThrownBy(() -> flags.raiseConcern(WORKER, referral.id(), " ")).isInstanceOf(WaymarkException.class);
        Caller elsewhere = new Caller("kim", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("islington"), false);
        assertThatThrownBy(() -> flags.raiseConcern(elsewhere, referral.id(), "Concern"))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
        assertThat(fixture.notifier.queued).isEmpty();
    }
}
