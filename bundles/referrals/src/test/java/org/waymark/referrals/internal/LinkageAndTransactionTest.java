package org.waymark.referrals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.Intake.PatientOutcome;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.PatientSearch;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.Subject;
import org.waymark.api.referral.TimeRange;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.referrals.internal.governance.GovernanceAccess;

/** Demographic linkage, the review queue, transactions and the new searches, on an in-memory Derby. */
class LinkageAndTransactionTest {
    private static final Caller GP = new Caller("gp-sheffield", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
    private static final Caller GP_ISLINGTON = new Caller("gp-islington", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("islington"), false);
    private static final Caller WORKER = new Caller("sam", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    private static final Caller WORKER_ISLINGTON = new Caller("ira", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("islington"), false);
    private static final Demographics MARGARET = new Demographics("Holloway", "Margaret", LocalDate.of(1944, 3, 2), "female", "S10 2TN");

    private final List<String> audited = new ArrayList<>();
    private DataSource db;
    private JdbcReferralService service;
    private LinkageReviews reviews;

    @BeforeEach
    void setUp() throws Exception {
        db = ReferralsDatabase.create();
        AuditLog audit = (caller, action, type, id, patient) -> audited.add(caller.id() + " " + action + " " + type);
        service = new JdbcReferralService(db, audit, Clock.systemUTC(), new ReferralNotices(new RecordingNotifier(), new MapContactBook()));
        PatientMerges merges = new PatientMerges(db, audit,
                GovernanceAccess.create(db, service, audit, Clock.systemUTC(), List.of()).personalData(), Clock.systemUTC());
        reviews = new LinkageReviews(db, audit, merges, Clock.systemUTC());
    }

    private static NewReferral referral(String identifier, NhsNumber nhs, Demographics person) {
        return new NewReferral("https://gp.example/ref", identifier, Subject.described(nhs, person), "Isolated", null,
                "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X", null, "application/fhir+json", "{}");
    }

    private static NewReferral authored(String identifier, Demographics person, String authoredOn) {
        return new NewReferral("https://gp.example/ref", identifier, Subject.described(null, person), "Isolated", null,
                "routine", Instant.parse(authoredOn), "Dr X", null, null, null);
    }

    private int count(String sql) {
        return ReferralsDatabase.count(db, sql);
    }

    // ------------------------------------------------------------------ demographic linkage

    @Test
    void confidentDemographicMatchLinksToTheKnownPatient() {
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        Intake second = service.receive(GP, referral("R2", null,
                new Demographics("HOLLOWAY", "margaret", LocalDate.of(1944, 3, 2), "female", "s10 2tn")));
        assertThat(first.patient()).isEqualTo(PatientOutcome.CREATED);
        assertThat(second.patient()).isEqualTo(PatientOutcome.MATCHED);
        assertThat(second.referral().patientId()).isEqualTo(first.referral().patientId());
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_review")).isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE outcome = 'linked' AND rule_name = 'demographics' "
                + "AND decided_by = 'system' AND score = 100")).isEqualTo(1);
    }

    /**
     * Found probing: a person first known without their NHS number (a self-referral) and then referred by their GP
     * with it got a second record, silently. The number is never linked unasked to an unnumbered record, but a person
     * now decides; linking gives the known record the verified number.
     */
    @Test
    void aNewVerifiedNhsNumberWhoseDetailsMatchAnUnnumberedPersonIsReviewed() {
        Intake selfReferral = service.receive(GP, referral("R1", null, MARGARET));
        NhsNumber nhs = NhsNumber.parse("9990000107").orElseThrow();
        Intake fromGp = service.receive(GP, referral("R2", nhs, MARGARET));
        assertThat(fromGp.patient()).isEqualTo(PatientOutcome.CREATED_FOR_REVIEW);
        assertThat(fromGp.referral().patientId()).as("never linked unasked").isNotEqualTo(selfReferral.referral().patientId());
        LinkageReviews.Summary item = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0);
        assertThat(item.referralId()).isEqualTo(fromGp.referral().id());
        LinkageReviews.Review review = reviews.find(WORKER, item.id()).orElseThrow();
        assertThat(review.candidates()).singleElement()
                .satisfies(k -> assertThat(k.person().patientId()).isEqualTo(selfReferral.referral().patientId()));

        reviews.link(WORKER, item.id(), selfReferral.referral().patientId(), "Same person: the GP's referral");
        Patient known = service.findPatient(GP, selfReferral.referral().patientId()).orElseThrow();
        assertThat(known.nhsNumber()).isEqualTo(nhs);
        assertThat(service.receive(GP, referral("R3", nhs, MARGARET)).referral().patientId())
                .as("the number now finds the one record").isEqualTo(selfReferral.referral().patientId());

