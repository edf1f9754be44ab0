package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.referrals.internal.CaseFixture.ADMIN;
import static org.waymark.referrals.internal.CaseFixture.GP;
import static org.waymark.referrals.internal.CaseFixture.WORKER;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.governance.PersonalDataContributor;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.BusinessIdentifier;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.internal.audit.JdbcAuditLog;
import org.waymark.platform.testing.MutableClock;
import org.waymark.platform.testing.TestDatabase;
import org.waymark.referrals.internal.governance.GovernanceAccess;

/** Subject access export, retention (with a moved clock) and rectification with history. */
class GovernanceTest {
    private static final Instant START = Instant.parse("2026-02-01T09:00:00Z");
    private final MutableClock clock = new MutableClock(START);
    private DataSource db;
    private JdbcAuditLog audit;
    private JdbcReferralService referrals;
    private CaseRecords records;
    private final RecordingContributor plugin = new RecordingContributor();

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/referrals.xml");
        audit = new JdbcAuditLog(db, null);
        referrals = new JdbcReferralService(db, audit, clock, new ReferralNotices(new RecordingNotifier(), new MapContactBook()));
        records = new CaseRecords(db, audit, clock);
    }

    private Referral received(String identifier, String nhsNumber, String family) {
        return referrals.receive(GP, new NewReferral("https://gp.example/ref", identifier,
                Subject.described(NhsNumber.parse(nhsNumber).orElseThrow(),
                        new Demographics(family, "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                "Isolated", null, "routine", START, "Dr X, Demo Surgery", "Lives alone", "application/fhir+json", "{}")).referral();
    }

    private Referral closed(Referral referral) {
        return referrals.changeStatus(WORKER, referral.id(), ReferralStatus.REJECTED, "Moved away", null);
    }

    @Test
    void retentionErasesClosedReferralsOnlyAfterTheirPeriodAndThePersonWithTheLastOne() {
        Referral keptOpen = received("A-open", "9990010005", "Holloway");
        Referral closedOfA = closed(received("A-closed", "9990010005", "Holloway"));
        Referral closedOfB = closed(referrals.receive(GP, new NewReferral("urn:waymark:bars:https://gp.example", "urn:uuid:b",
                Subject.described(NhsNumber.parse("9990013284").orElseThrow(),
                        new Demographics("Okafor", "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                "Isolated", null, "routine", START, "Dr X", null, "application/fhir+json", "{}")
                .withBusinessIdentifiers(List.of(new BusinessIdentifier("https://sender.url/Id/case-number", "B-closed")))).referral());
        records.addNote(WORKER, closedOfB.id(), "Said they had moved to Leeds");
        GovernanceAccess governance = GovernanceAccess.create(db, referrals, audit, clock, List.of(plugin));
        var rules = GovernanceAccess.rules("8", null);

        clock.advance(Duration.ofDays(365L * 8 - 10));
        assertThat(governance.retention(rules, clock.instant(), true, Caller.system("retention")).referrals())
                .as("nothing is due before eight years").isZero();

        clock.advance(Duration.ofDays(20));
        var dryRun = governance.retention(rules, clock.instant(), false, Caller.system("retention"));
        assertThat(dryRun.referrals()).isEqualTo(2);
        assertThat(dryRun.wholePersons()).isEqualTo(1);
        assertThat(dryRun.personsKeptWithOpenOrRecentReferrals()).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_referral")).as("a dry run changes nothing").isEqualTo(3);
        assertThat(plugin.erasures).isEmpty();

        var run = governance.retention(rules, clock.instant(), true, Caller.system("retention"));
        assertThat(run.referrals()).isEqualTo(2);
        assertThat(run.failures()).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM wm_referral")).isEqualTo(1);
        assertThat(referrals.find(WORKER, keptOpen.id())).isPresent();
        assertThat(referrals.find(WORKER, closedOfA.id())).isEmpty();
        assertThat(count("SELECT COUNT(*) FROM wm_patient")).as("B had no other referral").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_case_note")).isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_referral_identifier")).as("the sender's case number goes too").isZero();
        assertThat(plugin.erasures).extracting(PersonalDataContributor.Erasure::wholePerson).containsExactlyInAnyOrder(true, false);
        assertThat(audit.forPatient(closedOfB.patientId(), Set.of(AuditLog.Action.DELETE), 10)).hasSize(2);
    }

    @Test
    void anAreaCanKeepItsRecordsLongerOrForEver() {
        Referral closedOfB = closed(received("B-closed", "9990013284", "Okafor"));
        GovernanceAccess governance = GovernanceAccess.create(db, referrals, audit, clock, List.of());
        clock.advance(Duration.ofDays(365L * 30));
        assertThat(governance.retention(GovernanceAccess.rules("8", "sheffield=off"), clock.instant(), true, Caller.system("t")).referrals()).isZero();
        assertThat(governance.retention(GovernanceAccess.rules("off", "sheffield=40"), clock.instant(), true, Caller.system("t")).referrals()).isZero();
        assertThat(governance.retention(GovernanceAccess.rules("off", "sheffield=20"), clock.instant(), true, Caller.system("t")).referrals()).isEqualTo(1);
        assertThat(referrals.find(WORKER, closedOfB.id())).isEmpty();
        assertThatThrownBy(() -> GovernanceAccess.rules("eight", null)).hasMessageContaining("WAYMARK_RETENTION_CLOSED_YEARS");
        assertThatThrownBy(() -> GovernanceAccess.rules("8", "sheffield")).hasMessageContaining("area=years");
    }

    @Test
    void aContributorThatFailsLeavesThePersonWholeForTheNextRun() {
        Referral closedOfB = closed(received("B-closed", "9990013284", "Okafor"));
        plugin.failErase = true;
        GovernanceAccess governance = GovernanceAccess.create(db, referrals, audit, clock, List.of(plugin));
        clock.advance(Duration.ofDays(365L * 9));
        var run = governance.retention(GovernanceAccess.rules("8", null), clock.instant(), true, Caller.system("retention"));
        assertThat(run.failures()).singleElement().asString().contains(closedOfB.patientId());
        assertThat(referrals.find(WORKER, closedOfB.id())).as("rolled back").isPresent();
    }

    @Test
    void theExportHoldsEverySectionOfThePersonsDataAndIsAudited() {
        Referral referral = received("A-1", "9990010005", "Holloway");
        records.addNote(WORKER, referral.id(), "Enjoys gardening");
        GovernanceAccess governance = GovernanceAccess.create(db, referrals, audit, clock, List.of(plugin));

        Map<String, Object> export = governance.export(ADMIN, referral.patientId());
        assertThat(export).containsEntry("patientId", referral.patientId()).containsEntry("referralIds", List.of(referral.id()));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, List<Map<String, Object>>>> sections = (Map<String, Map<String, List<Map<String, Object>>>>) export.get("sections");
        assertThat(sections).containsKeys("referrals", "plugin");
        assertThat(sections.get("referrals").get("person")).singleElement()
                .satisfies(p -> assertThat(p).containsEntry("family", "Holloway").containsEntry("birth_date", "1950-01-01"));
        assertThat(sections.get("referrals").get("notes")).singleElement().satisfies(n -> assertThat(n).containsEntry("text", "Enjoys gardening"));
        assertThat(sections.get("referrals").get("referrals")).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("reason_text", "Isolated").containsEntry("source_format", "application/fhir+json"));
        assertThat(sections.get("referrals").get("documentsAsReceived")).singleElement().satisfies(d -> assertThat(d)
                .containsEntry("referral_id", referral.id()).containsEntry("media_type", "application/fhir+json").containsEntry("document", "{}"));
        assertThat(sections.get("plugin").get("seen")).singleElement().satisfies(r -> assertThat(r).containsEntry("referrals", 1));
        assertThat(audit.forPatient(referral.patientId(), Set.of(AuditLog.Action.READ), 10))
                .anySatisfy(e -> assertThat(e.resourceType()).isEqualTo("SubjectAccessExport"));
        assertThatThrownBy(() -> governance.export(CaseFixture.OTHER_AREA, referral.patientId()))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));
    }

    @Test
    void aCorrectionMaySetABirthDateKnownOnlyToTheYearOrMonth() {
        Referral referral = received("A-1", "9990010005", "Holloway");
        Rectifications rectifications = new Rectifications(db, referrals, audit, clock);
        String patientId = referral.patientId();
        var year = rectifications.correct(WORKER, patientId,
                new Rectifications.Correction(null, null, null, "1950", null, null, "Only the year is known"), null);
        assertThat(year.demographics().birthDateText()).isEqualTo("1950");
        var month = rectifications.correct(WORKER, patientId,
                new Rectifications.Correction(null, null, null, "1950-05", null, null, "The GP knows the month"), null);
        assertThat(month.demographics().birthDateText()).isEqualTo("1950-05");
        assertThat(rectifications.history(WORKER, patientId)).extracting(Rectifications.Previous::birthDate)
                .containsExactly("1950", "1950-01-01");
        // Found probing: a corrected birth date of 1850 was kept.
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId,
                new Rectifications.Correction(null, null, null, "1850-05-01", null, null, "Typo"), null))
                .hasMessageContaining("more than 125 years ago");
        assertThat(rectifications.history(WORKER, patientId)).hasSize(2);
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId,
                new Rectifications.Correction(null, null, null, "1950-13", null, null, "typo"), null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
    }

    @Test
    void aCorrectionKeepsThePreviousValuesAndRefusesAStaleVersion() {
        Referral referral = received("A-1", "9990010005", "Holloway");
        Rectifications rectifications = new Rectifications(db, referrals, audit, clock);
        String patientId = referral.patientId();
        long version = referrals.findPatient(WORKER, patientId).orElseThrow().version();

        var corrected = rectifications.correct(WORKER, patientId,
                new Rectifications.Correction(null, "Holloway-Smith", null, "1950-01-02", null, "s2 4sw", "Name changed on marriage"), version);
        assertThat(corrected.demographics().family()).isEqualTo("Holloway-Smith");
        assertThat(corrected.demographics().postcode()).isEqualTo("S2 4SW");
        assertThat(corrected.version()).isEqualTo(version + 1);
        assertThat(rectifications.history(WORKER, patientId)).singleElement().satisfies(previous -> {
            assertThat(previous.family()).isEqualTo("Holloway");
            assertThat(previous.birthDate()).isEqualTo("1950-01-01");
            assertThat(previous.reason()).isEqualTo("Name changed on marriage");
            assertThat(previous.changedBy()).isEqualTo("sam");
        });
        assertThat(referrals.searchPatients(WORKER, new org.waymark.api.referral.PatientSearch(null, "Holloway-Smith", null, null, null, null, 0, 10)).items())
                .as("the search columns follow the correction").hasSize(1);
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId, new Rectifications.Correction(null, "X", null, null, null, null, "typo"), version))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.PRECONDITION_FAILED));
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId, new Rectifications.Correction(null, "X", null, null, null, null, " "), null))
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId, new Rectifications.Correction("12345", null, null, null, null, null, "typo"), null))
                .hasMessageContaining("10 digits");
        // Found probing /api: a blank family name was stored, leaving a person no search or linkage could find.
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId, new Rectifications.Correction(null, " ", null, null, null, null, "typo"), null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.getMessage()).isEqualTo("family is required"));
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId, new Rectifications.Correction(null, "x".repeat(101), null, null, null, null, "typo"), null))
                .hasMessageContaining("longer than 100");
        assertThat(audit.forPatient(patientId, Set.of(AuditLog.Action.UPDATE), 10))
                .anySatisfy(e -> assertThat(e.resourceId()).contains("rectified family,birthDate,postcode").doesNotContain("Smith"));
        // Found probing: a postcode longer than its column was cut to 16 characters and saved.
        assertThatThrownBy(() -> rectifications.correct(WORKER, patientId, new Rectifications.Correction(null, null, null, null, null,
                "NOT A POSTCODE AT ALL 12345678", "typo"), null)).hasMessageContaining("longer than 16");
    }

    /** Found probing: of ten corrections sent at once with one If-Match, three were told they had saved. */
    @Test
    void ofCorrectionsSentAtOnceWithOneVersionExactlyOneSaves() throws Exception {
        String patientId = received("A-race", "9990010005", "Holloway").patientId();
        Rectifications rectifications = new Rectifications(db, referrals, audit, clock);
        long version = referrals.findPatient(WORKER, patientId).orElseThrow().version();
        int writers = 12;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(writers);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String given = "Run" + i;
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        rectifications.correct(WORKER, patientId, new Rectifications.Correction(null, null, given, null, null, null, "race"), version);
                        return "saved";
                    } catch (WaymarkException e) {
                        return e.kind().name();
                    }
                }));
            }
            List<String> results = new java.util.ArrayList<>();
            for (var outcome : outcomes) {
                results.add(outcome.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn("saved"::equals).hasSize(1);
            assertThat(results).filteredOn(r -> !r.equals("saved")).allMatch(r -> r.equals("PRECONDITION_FAILED") || r.equals("CONFLICT"));
        } finally {
            pool.shutdownNow();
        }
        assertThat(referrals.findPatient(WORKER, patientId).orElseThrow().version()).isEqualTo(version + 1);
        assertThat(rectifications.history(WORKER, patientId)).as("one earlier state, for the one correction saved").hasSize(1);
    }

    private int count(String sql) {
        return ReferralsDatabase.count(db, sql);
    }

    /** A plugin's contributor: reports what it was asked, and can be made to fail. */
    static final class RecordingContributor implements PersonalDataContributor {
        final List<Erasure> erasures = new ArrayList<>();
        boolean failErase;

        @Override
        public String name() {
            return "plugin";
        }

        @Override
        public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) {
            return Map.of("seen", List.of(Map.of("referrals", referralIds.size())));
        }

        @Override
        public int erase(Connection c, Erasure erasure) throws SQLException {
            if (failErase) {
                throw new SQLException("plugin table is locked");
            }
            erasures.add(erasure);
            return 1;
        }
    }
}
