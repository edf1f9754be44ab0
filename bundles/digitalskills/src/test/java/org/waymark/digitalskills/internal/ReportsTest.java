package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.waymark.api.measure.MeasureHistory;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.testing.TestDatabase;

class ReportsTest {
    private static final Caller ADMIN = new Caller("admin", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);
    private static final Instant NOW = Instant.parse("2026-06-01T09:00:00Z");

    private static MeasureHistory.Recorded ons4(String day, int satisfied, int anxious) {
        return new MeasureHistory.Recorded("ons4", "x", Map.of("life-satisfaction", satisfied, "anxiety", anxious),
                Instant.parse(day + "T10:00:00Z"));
    }

    @Test
    void measureChangeIsFromTheFirstToTheLatestResponsePerItem() {
        Map<String, int[]> sums = new TreeMap<>();
        Reports.measureChange(List.of(ons4("2026-01-01", 4, 8), ons4("2026-02-01", 5, 7), ons4("2026-03-01", 7, 5)), sums);
        Reports.measureChange(List.of(ons4("2026-01-01", 6, 3), ons4("2026-03-01", 5, 3)), sums);
        // A single response shows no change and is not counted.
        Reports.measureChange(List.of(ons4("2026-01-01", 1, 1)), sums);
        assertThat(sums.get("ons4/life-satisfaction")).containsExactly(2, 3 - 1);
        assertThat(sums.get("ons4/anxiety")).containsExactly(2, -3);
    }

    @Test
    void theReportsDaysRunToTheirLastNanosecondInLocalTime() {
        var range = Reports.receivedOn(LocalDate.of(2026, 6, 1), LocalDate.of(2026, 6, 30));
        // London summer time: the local days begin and end an hour before UTC's.
        assertThat(range.from()).isEqualTo(Instant.parse("2026-05-31T23:00:00Z"));
        assertThat(range.to()).isEqualTo(Instant.parse("2026-06-30T22:59:59.999999999Z"));
        Instant lastMillisecond = Instant.parse("2026-06-30T22:59:59.999500Z");
        assertThat(lastMillisecond).isBeforeOrEqualTo(range.to());
    }

    @Test
    void ageBandsAndSexFollowTheRecord() {
        Instant at = Instant.parse("2026-06-01T12:00:00Z");
        assertThat(Reports.ageBand(LocalDate.of(1950, 6, 2), at)).isEqualTo("75+");
        assertThat(Reports.ageBand(LocalDate.of(1951, 6, 1), at)).isEqualTo("75+");
        assertThat(Reports.ageBand(LocalDate.of(1951, 6, 2), at)).isEqualTo("65-74");
        assertThat(Reports.ageBand(LocalDate.of(2010, 1, 1), at)).isEqualTo("0-17");
        assertThat(Reports.ageBand(null, at)).isEqualTo("Not known");
        assertThat(Reports.sex("female")).isEqualTo("Female");
        assertThat(Reports.sex("unknown")).isEqualTo("Not known");
    }