        Intake other = service.receive(GP, referral("R4", NhsNumber.parse("9990000115").orElseThrow(), MARGARET));
        assertThat(other.patient()).as("a record with another verified number is another person").isEqualTo(PatientOutcome.CREATED);
    }

    /** Found probing: the reason given with a decision was kept but shown nowhere, not even to whoever reconsidered it. */
    @Test
    void aDecidedReviewSaysWhyAsTheDeciderSaid() {
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        service.receive(GP, referral("R2", null, new Demographics("Holloway", "Margaret", LocalDate.of(1944, 2, 3), "female", "S10 2TN")));
        String reviewId = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0).id();
        assertThat(reviews.find(WORKER, reviewId).orElseThrow().decisionNote()).as("pending").isNull();

        assertThat(reviews.keepApart(WORKER, reviewId, "Twins, says the GP").decisionNote()).isEqualTo("Twins, says the GP");
        LinkageReviews.Review merged = reviews.mergeAfterAll(WORKER, reviewId, first.referral().patientId(), "One person after all");
        assertThat(merged.decisionNote()).contains("One person after all");
        assertThat(merged.decidedBy()).isEqualTo("sam");
    }

    /**
     * The lookalikes of a new verified number are asked for unnumbered records in the database: filtered after each
     * capped lookup, people with verified numbers sharing the birth date and family name filled the cap and hid the
     * one unnumbered record that was this person (and made a referral read hundreds of rows in the benchmark, whose
     * people all share their details).
     */
    @Test
    void manyNumberedLookalikesDoNotHideTheUnnumberedRecord() throws Exception {
        Intake selfReferral = service.receive(GP, referral("R0", null, MARGARET));
        for (int i = 0; i < PatientCandidates.CAP; i++) {
            service.receive(GP, referral("V" + i, validNhsNumber(i), MARGARET));
        }
        // The unnumbered record now comes after the numbered ones in the table, as a later record would.
        String moved = "moved-" + selfReferral.referral().patientId();
        try (java.sql.Connection c = db.getConnection()) {
            c.setAutoCommit(true);
            List<String> columns = new ArrayList<>();
            try (java.sql.ResultSet r = c.getMetaData().getColumns(null, null, "WM_PATIENT", null)) {
                while (r.next()) {
                    columns.add(r.getString("COLUMN_NAME"));
                }
            }
            String copied = String.join(", ", columns.stream().map(k -> k.equals("ID") ? "?" : k).toList());
            try (java.sql.PreparedStatement copy = c.prepareStatement("INSERT INTO wm_patient (" + String.join(", ", columns)
                    + ") SELECT " + copied + " FROM wm_patient WHERE id = ?")) {
                copy.setString(1, moved);
                copy.setString(2, selfReferral.referral().patientId());
                copy.executeUpdate();
            }
            try (java.sql.PreparedStatement move = c.prepareStatement("UPDATE wm_referral SET patient_id = ? WHERE id = ?")) {
                move.setString(1, moved);
                move.setString(2, selfReferral.referral().id());
                move.executeUpdate();
            }
        }

        Intake fromGp = service.receive(GP, referral("RX", validNhsNumber(PatientCandidates.CAP), MARGARET));

        assertThat(fromGp.patient()).isEqualTo(PatientOutcome.CREATED_FOR_REVIEW);
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_candidate k JOIN wm_linkage_review v ON v.id = k.review_id "
                + "WHERE v.referral_id = '" + fromGp.referral().id() + "' AND k.patient_id = '" + moved + "'")).isEqualTo(1);
    }

    /**
     * Every new verified NHS number looks for the same person known without one, by birth date. Derby answered the
     * "no verified number" part from the unique index on verified numbers and read every unnumbered person: 30,127
     * rows a lookup at 300,000 people of whom a tenth were unnumbered (bench/intake.sh with WAYMARK_BENCH_SEED). The
     * lookup names an index of birth date and verified number, and reads the unnumbered entries of the date only.
     */
    @Test
    void theLookForAnUnnumberedRecordReadsOnlyThoseBornThatDayWithoutANumber() throws Exception {
        service.receive(GP, referral("R0", null, MARGARET));
        for (int i = 0; i < 30; i++) {
            service.receive(GP, referral("V" + i, validNhsNumber(i), MARGARET));
            service.receive(GP, referral("U" + i, null, new Demographics("Other" + i, "Person", LocalDate.of(1950, 1, 2 + i),
                    "male", "S1 1AA")));
        }
        try (java.sql.Connection c = db.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_RUNTIMESTATISTICS(1)");
            // The birth-date lookup is the last statement of an unnumbered-only search for a verified number.
            List<org.waymark.api.referral.Patient> found = PatientCandidates.find(c,
                    Subject.described(validNhsNumber(40), MARGARET), "sheffield", true);
            String plan;
            try (java.sql.ResultSet r = s.executeQuery("VALUES SYSCS_UTIL.SYSCS_GET_RUNTIMESTATISTICS()")) {
                r.next();
                plan = r.getString(1);
            }
            assertThat(found).hasSize(1);
            java.util.regex.Matcher scan = java.util.regex.Pattern.compile("Index Scan ResultSet for WM_PATIENT using index (\\S+)"
                    + "(?s).*?Number of rows visited=(\\d+)").matcher(plan);
            assertThat(scan.find()).as(plan).isTrue();
            assertThat(scan.group(1)).isEqualTo("WM_PATIENT_BIRTH_UNNUMBERED");
            // The one unnumbered entry, and an entry past it where each of the three dates' probes stops.
            assertThat(Integer.parseInt(scan.group(2))).as(plan).isLessThan(10);
        }
    }

    /** The n-th NHS number of the 999 test range with a valid mod-11 check digit. */
    private static NhsNumber validNhsNumber(int n) {
        for (int k = n * 11; ; k++) {
            java.util.Optional<NhsNumber> parsed = NhsNumber.parse(String.format("999%06d", k)
                    + checkDigit(String.format("999%06d", k)));
            if (parsed.isPresent() && parsed.get().verified()) {
                return parsed.get();
            }
        }
    }

    private static String checkDigit(String nine) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (nine.charAt(i) - '0') * (10 - i);
        }
        int check = 11 - sum % 11;
        return check == 11 ? "0" : check == 10 ? "X" : Integer.toString(check);
    }

    @Test
    void doubtfulMatchCreatesAPatientAndQueuesAReview() {
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        Intake doubtful = service.receive(GP, referral("R2", null,
                new Demographics("Holloway", "Margaret", LocalDate.of(1944, 2, 3), "female", "S10 2TN")));
        assertThat(doubtful.patient()).isEqualTo(PatientOutcome.CREATED_FOR_REVIEW);
        assertThat(doubtful.referral().patientId()).isNotEqualTo(first.referral().patientId());

        Page<LinkageReviews.Summary> queue = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10);
        assertThat(queue.total()).isEqualTo(1);
        LinkageReviews.Summary item = queue.items().get(0);
        assertThat(item.referralId()).isEqualTo(doubtful.referral().id());
        assertThat(item.reason()).isEqualTo("demographics");
        assertThat(item.candidates()).isEqualTo(1);
        assertThat(reviews.list(WORKER_ISLINGTON, LinkageReviews.Status.PENDING, 0, 10).total()).as("other area").isZero();

        LinkageReviews.Review review = reviews.find(WORKER, item.id()).orElseThrow();
        assertThat(review.person().birthDate()).isEqualTo("1944-02-03");
        assertThat(review.candidates()).singleElement().satisfies(k -> {
            assertThat(k.person().patientId()).isEqualTo(first.referral().patientId());
            assertThat(k.detail()).contains("birth date close");
            assertThat(k.referrals()).isEqualTo(1);
        });
        assertThat(reviews.find(WORKER_ISLINGTON, item.id())).isEmpty();
    }

    @Test
    void reviewerLinksTheReferralAndTheInterimRecordGoes() {
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        Intake doubtful = service.receive(GP, referral("R2", null,
                new Demographics("Holloway", "Maggie", LocalDate.of(1944, 3, 2), "female", null)));
        String interim = doubtful.referral().patientId();
        String reviewId = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0).id();
        assertThatThrownBy(() -> reviews.link(WORKER, reviewId, "someone-else", null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE));
        assertThatThrownBy(() -> reviews.link(WORKER_ISLINGTON, reviewId, first.referral().patientId(), null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.NOT_FOUND));

        // The chosen record's name differs from the interim one's, so the referral's name copy must follow the link.
        org.waymark.platform.db.Jdbc.inTransaction(db, c -> c.createStatement().executeUpdate(
                "UPDATE wm_patient SET family_norm = 'hollowaysmith' WHERE id = '" + first.referral().patientId() + "'"));
        LinkageReviews.Review decided = reviews.link(WORKER, reviewId, first.referral().patientId(), "Same person: GP confirmed");
        assertThat(count("SELECT COUNT(*) FROM wm_referral WHERE id = '" + doubtful.referral().id()
                + "' AND family_norm = 'hollowaysmith'")).as("the caseload's name copy follows the link").isEqualTo(1);
        assertThat(decided.status()).isEqualTo("linked");
        assertThat(decided.decidedBy()).isEqualTo("sam");
        assertThat(service.find(GP, doubtful.referral().id()).orElseThrow().patientId()).isEqualTo(first.referral().patientId());
        assertThat(service.find(GP, doubtful.referral().id()).orElseThrow().version()).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + interim + "'")).as("interim record removed").isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE referral_id = '" + doubtful.referral().id()
                + "' AND rule_name = 'reviewer' AND decided_by = 'sam' AND outcome = 'linked'")).isEqualTo(1);
        assertThat(audited).contains("sam UPDATE ServiceRequest", "sam DELETE Patient");
        assertThatThrownBy(() -> reviews.keepApart(WORKER, reviewId, null))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.CONFLICT));
        assertThat(reviews.list(WORKER, LinkageReviews.Status.LINKED, 0, 10).total()).isEqualTo(1);
    }

    /**
     * Found probing the running server: a second referral matching the record made for a doubtful one was linked to
     * that record, and stayed there when the reviewer linked the first: one person left as two patients.
     */
    @Test
    void referralsLinkedToTheInterimRecordMeanwhileFollowTheReviewersLink() {
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        Demographics maggie = new Demographics("Holloway", "Maggie", LocalDate.of(1944, 3, 2), "female", "S11 8AA");
        Intake doubtful = service.receive(GP, referral("R2", null, maggie));
        Intake again = service.receive(GP, referral("R3", null, maggie));
        String interim = doubtful.referral().patientId();
        assertThat(again.referral().patientId()).as("the same details again match the interim record").isEqualTo(interim);
        Intake other = service.receive(GP, referral("R4", null,
                new Demographics("Holloway", "Mags", LocalDate.of(1944, 3, 2), "female", "S2 4QQ")));
        List<LinkageReviews.Summary> pending = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items();
        String reviewId = pending.stream().filter(r -> r.referralId().equals(doubtful.referral().id())).findFirst().orElseThrow().id();
        String otherReview = pending.stream().filter(r -> r.referralId().equals(other.referral().id())).findFirst().orElseThrow().id();
        audited.clear();
        assertThat(reviews.find(WORKER, otherReview).orElseThrow().candidates()).extracting(k -> k.person().patientId())
                .as("a later doubtful referral is offered the interim record").contains(interim);

        reviews.link(WORKER, reviewId, first.referral().patientId(), "Same person");

        String chosen = first.referral().patientId();
        assertThat(service.find(GP, again.referral().id()).orElseThrow().patientId()).isEqualTo(chosen);
        assertThat(service.find(GP, again.referral().id()).orElseThrow().version()).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + interim + "'")).as("interim record removed").isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE referral_id = '" + again.referral().id()
                + "' AND rule_name = 'merge' AND decided_by = 'sam' AND detail LIKE 'linkage review " + reviewId + ": Same person'"))
                .isEqualTo(1);
        assertThat(audited.stream().filter(a -> a.equals("sam UPDATE ServiceRequest")).count()).as("each moved referral").isEqualTo(2);
        // A review that offered the interim record now offers the patient it turned out to be, once.
        assertThat(reviews.find(WORKER, otherReview).orElseThrow().candidates())
                .extracting(k -> k.person().patientId()).doesNotContain(interim).containsOnlyOnce(chosen);
    }

    /** The interim record used to be kept when corrected meanwhile: one person left as two records. It merges now. */
    @Test
    void aCorrectionOfTheInterimRecordFollowsTheLinkIntoTheChosenPersonsHistory() {
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        Intake doubtful = service.receive(GP, referral("R2", null,
                new Demographics("Holloway", "Maggie", LocalDate.of(1944, 3, 2), "female", null)));
        String interim = doubtful.referral().patientId();
        org.waymark.platform.db.Jdbc.inTransaction(db, c -> c.createStatement().executeUpdate(
                "INSERT INTO wm_patient_history (id, patient_id, version, family, given, birth_date, changed_by, changed_at, reason) "
                        + "VALUES ('h1', '" + interim + "', 1, 'Holloway', 'Maggie', DATE('1944-03-02'), 'sam', CURRENT_TIMESTAMP, 'typo')"));
        String reviewId = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0).id();

        assertThat(reviews.link(WORKER, reviewId, first.referral().patientId(), null).status()).isEqualTo("linked");
        assertThat(count("SELECT COUNT(*) FROM wm_patient WHERE id = '" + interim + "'")).as("merged away").isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_patient_history WHERE id = 'h1' AND patient_id = '"
                + first.referral().patientId() + "'")).as("the correction is the chosen person's history now").isEqualTo(1);
    }

    @Test
    void keepingApartLeavesTheNewPatientAndRecordsWhy() {
        service.receive(GP, referral("R1", null, MARGARET));
        Intake doubtful = service.receive(GP, referral("R2", null,
                new Demographics("Holloway", "Susan", LocalDate.of(1944, 3, 2), "female", "S10 2TN")));
        String reviewId = reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10).items().get(0).id();
        LinkageReviews.Review kept = reviews.keepApart(WORKER, reviewId, "Twin sister");
        assertThat(kept.status()).isEqualTo("kept-apart");
        assertThat(service.find(GP, doubtful.referral().id()).orElseThrow().patientId()).isEqualTo(doubtful.referral().patientId());
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE outcome = 'kept-apart' AND detail = 'Twin sister'")).isEqualTo(1);
    }

    @Test
    void somebodyElseBecomesANewPatientWithoutReview() {
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        Intake other = service.receive(GP, referral("R2", null,
                new Demographics("Ashworth", "Derek", LocalDate.of(1944, 3, 2), "male", "S6 3AB")));
        assertThat(other.patient()).isEqualTo(PatientOutcome.CREATED);
        assertThat(other.referral().patientId()).isNotEqualTo(first.referral().patientId());
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_review")).isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE outcome = 'new-patient'")).isEqualTo(2);
    }

    @Test
    void patientsOfAnotherAreaAreNeverCandidates() {
        service.receive(GP_ISLINGTON, referral("R1", null, MARGARET));
        Intake here = service.receive(GP, referral("R1", null, MARGARET));
        assertThat(here.patient()).isEqualTo(PatientOutcome.CREATED);
        assertThat(count("SELECT COUNT(*) FROM wm_patient")).isEqualTo(2);
    }

    @Test
    void unverifiedNhsNumberAlwaysGoesToReviewEvenWithPerfectDemographics() {
        NhsNumber unverified = NhsNumber.parse("9990010006").orElseThrow();
        Intake first = service.receive(GP, referral("R1", null, MARGARET));
        Intake second = service.receive(GP, referral("R2", unverified, MARGARET));
        assertThat(second.patient()).isEqualTo(PatientOutcome.CREATED_FOR_REVIEW);
        assertThat(second.warnings()).singleElement().asString().contains("check digit");
        LinkageReviews.Review review = reviews.find(WORKER, reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10)
                .items().get(0).id()).orElseThrow();
        assertThat(review.reason()).isEqualTo("unverified-nhs-number");
        assertThat(review.person().nhsNumberVerified()).isFalse();
        assertThat(review.candidates()).extracting(k -> k.person().patientId()).containsExactly(first.referral().patientId());
    }

    @Test
    void verifiedNhsNumberLinksWhateverTheNamesSay() {
        NhsNumber nhs = NhsNumber.parse("9990010005").orElseThrow();
        Intake first = service.receive(GP, referral("R1", nhs, MARGARET));
        Intake second = service.receive(GP, referral("R2", nhs, new Demographics("Smith", "Peggy", null, null, null)));
        assertThat(second.patient()).isEqualTo(PatientOutcome.MATCHED);
        assertThat(second.referral().patientId()).isEqualTo(first.referral().patientId());
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE rule_name = 'verified-nhs-number'")).isEqualTo(2);
    }

    // ------------------------------------------------------------------ transactions

    @Test
    void transactionStoresReferralsAboutOnePersonWithOneLinkage() {
        Subject margaret = Subject.described(null, MARGARET).withKey("urn:uuid:p1");
        List<Intake> intakes = service.receiveAll(GP, List.of(
                new NewReferral("https://gp.example/ref", "T1", margaret, "Lonely", null, "routine", null, null, null, null, null),
                new NewReferral("https://gp.example/ref", "T2", margaret, "Debt", null, "routine", null, null, null, null, null)));
        assertThat(intakes).extracting(Intake::created).containsExactly(true, true);
        assertThat(intakes.get(0).patient()).isEqualTo(PatientOutcome.CREATED);
        assertThat(intakes.get(1).referral().patientId()).isEqualTo(intakes.get(0).referral().patientId());
        assertThat(count("SELECT COUNT(*) FROM wm_patient")).isEqualTo(1);
        // The answer's Patient entry comes from the record the intake read with the referrals, not a search afterwards.
        assertThat(intakes).allSatisfy(intake -> {
            assertThat(intake.patientRecord().id()).isEqualTo(intakes.get(0).referral().patientId());
            assertThat(intake.patientRecord().version()).isEqualTo(1);
            assertThat(intake.patientRecord().demographics().family()).isEqualTo("Holloway");
        });

        List<Intake> replay = service.receiveAll(GP, List.of(
                new NewReferral("https://gp.example/ref", "T1", margaret, "Lonely", null, "routine", null, null, null, null, null),
                new NewReferral("https://gp.example/ref", "T2", margaret, "Debt", null, "routine", null, null, null, null, null)));
        assertThat(replay).extracting(Intake::created).containsExactly(false, false);
        assertThat(replay).extracting(i -> i.referral().id()).containsExactly(intakes.get(0).referral().id(), intakes.get(1).referral().id());
        assertThat(replay).extracting(i -> i.patientRecord().id()).containsOnly(intakes.get(0).referral().patientId());
        assertThat(count("SELECT COUNT(*) FROM wm_referral")).isEqualTo(2);
    }

    @Test
    void transactionIsAllOrNothing() {
        NewReferral good = referral("T1", null, MARGARET);
        NewReferral unknownPatient = new NewReferral("https://gp.example/ref", "T2", Subject.existing("nobody"), null, null,
                null, null, null, null, null, null);
        assertThatThrownBy(() -> service.receiveAll(GP, List.of(good, unknownPatient)))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE));
        assertThat(count("SELECT COUNT(*) FROM wm_referral")).isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_patient")).isZero();
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision")).isZero();
        assertThatThrownBy(() -> service.receiveAll(GP, List.of(good, good)))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID));
        assertThatThrownBy(() -> service.receiveAll(WORKER, List.of(good)))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN));
    }

    @Test
    void aNewReferralInATransactionJoinsThePatientOfARetriedOne() {
        Subject margaret = Subject.described(null, MARGARET).withKey("urn:uuid:p1");
        Intake before = service.receive(GP, new NewReferral("https://gp.example/ref", "T1", margaret, null, null, null, null,
                null, null, null, null));
        List<Intake> intakes = service.receiveAll(GP, List.of(
                new NewReferral("https://gp.example/ref", "T1", margaret, null, null, null, null, null, null, null, null),
                new NewReferral("https://gp.example/ref", "T3", margaret, null, null, null, null, null, null, null, null)));
        assertThat(intakes.get(0).created()).isFalse();
        assertThat(intakes.get(0).patient()).isEqualTo(PatientOutcome.MATCHED);
        assertThat(intakes.get(1).referral().patientId()).isEqualTo(before.referral().patientId());
    }

    // ------------------------------------------------------------------ searches

    @Test
    void referralsAreSearchableByAuthoredAndLastUpdated() {
        service.receive(GP, authored("A1", MARGARET, "2026-01-10T09:00:00Z"));
        service.receive(GP, authored("A2", MARGARET, "2026-02-10T09:00:00Z"));
        Instant afterBoth = Instant.now().plusSeconds(1);
        ReferralSearch all = ReferralSearch.all(0, 10);
        assertThat(service.search(GP, all.withAuthored(new TimeRange(Instant.parse("2026-02-01T00:00:00Z"), null))).total()).isEqualTo(1);
        assertThat(service.search(GP, all.withAuthored(new TimeRange(null, Instant.parse("2026-01-10T09:00:00Z")))).total()).isEqualTo(1);
        assertThat(service.search(GP, all.withAuthored(new TimeRange(Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z")))).total()).isEqualTo(2);
        assertThat(service.search(GP, all.withLastUpdated(new TimeRange(afterBoth, null))).total()).isZero();
        assertThat(service.search(GP, all.withLastUpdated(new TimeRange(null, afterBoth))).total()).isEqualTo(2);
        assertThat(service.search(GP_ISLINGTON, all.withAuthored(TimeRange.ANY)).total()).as("scope").isZero();
    }

    @Test
    void referralsAreSearchableByIdAndOwningArea() {
        String id = service.receive(GP, authored("A1", MARGARET, "2026-01-10T09:00:00Z")).referral().id();
        assertThat(service.search(WORKER, ReferralSearch.all(0, 10).withReferralId(id)).items()).singleElement()
                .satisfies(r -> assertThat(r.id()).isEqualTo(id));
        assertThat(service.search(WORKER, ReferralSearch.all(0, 10).withArea("sheffield")).total()).isEqualTo(1);
        assertThat(service.search(WORKER, ReferralSearch.all(0, 10).withArea("islington")).total()).isZero();
    }

    /** Found probing /api: searches kept one summary entry, so a person's own trail never showed who looked them up. */
    @Test
    void aSearchForPeopleRecordsEachPersonShownAndACaseloadListingOnlyItsSummary() {
        String patientId = service.receive(GP, authored("A1", MARGARET, "2026-01-10T09:00:00Z")).referral().patientId();
        List<String> recorded = new ArrayList<>();
        JdbcReferralService recording = new JdbcReferralService(db, (caller, action, type, id, patient) ->
                recorded.add(caller.id() + " " + action + " " + type + " " + patient), Clock.systemUTC(),
                new ReferralNotices(new RecordingNotifier(), new MapContactBook()));

        recording.search(WORKER, ReferralSearch.all(0, 10).withArea("sheffield"));
        assertThat(recorded).containsExactly("sam SEARCH ServiceRequest null");

        recorded.clear();
        recording.search(GP, ReferralSearch.all(0, 10));
        assertThat(recorded).containsExactly("gp-sheffield SEARCH ServiceRequest null", "gp-sheffield READ ServiceRequest " + patientId);

        recorded.clear();
        recording.searchPatients(WORKER, new org.waymark.api.referral.PatientSearch(null, "Holloway", null, null, null, null, 0, 10));
        assertThat(recorded).containsExactly("sam SEARCH Patient null", "sam READ Patient " + patientId);
    }

    @Test
    void patientsAreSearchableByNamePrefixBirthDateAndPostcode() {
        service.receive(GP, referral("R1", null, MARGARET));
        service.receive(GP, referral("R2", null, new Demographics("Ashworth", "Derek", LocalDate.of(1951, 11, 19), "male", "S6 3AB")));
        service.receive(GP_ISLINGTON, referral("R3", null, new Demographics("Hollis", "Maria", LocalDate.of(1944, 3, 2), "female", "N7 6PA")));
        assertThat(names(GP, new PatientSearch(null, "holl", null, null, null, null, 0, 10))).containsExactly("Holloway");
        assertThat(names(GP, new PatientSearch(null, "HÓLLOWAY", "marg", null, null, null, 0, 10))).containsExactly("Holloway");
        assertThat(names(GP, new PatientSearch(null, null, "derek", null, null, null, 0, 10))).containsExactly("Ashworth");
        assertThat(names(GP, new PatientSearch(null, null, null, LocalDate.of(1944, 3, 2), LocalDate.of(1944, 3, 2), null, 0, 10)))
                .containsExactly("Holloway");
        assertThat(names(GP, new PatientSearch(null, null, null, LocalDate.of(1950, 1, 1), null, null, 0, 10))).containsExactly("Ashworth");
        assertThat(names(GP, new PatientSearch(null, null, null, null, null, "s6 3", 0, 10))).containsExactly("Ashworth");
        assertThat(names(GP, new PatientSearch(null, null, null, null, null, "s10-2tn", 0, 10))).containsExactly("Holloway");
        assertThat(names(GP, new PatientSearch(null, "--", null, null, null, null, 0, 10))).isEmpty();
        assertThat(names(WORKER_ISLINGTON, new PatientSearch(null, "holl", null, null, null, null, 0, 10))).containsExactly("Hollis");
        Page<Patient> firstPage = service.searchPatients(GP, new PatientSearch(null, null, null, null, null, null, 0, 1));
        assertThat(firstPage.total()).isEqualTo(2);
        assertThat(firstPage.hasNext()).isTrue();
    }

    @Test
    void aNameSearchFindsEveryWordInTheFamilyOrAGivenName() {
        service.receive(GP, referral("R1", null, MARGARET));
        service.receive(GP, referral("R2", null, new Demographics("Van der Berg", "Anna Maria", LocalDate.of(1960, 5, 1), "female", "S1 2AB")));
        assertThat(names(GP, byName("Margaret Holloway"))).containsExactly("Holloway");
        assertThat(names(GP, byName("holl, MARG"))).containsExactly("Holloway");
        assertThat(names(GP, byName("maria berg"))).containsExactly("Van der Berg");
        assertThat(names(GP, byName("der"))).containsExactly("Van der Berg");
        assertThat(names(GP, byName("Margaret Berg"))).isEmpty();
        assertThat(names(GP, byName("%"))).isEmpty();
        assertThat(names(GP, byName("a b c d e f g h i holloway"))).as("ten words").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> names(GP, byName("a b c d e f g h i j holloway")))
                .isInstanceOf(org.waymark.api.error.WaymarkException.class).hasMessageContaining("at most 10 words");
        // Scoped as every search: Islington's worker does not find Sheffield's people by name.
        assertThat(names(WORKER_ISLINGTON, byName("Holloway"))).isEmpty();
    }

    @Test
    void referralsAreSearchableByTheirPersonsDemographicsWithinTheCallersScope() {
        service.receive(GP, referral("R1", null, MARGARET));
        service.receive(GP, referral("R2", null, new Demographics("Ashworth", "Derek", LocalDate.of(1951, 11, 19), "male", "S6 3AB")));
        service.receive(GP_ISLINGTON, referral("R3", null, new Demographics("Holloway", "Margaret", LocalDate.of(1944, 3, 2), "female", "N7 6PA")));
        PatientSearch margaret = new PatientSearch(null, null, null, LocalDate.of(1944, 3, 2), LocalDate.of(1944, 3, 2),
                "S10", 0, 0, "Margaret Holloway");

        assertThat(service.search(GP, ReferralSearch.all(0, 10).withPerson(margaret)).items())
                .extracting(Referral::identifierValue).containsExactly("R1");
        assertThat(service.search(GP_ISLINGTON, ReferralSearch.all(0, 10).withPerson(margaret)).total()).isZero();
        assertThat(service.search(GP, ReferralSearch.all(0, 10).withPerson(byName("Ashworth"))).items())
                .extracting(Referral::identifierValue).containsExactly("R2");
        assertThat(service.search(GP, ReferralSearch.all(0, 10).withPerson(byName("Nobody"))).total()).isZero();
        // Paging only, nobody named: no criterion at all.
        assertThat(service.search(GP, ReferralSearch.all(0, 10).withPerson(new PatientSearch(null, null, null, null, null,
                null, 0, 0))).total()).isEqualTo(2);
    }

    /** The cap on the people a demographic referral search names, at its limit and one past it. */
    @Test
    void aReferralSearchByDemographicsNamingMoreThanFiveHundredPeopleIsRefused() {
        LocalDate first = LocalDate.of(1930, 1, 1);
        for (int i = 0; i < JdbcReferralService.MAX_PEOPLE_BY_DEMOGRAPHICS; i++) {
            service.receive(GP, referral("CAP-" + i, null, new Demographics("Manyfold", "Person", first.plusDays(i), "female", "S1 1AA")));
        }
        PatientSearch everyone = byName("Manyfold");
        assertThat(service.search(GP, ReferralSearch.all(0, 10).withPerson(everyone)).total())
                .isEqualTo(JdbcReferralService.MAX_PEOPLE_BY_DEMOGRAPHICS);

        service.receive(GP, referral("CAP-last", null, new Demographics("Manyfold", "Person", LocalDate.of(1999, 1, 1), "female", "S1 1AA")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.search(GP, ReferralSearch.all(0, 10).withPerson(everyone)))
                .isInstanceOfSatisfying(org.waymark.api.error.WaymarkException.class,
                        e -> assertThat(e.kind()).isEqualTo(org.waymark.api.error.WaymarkException.Kind.INVALID))
                .hasMessageContaining("more than 500 people");
        PatientSearch narrowed = new PatientSearch(null, null, null, LocalDate.of(1999, 1, 1), LocalDate.of(1999, 1, 1), null, 0, 0,
                "Manyfold");
        assertThat(service.search(GP, ReferralSearch.all(0, 10).withPerson(narrowed)).items())
                .extracting(Referral::identifierValue).as("the birth date narrows it").containsExactly("CAP-last");
    }

    private static PatientSearch byName(String name) {
        return new PatientSearch(null, null, null, null, null, null, 0, 10, name);
    }

    private List<String> names(Caller caller, PatientSearch search) {
        return service.searchPatients(caller, search).items().stream().map(p -> p.demographics().family()).toList();
    }

    @Test
    void postcodesKeepTheirSpacingForDisplay() {
        String patientId = service.receive(GP, referral("R1", null, MARGARET)).referral().patientId();
        assertThat(service.findPatient(GP, patientId).orElseThrow().demographics().postcode()).isEqualTo("S10 2TN");
    }

    @Test
    void clockIsUsedForLinkageRecords() {
        Instant fixed = Instant.parse("2026-03-01T12:00:00Z");
        JdbcReferralService fixedService = new JdbcReferralService(db, (c, a, t, i, p) -> { }, Clock.fixed(fixed, ZoneOffset.UTC),
                new ReferralNotices(new RecordingNotifier(), new MapContactBook()));
        fixedService.receive(GP, referral("R1", null, MARGARET));
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE decided_at = TIMESTAMP('2026-03-01 12:00:00')")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ partial birth dates and given names

    private static Demographics pia(LocalDate born, Demographics.BirthDatePrecision precision) {
        return new Demographics("Partialdate", "Pia", born, "female", "S2 3CD", precision);
    }

    @Test
    void aYearOnlyBirthDateIsKeptAndGoesToReviewInsteadOfLinkingToNewYearsDay() {
        // Found probing: "1965" was stored as 1965-01-01 and linked unasked to a person born that day.
        Intake newYearsDay = service.receive(GP, referral("R1", null, pia(LocalDate.of(1965, 1, 1), Demographics.BirthDatePrecision.DAY)));
        Intake yearOnly = service.receive(GP, referral("R2", null, pia(LocalDate.of(1965, 1, 1), Demographics.BirthDatePrecision.YEAR)));
        assertThat(yearOnly.patient()).isEqualTo(PatientOutcome.CREATED_FOR_REVIEW);
        assertThat(yearOnly.referral().patientId()).isNotEqualTo(newYearsDay.referral().patientId());
        Patient stored = service.findPatient(WORKER, yearOnly.referral().patientId()).orElseThrow();
        assertThat(stored.demographics().birthDateText()).isEqualTo("1965");
        assertThat(stored.demographics().birthDatePrecision()).isEqualTo(Demographics.BirthDatePrecision.YEAR);

        Intake month = service.receive(GP, referral("R3", null, new Demographics("Monthonly", "Ann", LocalDate.of(1971, 6, 1),
                "female", null, Demographics.BirthDatePrecision.MONTH)));
        assertThat(service.findPatient(WORKER, month.referral().patientId()).orElseThrow().demographics().birthDateText())
                .isEqualTo("1971-06");
        LinkageReviews.Review review = reviews.find(WORKER, reviews.list(WORKER, LinkageReviews.Status.PENDING, 0, 10)
                .items().get(0).id()).orElseThrow();
        assertThat(review.person().birthDate()).isEqualTo("1965");
        assertThat(review.candidates()).singleElement().satisfies(k -> assertThat(k.detail()).contains("birth year same"));
    }

    @Test
    void aWholeBirthDateFindsAPartialOneOfItsYearAsACandidate() {
        Intake yearOnly = service.receive(GP, referral("R1", null, pia(LocalDate.of(1965, 1, 1), Demographics.BirthDatePrecision.YEAR)));
        // A family name that shares no prefix, so only the birth date lookup can find the earlier record.
        Intake full = service.receive(GP, referral("R2", null, new Demographics("Quartz", "Pia", LocalDate.of(1965, 8, 15),
                "female", "S2 3CD")));
        assertThat(full.referral().patientId()).isNotEqualTo(yearOnly.referral().patientId());
        assertThat(count("SELECT COUNT(*) FROM wm_linkage_decision WHERE detail LIKE '%birth year same%'")).isEqualTo(1);
    }

    @Test
    void aBirthDateSearchFindsPartialDatesWhosePeriodOverlapsIt() {
        String year = service.receive(GP, referral("R1", null, pia(LocalDate.of(1965, 1, 1), Demographics.BirthDatePrecision.YEAR)))
                .referral().patientId();
        String month = service.receive(GP, referral("R2", null, new Demographics("Other", "Ann", LocalDate.of(1965, 8, 1), "female",
                null, Demographics.BirthDatePrecision.MONTH))).referral().patientId();
        String day = service.receive(GP, referral("R3", null, new Demographics("Third", "Bo", LocalDate.of(1965, 8, 15), "male", null)))
                .referral().patientId();
        String before = service.receive(GP, referral("R4", null, new Demographics("Fourth", "Cy", LocalDate.of(1964, 12, 31), "male", null)))
                .referral().patientId();
        assertThat(born(LocalDate.of(1965, 1, 1), LocalDate.of(1965, 12, 31))).containsExactlyInAnyOrder(year, month, day);
        assertThat(born(LocalDate.of(1965, 8, 15), LocalDate.of(1965, 8, 15))).containsExactlyInAnyOrder(year, month, day);
        assertThat(born(LocalDate.of(1965, 8, 20), null)).containsExactlyInAnyOrder(year, month);
        assertThat(born(null, LocalDate.of(1964, 12, 31))).containsExactly(before);
        assertThat(born(LocalDate.of(1965, 9, 1), null)).containsExactly(year);
    }

    private List<String> born(LocalDate from, LocalDate to) {
        return service.searchPatients(WORKER, new PatientSearch(null, null, null, from, to, null, 0, 50)).items().stream()
                .map(Patient::id).toList();
    }

    @Test
    void everyGivenNameIsKeptAndAnyOfThemFindsThePerson() {
        // Found probing: given ["Robert", "Anselm"] was stored as Robert, so given=anselm found nobody.
        String id = service.receive(GP, referral("R1", null, new Demographics("Movedhouse", "Robert Anselm",
                LocalDate.of(1950, 6, 6), "male", "S9 9ZZ"))).referral().patientId();
        assertThat(service.findPatient(WORKER, id).orElseThrow().demographics().given()).isEqualTo("Robert Anselm");
        for (String given : List.of("anselm", "ANS", "Robert", "robert ans")) {
            assertThat(service.searchPatients(WORKER, new PatientSearch(null, null, given, null, null, null, 0, 10)).items())
                    .as(given).extracting(Patient::id).containsExactly(id);
        }
        assertThat(service.searchPatients(WORKER, new PatientSearch(null, null, "selm", null, null, null, 0, 10)).items())
                .as("from the start of a name only").isEmpty();

        Intake again = service.receive(GP, referral("R2", null, new Demographics("Movedhouse", "Robert",
                LocalDate.of(1950, 6, 6), "male", "S9 9ZZ")));
        assertThat(again.referral().patientId()).as("a middle name left out still links").isEqualTo(id);
    }

    @Test
    void givenNamesTooLongForTheColumnLoseWholeNames() {
        assertThat(PatientLinker.clipNames("Anna " + "b".repeat(97), 100)).isEqualTo("Anna");
        assertThat(PatientLinker.clipNames("Robert Anselm", 100)).isEqualTo("Robert Anselm");
        assertThat(PatientLinker.normaliseGiven(" Zoë  Anne-Marie ")).isEqualTo("zoe annemarie");
    }
}
