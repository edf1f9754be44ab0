package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
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
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;
import org.waymark.referrals.internal.governance.GovernanceAccess;

/** Merging two records of one person, by staff and from the linkage review queue, on an in-memory Derby. */
class PatientMergesTest {
    private static final Caller GP = new Caller("gp-sheffield", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
    private static final Caller GP_ISLINGTON = new Caller("gp-islington", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("islington"), false);
    private static final Caller WORKER = new Caller("sam", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    private static final Caller ADMIN = new Caller("ada", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);
    private static final Demographics MARGARET = new Demographics("Holloway", "Margaret", LocalDate.of(1944, 3, 2), "female", "S10 2TN");
    private static final Demographics SUSAN = new Demographics("Holloway", "Susan", LocalDate.of(1944, 3, 2), "female", "S10 2TN");

    /** A plugin's data kept per person: it must follow the merge, inside the merge's transaction. */
    private static final class PerPersonRows implements PersonalDataContributor {
        final List<Merge> merges = new ArrayList<>();
        boolean fail;

        @Override
        public String name() {
            return "plugin";
        }

        @Override
        public Map<String, List<Map<String, Object>>> export(Connection c, String patientId, Set<String> referralIds) {
            return Map.of("rows", List.of(Map.of("patient", patientId)));
        }

        @Override
        public int erase(Connection c, Erasure erasure) {
            return 0;
        }

        @Override
        public int merge(Connection c, Merge merge) throws SQLException {
            if (fail) {
                throw new SQLException("plugin table locked");
            }
            merges.add(merge);
            return 3;
        }
    }

    private final List<String> audited = new ArrayList<>();
    private final PerPersonRows plugin = new PerPersonRows();
    private DataSource db;
    private JdbcReferralService service;
    private GovernanceAccess governance;
    private PatientMerges merges;
    private LinkageReviews reviews;

    @BeforeEach
    void setUp() throws Exception {
        db = ReferralsDatabase.create();
        AuditLog audit = (caller, action, type, id, patient) -> audited.add(caller.id() + " " + action + " " + type + " " + id);
        service = new JdbcReferralService(db, audit, Clock.systemUTC(), new ReferralNotices(new RecordingNotifier(), new MapContactBook()));
        governance = GovernanceAccess.create(db, service, audit, Clock.systemUTC(), List.of(plugin));
        merges = new PatientMerges(db, audit, governance.personalData(), Clock.systemUTC());
        reviews = new LinkageReviews(db, audit, merges, Clock.systemUTC());
    }

    private Intake receive(Caller gp, String identifier, NhsNumber nhs, Demographics person) {
        return service.receive(gp, new NewReferral("https://gp.example/ref", identifier, Subject.described(nhs, person), "Isolated",
                null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, null, null));
    }

    private int count(String sql) {
        return ReferralsDatabase.count(db, sql);
    }

    private static WaymarkException.Kind kindOf(Throwable e) {
        return ((WaymarkException) e).kind();
    }

    /** Kept apart as a twin, later found to be the same woman: the review queue merges her records after all. */
    @Test
    void aPersonKeptApartIsMergedAfterAllWithEverythingOnTheirRecord() {
        Intake margaret = receive(GP, "R1", null, MARGARET);
        Intake susan = receive(GP, "R2", null, SUSAN);
        String into = margaret.referral().patientId();
        String from = susan.referral().patientId();
        String reviewId = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0).id();
        reviews.keepApart(WORKER, reviewId, "Twin sister");
        Intake again = receive(GP, "R3", null, SUSAN);
        assertThat(again.referral().patientId()).as("the kept-apart record is matched again").isEqualTo(from);
        Jdbc.inTransaction(db, c -> c.createStatement().executeUpdate("INSERT INTO wm_measure_response (id, referral_id, "
                + "patient_id, measure_id, occasion, recorded_by, recorded_at) VALUES ('m1', '" + again.referral().id() + "', '"
                + from + "', 'ons4', 'baseline', 'sam', CURRENT_TIMESTAMP)"));

        assertThatThrownBy(() -> reviews.mergeAfterAll(WORKER, reviewId, into, " "))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.INVALID));
        assertThatThrownBy(() -> reviews.mergeAfterAll(WORKER, reviewId, "nobody", "GP confirmed"))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.UNPROCESSABLE));
        audited.clear();
        LinkageReviews.Review merged = reviews.mergeAfterAll(WORKER, reviewId, into, "GP confirmed: one person, known as Susan");

        assertThat(merged.status()).isEqualTo("linked");
        assertThat(merged.linkedPatientId()).isEqualTo(into);
        assertThat(service.find(GP, susan.referral().id()).orElseThrow().patientId()).isEqualTo(into);
        assertThat(service.find(GP, again.referral().id()).orElseThrow().patientId()).isEqualTo(into);
        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + from + "'")).as("the record that went").isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_measure_response WHERE id = 'm1' AND patient_id = '" + into + "'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_patient_history WHERE patient_id = '" + into + "' AND given = 'Susan' "
                + "AND reason LIKE 'Merged from record " + from + ": linkage review " + reviewId + " reconsidered: GP confirmed%'"))
                .as("the other record's details are kept as an earlier state").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_patient_merge WHERE from_patient_id = '" + from + "' AND into_patient_id = '"
                + into + "' AND referrals_moved = 2 AND review_id = '" + reviewId + "' AND merged_by = 'sam'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE rule_name = 'merge' AND patient_id = '" + into
                + "' AND decided_by = 'sam'")).as("one decision per referral moved").isEqualTo(2);
        assertThat(plugin.merges).containsExactly(new PersonalDataContributor.Merge(from, into));
        assertThat(audited).contains("sam UPDATE ServiceRequest " + susan.referral().id() + " merged",
                "sam UPDATE ServiceRequest " + again.referral().id() + " merged", "sam UPDATE Patient " + into + " merged from " + from,
                "sam DELETE Patient " + from + " merged into " + into);
        assertThatThrownBy(() -> reviews.mergeAfterAll(WORKER, reviewId, into, "again"))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.CONFLICT));
    }

    @Test
    void aStaffMergeAnswersTheReviewsItSettles() {
        Intake margaret = receive(GP, "R1", null, MARGARET);
        Intake maggie = receive(GP, "R2", null, new Demographics("Holloway", "Maggie", LocalDate.of(1944, 3, 2), "female", "S11 8AA"));
        String reviewId = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0).id();

        PatientMerges.Merged merged = merges.merge(ADMIN, maggie.referral().patientId(), margaret.referral().patientId(),
                "Same person: the practice confirmed");

        assertThat(merged.referralsMoved()).containsExactly(maggie.referral().id());
        assertThat(merged.reviewsAnswered()).containsExactly(reviewId);
        assertThat(merged.otherRowsMoved()).as("the plugin's rows count").isGreaterThanOrEqualTo(3);
        LinkageReviews.Review review = reviews.find(WORKER, reviewId).orElseThrow();
        assertThat(review.status()).isEqualTo("linked");
        assertThat(review.decidedBy()).isEqualTo("ada");
        assertThat(reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).total()).isZero();
    }

    @Test
    void theRecordThatStaysTakesAVerifiedNhsNumberItLacksAndLaterReferralsLinkToIt() {
        NhsNumber nhs = NhsNumber.parse("9990010005").orElseThrow();
        Intake withNumber = receive(GP, "R1", nhs, new Demographics("Holloway", "Peggy", LocalDate.of(1944, 3, 2), "female", null));
        Intake without = receive(GP, "R2", null, new Demographics("Ashworth", "Margaret", LocalDate.of(1950, 1, 1), "female", "S6 3AB"));
        String into = without.referral().patientId();

        PatientMerges.Merged merged = merges.merge(WORKER, withNumber.referral().patientId(), into, "Married name; same person");

        assertThat(merged.nhsNumberTaken()).isTrue();
        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + into + "' AND verified_nhs_number = '9990010005' "
                + "AND family = 'Ashworth'")).as("keeps its own name, takes the number").isEqualTo(1);
        Intake later = receive(GP, "R3", nhs, new Demographics("Ashworth", "Margaret", null, null, null));
        assertThat(later.referral().patientId()).isEqualTo(into);
    }

    /**
     * Found probing: a record with a number that failed its check, merged into one with none, answered 500 (a null in
     * List.of), so a review of an unverified number could never be linked to such a candidate. Its history entries were
     * also labelled one version too high.
     */
    @Test
    void anUnverifiedNumberGoesWithTheLinkAndHistoryEntriesKeepTheirOwnVersions() {
        Intake known = receive(GP, "R1", null, MARGARET);
        Intake unverified = receive(GP, "R2", NhsNumber.parse("9990010006").orElseThrow(), MARGARET);
        String reviewId = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0).id();
        String into = known.referral().patientId();

        assertThat(reviews.link(WORKER, reviewId, into, "GP confirmed").status()).isEqualTo("linked");

        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + into + "' AND nhs_number = '9990010006' "
                + "AND nhs_verified = false AND verified_nhs_number IS NULL")).as("kept as sent, still unverified").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_patient_history WHERE patient_id = '" + into + "' AND version = 1 "
                + "AND reason LIKE 'Merged from record%'")).as("the record that went, at the version it had").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_patient_history WHERE patient_id = '" + into + "'"))
                .as("it had no number to replace, so no state of its own is kept").isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + into + "' AND version = 2")).isEqualTo(1);
    }

    @Test
    void twoDifferentVerifiedNhsNumbersAreTwoPeople() {
        Intake a = receive(GP, "R1", NhsNumber.parse("9990010005").orElseThrow(), MARGARET);
        Intake b = receive(GP, "R2", NhsNumber.parse("9434765919").orElseThrow(), SUSAN);
        assertThatThrownBy(() -> merges.merge(WORKER, b.referral().patientId(), a.referral().patientId(), "same?"))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.UNPROCESSABLE))
                .hasMessageContaining("different verified NHS numbers");
        assertThat(count("SELECT COUNT(*) FROM wm_patient")).isEqualTo(2);
    }

    @Test
    void scopeAndInputAreCheckedAndAFailingContributorRollsEverythingBack() {
        Intake margaret = receive(GP, "R1", null, MARGARET);
        Intake derek = receive(GP, "R2", null, new Demographics("Ashworth", "Derek", LocalDate.of(1950, 1, 1), "male", "S6 3AB"));
        Intake elsewhere = receive(GP_ISLINGTON, "R3", null, new Demographics("Kaur", "Amrit", LocalDate.of(1990, 5, 5), "female", "N1 1AA"));
        String into = margaret.referral().patientId();
        String from = derek.referral().patientId();

        assertThatThrownBy(() -> merges.merge(WORKER, from, from, "x"))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.UNPROCESSABLE));
        assertThatThrownBy(() -> merges.merge(WORKER, from, into, ""))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.INVALID));
        assertThatThrownBy(() -> merges.merge(GP, from, into, "x"))
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.FORBIDDEN));
        assertThatThrownBy(() -> merges.merge(WORKER, from, elsewhere.referral().patientId(), "x"))
                .as("the record that stays must be one of the caller's people")
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> merges.merge(WORKER, elsewhere.referral().patientId(), elsewhere.referral().patientId(), "x"))
                .as("an outsider learns nothing, not even that the ids are the same")
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.NOT_FOUND));
        NhsNumber nhs = NhsNumber.parse("9990010005").orElseThrow();
        String both = receive(GP, "R4", nhs, SUSAN).referral().patientId();
        assertThat(receive(GP_ISLINGTON, "R5", nhs, SUSAN).referral().patientId()).isEqualTo(both);
        assertThatThrownBy(() -> merges.merge(WORKER, both, into, "x"))
                .as("a person with referrals in another area too")
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(WaymarkException.Kind.FORBIDDEN))
                .hasMessageContaining("islington");

        plugin.fail = true;
        assertThatThrownBy(() -> merges.merge(WORKER, from, into, "Same person"));
        assertThat(service.find(GP, derek.referral().id()).orElseThrow().patientId()).isEqualTo(from);
        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + from + "'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM wm_patient_merge")).isZero();
    }

    /** The audit trail keeps the ids it was written with: the export reads them for every record merged in. */
    @Test
    void mergesChainAndTheExportReadsEveryFormerRecord() {
        String a = receive(GP, "R1", null, MARGARET).referral().patientId();
        String b = receive(GP, "R2", null, new Demographics("Ashworth", "Derek", LocalDate.of(1950, 1, 1), "male", "S6 3AB")).referral().patientId();
        String c = receive(GP, "R3", null, new Demographics("Kaur", "Amrit", LocalDate.of(1990, 5, 5), "female", "S1 1AA")).referral().patientId();
        merges.merge(WORKER, a, b, "one");
        merges.merge(WORKER, b, c, "two");

        assertThat(merges.formerIds(c)).containsExactlyInAnyOrder(a, b);
        assertThat(service.findReplacement(GP, a)).as("an old id leads to the end of the chain")
                .hasValueSatisfying(replaced -> assertThat(replaced.replacedBy()).isEqualTo(c));
        assertThat(service.findReplacement(GP, b).orElseThrow().replacedBy()).isEqualTo(c);
        assertThat(service.findReplacement(GP_ISLINGTON, a)).as("out of scope: nothing said").isEmpty();
        assertThat(service.findReplacement(GP, c)).as("a record that stays was not replaced").isEmpty();
        assertThat(audited).contains("gp-sheffield READ Patient " + a + " replaced by " + c);
        Map<String, Object> export = governance.export(ADMIN, c);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, List<Map<String, Object>>>> sections = (Map<String, Map<String, List<Map<String, Object>>>>) export.get("sections");
        assertThat(sections.get("plugin").get("rows")).extracting(row -> row.get("patient")).containsExactlyInAnyOrder(c, a, b);
        assertThat(sections.get("referrals").get("mergedRecords")).extracting(row -> row.get("from_patient_id"))
                .containsExactlyInAnyOrder(a, b);
        assertThat(sections.get("referrals").get("referrals")).hasSize(3);
    }
}