    @Test
    void theCsvHoldsTheFiguresAsSuppressedOnScreen() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("area", "sheffield");
        report.put("from", "2026-01-01");
        report.put("to", "2026-06-30");
        report.put("funnel", List.of(Map.of("count", "40"), Map.of("count", "31"), Map.of("count", "20"), Map.of("count", "*"),
                Map.of("count", "*")));
        report.put("followUps", Map.of("due", "12", "done", "9", "completion", "75%"));
        report.put("skillAreaChange", List.of(Map.of("area", "foundation", "people", "6", "meanChange", "+12.5")));
        report.put("outcomeChange", List.of(Map.of("measure", "ons4", "item", "anxiety", "people", "*", "meanChange", "*")));
        report.put("equity", List.of(Map.of("dimension", "sex", "rows", List.of(
                Map.of("category", "Female", "referred", "25", "engaged", "20", "assessed", "12", "followedUp", "*", "improved", "*"),
                Map.of("category", "Not known, or other", "referred", "15", "engaged", "11", "assessed", "8", "followedUp", "*",
                        "improved", "*")))));
        String csv = Reports.csv(report);
        assertThat(csv).startsWith("section,group,category,referred,engaged,assessed,followedUp,improved\r\n"
                + "funnel,all,all,40,31,20,*,*\r\n"
                + "equity,sex,Female,25,20,12,*,*\r\n"
                + "equity,sex,\"Not known, or other\",15,11,8,*,*\r\n");
        assertThat(csv).contains("follow-ups,completion,75%\r\n", "skill-area-change,foundation mean change,+12.5\r\n",
                "outcome-change,ons4 anxiety people,*\r\n", "area,sheffield,");
    }

    /**
     * Found probing: five referrals of one person showed as "referred 5", unsuppressed. Here five people are referred
     * twice each, assessed on the first referral and again, better, on the second; a sixth is referred five times.
     */
    @Test
    void theReportCountsPeopleNotReferralsAndFollowsAPersonAcrossTheirReferrals() throws Exception {
        DataSource db = TestDatabase.migrated("db/digitalskills.xml");
        List<Referral> cohort = new ArrayList<>();
        Map<String, Demographics> people = new LinkedHashMap<>();
        for (int p = 1; p <= 5; p++) {
            String person = "p" + p;
            people.put(person, new Demographics("Holloway", "Jo", LocalDate.of(1950, 2, 3), "female", "S1 2AB"));
            cohort.add(referral(person + "-a", person, ReferralStatus.REQUESTED, "2026-03-01"));
            cohort.add(referral(person + "-b", person, ReferralStatus.ACCEPTED, "2026-04-01"));
        }
        people.put("again", new Demographics("Repeat", "Robin", LocalDate.of(2001, 3, 3), "other", null));
        for (int r = 1; r <= 5; r++) {
            cohort.add(referral("again-" + r, "again", ReferralStatus.REQUESTED, "2026-02-0" + r));
        }
        Jdbc.inTransaction(db, c -> {
            for (int p = 1; p <= 5; p++) {
                assessment(c, "p" + p + "-a", "p" + p, "2026-03-05", 30);
                assessment(c, "p" + p + "-b", "p" + p, "2026-04-05", 70);
            }
            return null;
        });
        AtomicInteger historyReads = new AtomicInteger();
        MeasureHistory measures = (caller, referralId) -> {
            historyReads.incrementAndGet();
            return List.of(ons4("2026-03-05", 4, 8), ons4("2026-04-05", 6, 6));
        };
        Reports reports = reports(db, cohort, people, measures);

        JsonNode report = FhirJson.MAPPER.valueToTree(reports.report(ADMIN, "sheffield", LocalDate.of(2026, 1, 1), LocalDate.of(2026, 5, 31)));

        assertThat(report.path("funnel")).extracting(s -> s.path("stage").asText() + " " + s.path("count").asText())
                .containsExactly("referred 6", "engaged 5", "assessed 5", "followedUp 0", "improved 5");
        JsonNode sex = group(report, "sex");
        assertThat(row(sex, "Other").path("referred").asText()).as("one person, five referrals").isEqualTo("*");
        assertThat(row(sex, "Female").path("engaged").asText()).isEqualTo("5");
        assertThat(row(group(report, "ageBand"), "18-34").path("referred").asText()).isEqualTo("*");
        // Described at their first assessment, whichever referral it was on.
        assertThat(row(group(report, "capability"), "Needs support").path("improved").asText()).isEqualTo("5");
        assertThat(report.path("skillAreaChange")).allSatisfy(a -> {
            assertThat(a.path("people").asText()).isEqualTo("5");
            assertThat(a.path("meanChange").asText()).isEqualTo("+40.0");
        });
        assertThat(report.path("outcomeChange")).allSatisfy(m -> assertThat(m.path("people").asText()).isEqualTo("5"));
        assertThat(historyReads).as("once per person assessed").hasValue(5);
    }

    /**
     * Found probing: the person's measure history spans every referral the caller may see, so for an admin of two
     * areas the Sheffield report counted the change from a Sheffield baseline to a score recorded on the person's
     * Islington referral (and a Sheffield-only admin saw other figures).
     */
    @Test
    void outcomeChangeKeepsToTheResponsesRecordedOnTheReportsReferrals() throws Exception {
        DataSource db = TestDatabase.migrated("db/digitalskills.xml");
        List<Referral> cohort = new ArrayList<>();
        Map<String, Demographics> people = new LinkedHashMap<>();
        for (int p = 1; p <= 6; p++) {
            people.put("p" + p, new Demographics("Holloway", "Jo", LocalDate.of(1950, 2, 3), "female", "S1 2AB"));
            cohort.add(referral("p" + p + "-sheffield", "p" + p, ReferralStatus.ACCEPTED, "2026-03-01"));
        }
        Jdbc.inTransaction(db, c -> {
            for (int p = 1; p <= 6; p++) {
                assessment(c, "p" + p + "-sheffield", "p" + p, "2026-03-05", 30);
            }
            return null;
        });
        MeasureHistory measures = (caller, referralId) -> List.of(
                ons4On(referralId, "2026-03-05", 4, 8),
                ons4On(referralId.replace("-sheffield", "-islington"), "2026-04-05", 9, 1));
        Reports reports = reports(db, cohort, people, measures);

        JsonNode report = FhirJson.MAPPER.valueToTree(reports.report(ADMIN, "sheffield", LocalDate.of(2026, 1, 1), LocalDate.of(2026, 5, 31)));

        assertThat(report.path("outcomeChange")).as("one response each on the area's referrals: no change to show").isEmpty();
    }

    private static MeasureHistory.Recorded ons4On(String referralId, String day, int satisfied, int anxious) {
        return new MeasureHistory.Recorded("ons4", "x", Map.of("life-satisfaction", satisfied, "anxiety", anxious),
                Instant.parse(day + "T10:00:00Z"), referralId);
    }

    @Test
    void aStageTotalIsWithheldWhereOnlyThatKeepsAColumnOfOnesFromBeingReadExactly() throws Exception {
        DataSource db = TestDatabase.migrated("db/digitalskills.xml");
        List<Referral> cohort = new ArrayList<>();
        Map<String, Demographics> people = new LinkedHashMap<>();
        // Five people, in five age bands and all women: each band's "*" would be exactly 1 beside a total of 5.
        int[] born = {2015, 1995, 1980, 1965, 1955};
        for (int p = 0; p < born.length; p++) {
            people.put("p" + p, new Demographics("A", "B", LocalDate.of(born[p], 1, 1), "female", null));
            cohort.add(referral("r" + p, "p" + p, ReferralStatus.REQUESTED, "2026-03-01"));
        }
        Reports reports = reports(db, cohort, people, (caller, id) -> List.of());

        JsonNode report = FhirJson.MAPPER.valueToTree(reports.report(ADMIN, "sheffield", LocalDate.of(2026, 1, 1), LocalDate.of(2026, 5, 31)));

        assertThat(report.path("funnel").get(0).path("count").asText()).isEqualTo("*");
        assertThat(group(report, "ageBand").path("rows")).allSatisfy(r -> assertThat(r.path("referred").asText()).isEqualTo("*"));
        // Nor does a column with nothing small give the withheld total back.
        assertThat(row(group(report, "sex"), "Female").path("referred").asText()).isEqualTo("*");
        assertThat(report.path("funnel").get(1).path("count").asText()).as("nobody engaged: nothing to withhold").isEqualTo("0");
    }

    @Test
    void referralsGroupByPersonOldestFirst() {
        List<List<Referral>> people = Reports.byPerson(List.of(referral("r2", "a", ReferralStatus.ACCEPTED, "2026-03-02"),
                referral("r3", "b", ReferralStatus.ACCEPTED, "2026-03-01"), referral("r1", "a", ReferralStatus.ACCEPTED, "2026-03-01")));
        assertThat(people).extracting(list -> list.stream().map(Referral::id).toList())
                .containsExactly(List.of("r1", "r2"), List.of("r3"));
    }

    private static Referral referral(String id, String patientId, ReferralStatus status, String day) {
        Instant at = Instant.parse(day + "T10:00:00Z");
        return new Referral(id, "task-" + id, patientId, null, "A Person", "demo-gp", "sheffield", null, null, status, null,
                "Lonely", null, "routine", at, null, null, null, 1, at, at);
    }

    /** An assessment scoring {@code score} in every area. */
    private static void assessment(Connection c, String referralId, String patientId, String day, int score) throws SQLException {
        String id = "assessment-" + referralId;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_assessment (id, referral_id, patient_id, area, mode,"
                + " taken_by, taken_at, overall, response) VALUES (?, ?, ?, 'sheffield', 'worker', 'linkworker', ?, ?, '{}')")) {
            insert.setString(1, id);
            insert.setString(2, referralId);
            insert.setString(3, patientId);
            insert.setTimestamp(4, Timestamp.from(Instant.parse(day + "T10:00:00Z")));
            insert.setInt(5, score);
            insert.executeUpdate();
        }
        for (Framework.SkillArea area : Framework.AREAS) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ds_assessment_score (assessment_id, skill_area, score, level)"
                    + " VALUES (?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, area.code());
                insert.setInt(3, score);
                insert.setString(4, Framework.Level.of(score).code);
                insert.executeUpdate();
            }
        }
    }

    private static JsonNode group(JsonNode report, String dimension) {
        for (JsonNode group : report.path("equity")) {
            if (group.path("dimension").asText().equals(dimension)) {
                return group;
            }
        }
        throw new AssertionError("No group " + dimension);
    }

    private static JsonNode row(JsonNode group, String category) {
        for (JsonNode row : group.path("rows")) {
            if (row.path("category").asText().equals(category)) {
                return row;
            }
        }
        throw new AssertionError("No row " + category + " in " + group);
    }

    /**
     * The report over this cohort, with the referral service answering only what a report asks (a test double: any
     * other call fails the test) and the digital-skills parts it reads from the test database.
     */
    private static Reports reports(DataSource db, List<Referral> cohort, Map<String, Demographics> people, MeasureHistory measures) {
        ReferralService referrals = (ReferralService) Proxy.newProxyInstance(ReportsTest.class.getClassLoader(),
                new Class<?>[] {ReferralService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "search" -> new Page<>(cohort, cohort.size(), 0, cohort.size());
                    case "findPatient" -> Optional.of(new Patient((String) args[1], null, people.get((String) args[1]), 1, NOW));
                    default -> throw new AssertionError("The report does not call " + method.getName());
                });
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        FollowUps followUps = new FollowUps(db, referrals, new Fakes.Jobs(), new Fakes.Notices(), new Fakes.Plugins(),
                new Fakes.Staff(), Fakes.AUDIT, clock);
        return new Reports(db, referrals, new Assessments(db, referrals, followUps, Fakes.AUDIT, clock), followUps,
                new Fakes.Plugins(), measures, Fakes.AUDIT, clock);
    }
}
