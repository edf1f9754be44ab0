package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Information governance on the real distribution with demo data: the subject access export, rectification with
 * history, retention (dry run ahead of time, then a real run once the closed demo referrals are old enough), the
 * audit trail as an admin of one area sees it, its tamper check after a row is edited straight in the database, and on
 * embedded Derby the database encrypted at rest with an encrypted backup restored into a second node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GovernanceIT {
    private static final String DB_KEY = "itest-boot-password-0123";
    private static final String BACKUP_PASSPHRASE = "itest backup passphrase";
    private static final String ADMIN = basic("admin", "admin");
    private static final String WORKER = basic("linkworker", "linkworker");
    private static final String NHS = "https://fhir.nhs.uk/Id/nhs-number";
    private static final String OLD_DONE_JOB = "00000000-0000-4000-8000-00000000d0e1";
    private static final String OLD_DEAD_JOB = "00000000-0000-4000-8000-00000000dead";

    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer()
            .withEnvironment("WAYMARK_DB_ENCRYPTION_KEY", DB_KEY)
            .withEnvironment("WAYMARK_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE);

    private static String holloway() {
        JsonNode list = json(server.get("/api/referrals?search=holloway", "Authorization", ADMIN));
        return list.path("items").get(0).path("patientId").asText();
    }

    private static String referralOf(String patientSearch) {
        return json(server.get("/api/referrals?search=" + patientSearch, "Authorization", ADMIN)).path("items").get(0).path("id").asText();
    }

    @Test
    @Order(1)
    void theSubjectAccessExportHoldsEverythingAboutADemoPersonAndOnlyAdminsGetIt() {
        String patientId = holloway();
        String referralId = referralOf("holloway");
        assertThat(server.postJson("/api/referrals/" + referralId + "/notes", "{\"text\":\"Would like a gardening group\"}",
                "Authorization", WORKER).statusCode()).isEqualTo(201);
        server.admin("set-contact", "person", patientId, "--email", "margaret@example.org");
        String assessmentId = assessDigitalSkills(referralId, WORKER);
        assertThat(server.postJson("/api/digital-skills/referrals/" + referralId + "/self-assessment-links", "{}",
                "Authorization", WORKER).statusCode()).isEqualTo(201);

        HttpResponse<String> export = server.get("/api/patients/" + patientId + "/export", "Authorization", ADMIN);
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        JsonNode body = json(export);
        assertThat(body.path("format").asText()).isEqualTo("waymark-subject-access-export/1");
        JsonNode sections = body.path("sections");
        assertThat(sections.fieldNames()).toIterable().contains("referrals", "notifications", "directory", "audit", "digital-skills");
        assertThat(sections.at("/referrals/person/0/family").asText()).isEqualTo("Holloway");
        assertThat(sections.at("/referrals/referrals/0/id").asText()).isEqualTo(referralId);
        assertThat(sections.at("/referrals/notes/0/text").asText()).isEqualTo("Would like a gardening group");
        assertThat(sections.at("/notifications/contactAddresses/0/address").asText()).isEqualTo("margaret@example.org");
        assertThat(sections.path("directory").has("onwardReferrals")).isTrue();
        assertThat(sections.at("/audit/entries")).as("who read the record").isNotEmpty();
        JsonNode skills = sections.path("digital-skills");
        assertThat(skills.at("/assessments/0/id").asText()).isEqualTo(assessmentId);
        assertThat(skills.at("/assessments/0/response").asText()).as("the answers as given, as text").contains("QuestionnaireResponse");
        assertThat(skills.path("assessmentScores")).isNotEmpty()
                .allSatisfy(score -> assertThat(score.path("assessment_id").asText()).isEqualTo(assessmentId));
        assertThat(skills.path("selfAssessmentLinks")).singleElement()
                .satisfies(link -> assertThat(link.has("token_digest")).as("the link's digest is a credential").isFalse());
        assertThat(skills.at("/equality/0/ethnicity").asText()).isEqualTo("white");

        assertThat(server.get("/api/patients/" + patientId + "/export", "Authorization", WORKER).statusCode()).isEqualTo(403);
        assertThat(server.get("/api/patients/" + patientId + "/export").statusCode()).isEqualTo(401);
        JsonNode trail = json(server.get("/api/admin/audit?resourceType=SubjectAccessExport&patientId=" + patientId, "Authorization", ADMIN));
        assertThat(trail.path("items")).singleElement().satisfies(e -> assertThat(e.path("actor").asText()).isEqualTo("admin"));
    }

    @Test
    @Order(2)
    void aCorrectionKeepsTheEarlierDetailsAndAStaleOneIsRefused() {
        String patientId = holloway();
        HttpResponse<String> before = server.get("/api/patients/" + patientId + "/history", "Authorization", WORKER);
        String etag = before.headers().firstValue("ETag").orElseThrow();
        assertThat(json(before).path("previous")).isEmpty();

        HttpResponse<String> corrected = put("/api/patients/" + patientId + "/demographics",
                "{\"family\":\"Holloway-Price\",\"postcode\":\"S10 2TP\",\"reason\":\"Surname and postcode confirmed by phone\"}", etag);
        assertThat(corrected.statusCode()).isEqualTo(200);
        assertThat(json(corrected).at("/demographics/family").asText()).isEqualTo("Holloway-Price");

        JsonNode history = json(server.get("/api/patients/" + patientId + "/history", "Authorization", WORKER));
        assertThat(history.at("/current/demographics/postcode").asText()).isEqualTo("S10 2TP");
        assertThat(history.path("previous")).singleElement().satisfies(p -> {
            assertThat(p.path("family").asText()).isEqualTo("Holloway");
            assertThat(p.path("postcode").asText()).isEqualTo("S10 2TN");
            assertThat(p.path("changedBy").asText()).isEqualTo("linkworker");
            assertThat(p.path("reason").asText()).isEqualTo("Surname and postcode confirmed by phone");
        });
        HttpResponse<String> stale = put("/api/patients/" + patientId + "/demographics", "{\"given\":\"Maggie\",\"reason\":\"typo\"}", etag);
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(put("/api/patients/" + patientId + "/demographics", "{\"given\":\"Maggie\"}", null).statusCode()).isEqualTo(400);
        JsonNode export = json(server.get("/api/patients/" + patientId + "/export", "Authorization", ADMIN));
        assertThat(export.at("/sections/referrals/corrections/0/family").asText()).isEqualTo("Holloway");

        // A birth date known only to the month is kept and shown as such, not as the 1st of that month.
        String current = server.get("/api/patients/" + patientId + "/history", "Authorization", WORKER)
                .headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> partial = put("/api/patients/" + patientId + "/demographics",
                "{\"birthDate\":\"1944-03\",\"reason\":\"Only the month is on record\"}", current);
        assertThat(partial.statusCode()).as(partial.body()).isEqualTo(200);
        assertThat(json(partial).at("/demographics/birthDate").asText()).isEqualTo("1944-03");
        assertThat(json(server.get("/api/referrals/" + referralOf("holloway"), "Authorization", WORKER)).at("/patient/birthDate").asText())
                .isEqualTo("1944-03");
    }

    @Test
    @Order(3)
    void aRetentionDryRunOnDemoDataFindsTheClosedReferralsOnceTheirPeriodHasPassed() {
        assertThat(server.admin("retention", "--dry-run")).contains("Closed referrals past their period: 0");
        String ahead = server.admin("retention", "--dry-run", "--as-of", "2040-01-01");
        assertThat(ahead).contains("Closed referrals past their period: 2").contains("sheffield: 1").contains("islington: 1")
                .contains("Persons erased entirely (no other referral left): 2");
        assertThatThrownBy(() -> server.admin("retention", "--apply", "--as-of", "2040-01-01"))
                .hasMessageContaining("--dry-run only");
        assertThat(demoPatient("9990019002")).as("a dry run erases nothing").isNotNull();
    }

    @Test
    @Order(4)
    void theDatabaseIsEncryptedAtRestAndAnEncryptedBackupRestoresIntoANewNode() throws Exception {
        Assumptions.assumeFalse(PostgresServer.selected(), "encryption at rest and online backup are for embedded Derby");
        String properties = Files.readString(server.dataDir().resolve("db/service.properties"), StandardCharsets.ISO_8859_1);
        assertThat(properties).contains("dataEncryption=true").contains("encryptionKeyLength=256");
        long stored = json(server.get("/fhir/ServiceRequest?_count=0", "Authorization", bearer(server.demoClientToken()))).path("total").asLong();

        String answer = server.admin("backup", server.dataDir().resolve("backups").toString());
        assertThat(answer).contains(".wmbackup (encrypted)");
        Path archive = Path.of(answer.substring(answer.indexOf('/'), answer.indexOf(".wmbackup") + ".wmbackup".length()));
        try (var files = Files.list(archive.getParent())) {
            assertThat(files).as("nothing unencrypted is left beside the archive").containsExactly(archive);
        }
        Path restoredFolder = server.dataDir().resolve("restored");
        assertThat(server.admin("restore-backup", archive.toString(), restoredFolder.toString())).contains("Restored");

        WaymarkServer restored = new WaymarkServer().withRestoredDatabase(restoredFolder.resolve("db"))
                .withEnvironment("WAYMARK_DB_ENCRYPTION_KEY", DB_KEY);
        restored.start("GovernanceIT-restored");
        try {
            long found = json(restored.get("/fhir/ServiceRequest?_count=0", "Authorization", bearer(restored.demoClientToken())))
                    .path("total").asLong();
            assertThat(found).as("referrals in the restored copy").isEqualTo(stored);
        } finally {
            restored.shutdown();
        }
    }

    @Test
    @Order(5)
    void anAreaAdminListsTheAuditTrailOfTheirAreasOnlyInFullPages() {
        server.admin("create-user", "isla", "--role", "admin", "--area", "islington", "--password", "isla-password-1");
        server.admin("create-user", "shelley", "--role", "link-worker", "--area", "sheffield", "--password", "shelley-password-1");
        String isla = basic("isla", "isla-password-1");
        String shelley = basic("shelley", "shelley-password-1");
        // A Sheffield person, read by Sheffield's own worker and by the demo worker of both areas.
        HttpResponse<String> sent = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(server.demoClientToken()),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                FhirReferralIT.serviceRequest("AUDIT-SCOPE-1", TestData.validNhsNumber(), "Audenshaw"))));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        String sheffieldReferral = json(sent).path("id").asText();
        String sheffieldPerson = json(sent).path("subject").path("reference").asText().replace("Patient/", "");
        assertThat(server.get("/api/referrals/" + sheffieldReferral, "Authorization", shelley).statusCode()).isEqualTo(200);
        assertThat(server.get("/api/referrals", "Authorization", shelley).statusCode()).isEqualTo(200);
        assertThat(server.get("/api/referrals/" + sheffieldReferral, "Authorization", WORKER).statusCode()).isEqualTo(200);
        // An Islington person, entered by Isla and read by the worker of both areas.
        HttpResponse<String> entered = server.postJson("/api/referrals", """
                {"area":"islington","source":"phone","family":"Islip","given":"Ida","birthDate":"1958-03-04",
                 "reason":"Lonely since moving","referrer":"Neighbour"}""", "Authorization", isla);
        assertThat(entered.statusCode()).as(entered.body()).isEqualTo(201);
        String islingtonPerson = json(server.get("/api/referrals/" + json(entered).path("id").asText(), "Authorization", WORKER))
                .path("patient").path("id").asText();
        assertThat(islingtonPerson).isNotBlank();

        java.util.List<JsonNode> shown = new java.util.ArrayList<>();
        json(server.get("/api/admin/audit?limit=200", "Authorization", isla)).path("items").forEach(shown::add);
        assertThat(shown).as("what Isla did, and what the worker of both areas did for her person")
                .anyMatch(e -> e.path("actor").asText().equals("isla") && e.path("patientId").asText().equals(islingtonPerson))
                .anyMatch(e -> e.path("actor").asText().equals("linkworker") && e.path("patientId").asText().equals(islingtonPerson));
        assertThat(shown).as("nothing of Sheffield's people or staff, nor of machine clients or system jobs about no one")
                .noneMatch(e -> e.path("patientId").asText().equals(sheffieldPerson))
                .noneMatch(e -> e.path("actor").asText().equals("shelley"))
                .noneMatch(e -> e.path("actorKind").asText().equals("CLIENT") && !e.hasNonNull("patientId"))
                .noneMatch(e -> e.path("actor").asText().startsWith("system:") && !e.hasNonNull("patientId"));
        assertThat(json(server.get("/api/admin/audit?patientId=" + sheffieldPerson, "Authorization", isla)).path("items")).isEmpty();
        assertThat(json(server.get("/api/admin/audit?actor=shelley", "Authorization", isla)).path("items")).isEmpty();
        JsonNode everything = json(server.get("/api/admin/audit?patientId=" + sheffieldPerson, "Authorization", ADMIN));
        assertThat(everything.path("items").findValuesAsText("actor")).as("an admin of both areas sees the whole trail")
                .contains("shelley", "linkworker", "demo-gp");

        // Small pages walk the same entries: each full until the last, none skipped or repeated.
        java.util.List<JsonNode> paged = new java.util.ArrayList<>();
        Long before = shown.get(0).path("id").asLong() + 1;
        while (before != null && paged.size() < shown.size()) {
            JsonNode page = json(server.get("/api/admin/audit?limit=7&before=" + before, "Authorization", isla));
            boolean more = page.hasNonNull("nextBefore");
            if (more) {
                assertThat(page.path("items").size()).as("a page is full unless it is the last").isEqualTo(7);
            }
            page.path("items").forEach(paged::add);
            before = more ? page.path("nextBefore").asLong() : null;
        }
        assertThat(paged.subList(0, Math.min(paged.size(), shown.size()))).extracting(e -> e.path("id").asLong())
                .containsExactlyElementsOf(shown.stream().map(e -> e.path("id").asLong()).toList());
    }

    @Test
    @Order(6)
    void editingAnAuditRowInTheDatabaseBreaksTheChainAndRetentionErasesWhatIsDue() throws Exception {
        JsonNode intact = json(server.get("/api/admin/audit/verify", "Authorization", ADMIN));
        assertThat(intact.path("intact").asBoolean()).isTrue();
        assertThat(intact.path("checkedRows").asLong()).isGreaterThan(10);
        String lindqvist = demoPatient("9990019002");
        // Digital skills work from while the referral was open, to be erased with it (the equality answer with the
        // person). Written to the tables: a closed referral refuses new work (found probing), and the demo one is closed.
        String lindqvistReferral = json(server.get("/api/patients/" + lindqvist + "/export", "Authorization", ADMIN))
                .path("referralIds").get(0).asText();
        assertThat(server.postJson("/api/digital-skills/referrals/" + lindqvistReferral + "/assessments", "{\"answers\":{}}",
                "Authorization", ADMIN).statusCode()).as("no new work on a closed referral").isEqualTo(409);
        String earlierWork = "INSERT INTO ds_assessment (id, referral_id, patient_id, area, mode, taken_by, taken_at, overall, "
                + "response) SELECT 'itest-earlier-assessment', id, patient_id, area, 'worker', 'admin', created_at, 2, '{}' "
                + "FROM wm_referral WHERE id = '" + lindqvistReferral + "'";
        String earlierEquality = "INSERT INTO ds_equality (patient_id, ethnicity, updated_at, updated_by) SELECT patient_id, "
                + "'white', created_at, 'admin' FROM wm_referral WHERE id = '" + lindqvistReferral + "'";

        // Someone with access to the database rewrites who read a record, and makes the closed demo referrals old.
        String tamper = "UPDATE wm_audit SET actor = 'nobody' WHERE chain_seq = 5";
        String age = "UPDATE wm_referral SET updated_at = TIMESTAMP('2010-01-01 00:00:00') WHERE status IN ('completed', 'rejected')";
        // And two jobs of long ago: the finished one is deleted soon after the next start, the dead-lettered one stays.
        String oldJobs = "INSERT INTO wm_job (id, job_type, job_key, state, attempts, max_attempts, run_at, created_at, "
                + "updated_at) VALUES ('" + OLD_DONE_JOB + "', 'itest.purge', 'done', 'DONE', 1, 3, TIMESTAMP('2010-01-01 "
                + "00:00:00'), TIMESTAMP('2010-01-01 00:00:00'), TIMESTAMP('2010-01-01 00:00:00')), ('" + OLD_DEAD_JOB
                + "', 'itest.purge', 'dead', 'DEAD', 3, 3, TIMESTAMP('2010-01-01 00:00:00'), TIMESTAMP('2010-01-01 "
                + "00:00:00'), TIMESTAMP('2010-01-01 00:00:00'))";
        if (PostgresServer.selected()) {
            PostgresServer postgres = server.ownPostgres().orElseThrow();
            postgres.sql("waymark", tamper);
            postgres.sql("waymark", earlierWork);
            postgres.sql("waymark", earlierEquality);
            postgres.sql("waymark", age.replace("TIMESTAMP('2010-01-01 00:00:00')", "TIMESTAMP '2010-01-01 00:00:00'"));
            postgres.sql("waymark", oldJobs.replace("TIMESTAMP('2010-01-01 00:00:00')", "TIMESTAMP '2010-01-01 00:00:00'"));
            assertThat(Integer.parseInt(postgres.sql("waymark", digitalSkillsRows(lindqvist)))).isPositive();
            assertThat(jobIds("done")).contains(OLD_DONE_JOB);
            server.restart();
        } else {
            server.stop();
            String url = "jdbc:derby:" + server.dataDir().resolve("db") + ";bootPassword=" + DB_KEY;
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                assertThat(s.executeUpdate(tamper)).isEqualTo(1);
                assertThat(s.executeUpdate(earlierWork)).isEqualTo(1);
                assertThat(s.executeUpdate(earlierEquality)).isEqualTo(1);
                assertThat(s.executeUpdate(age)).isEqualTo(2);
                assertThat(s.executeUpdate(oldJobs)).isEqualTo(2);
                assertThat(count(s, digitalSkillsRows(lindqvist))).isPositive();
                // The distribution's etc/system.properties reached Derby: the referral table and its dozen indexes,
                // created at the node's first start, have 32 KB pages (README, Known limits: intake).
                assertThat(count(s, "SELECT COUNT(*) FROM TABLE (SYSCS_DIAG.SPACE_TABLE('WM_REFERRAL')) x")).isGreaterThan(10);
                assertThat(count(s, "SELECT COUNT(*) FROM TABLE (SYSCS_DIAG.SPACE_TABLE('WM_REFERRAL')) x "
                        + "WHERE x.pagesize <> 32768")).as("conglomerates of wm_referral without 32 KB pages").isZero();
            } finally {
                try {
                    DriverManager.getConnection("jdbc:derby:" + server.dataDir().resolve("db") + ";shutdown=true");
                } catch (SQLException shutDown) {
                    // Derby reports a clean shutdown as an exception (08006)
                }
            }
            server.restart();
        }

        JsonNode broken = json(server.get("/api/admin/audit/verify", "Authorization", ADMIN));
        assertThat(broken.path("intact").asBoolean()).isFalse();
        assertThat(broken.at("/firstBrokenLink/chainSeq").asLong()).isEqualTo(5);
        assertThat(broken.at("/firstBrokenLink/problem").asText()).contains("changed");

        String run = server.admin("retention", "--apply");
        assertThat(run).contains("Closed referrals past their period: 2").contains("Persons erased entirely (no other referral left): 2");
        assertThat(demoPatient("9990019002")).as("the person went with their last referral").isNull();
        assertThat(server.get("/api/patients/" + lindqvist + "/export", "Authorization", ADMIN).statusCode()).isEqualTo(404);
        assertThat(server.admin("retention", "--dry-run")).contains("Closed referrals past their period: 0");
        JsonNode erased = json(server.get("/api/admin/audit?action=delete&patientId=" + lindqvist, "Authorization", ADMIN));
        assertThat(erased.path("items")).as("the erasure is audited").hasSize(2);

        org.awaitility.Awaitility.await("the finished job of 2010 deleted after the restart").atMost(java.time.Duration.ofSeconds(60))
                .until(() -> !jobIds("done").contains(OLD_DONE_JOB));
        assertThat(jobIds("dead")).as("the dead-letter list is kept for an admin").contains(OLD_DEAD_JOB);

        // No export can show rows left behind once the person is gone: read the tables (on Derby, with the node stopped).
        if (PostgresServer.selected()) {
            assertThat(Integer.parseInt(server.ownPostgres().orElseThrow().sql("waymark", digitalSkillsRows(lindqvist))))
                    .as("digital skills rows of the erased person").isZero();
        } else {
            server.stop();
            String url = "jdbc:derby:" + server.dataDir().resolve("db") + ";bootPassword=" + DB_KEY;
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                assertThat(count(s, digitalSkillsRows(lindqvist))).as("digital skills rows of the erased person").isZero();
            } finally {
                try {
                    DriverManager.getConnection("jdbc:derby:" + server.dataDir().resolve("db") + ";shutdown=true");
                } catch (SQLException shutDown) {
                    // Derby reports a clean shutdown as an exception (08006)
                }
            }
        }
    }

    /** Records a digital skills assessment (every statement "with some help") and an equality answer; answers its id. */
    private static String assessDigitalSkills(String referralId, String authorization) {
        ObjectNode answers = WaymarkServer.objectMapper().createObjectNode();
        json(server.get("/api/digital-skills/framework", "Authorization", authorization)).path("areas")
                .forEach(area -> area.path("statements").forEach(statement -> answers.put(statement.path("code").asText(), "help")));
        HttpResponse<String> assessed = server.postJson("/api/digital-skills/referrals/" + referralId + "/assessments",
                "{\"answers\":" + answers + "}", "Authorization", authorization);
        assertThat(assessed.statusCode()).as(assessed.body()).isEqualTo(201);
        HttpResponse<String> equality = server.send(server.request("/api/digital-skills/referrals/" + referralId + "/equality",
                "Authorization", authorization, "Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"ethnicity\":\"white\"}")));
        assertThat(equality.statusCode()).as(equality.body()).isEqualTo(200);
        return json(assessed).path("id").asText();
    }

    /** One count of every row the digital skills tables hold about the person (scores go with their assessments). */
    private static String digitalSkillsRows(String patientId) {
        String where = " WHERE patient_id = '" + patientId + "'";
        return "SELECT SUM(n) FROM (" + java.util.stream.Stream.of("ds_assessment", "ds_plan", "ds_follow_up", "ds_link", "ds_equality")
                .map(table -> "SELECT COUNT(*) AS n FROM " + table + where).collect(java.util.stream.Collectors.joining(" UNION ALL "))
                + ") AS rows_about_the_person";
    }

    private static int count(Statement s, String sql) throws SQLException {
        try (java.sql.ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    private static java.util.List<String> jobIds(String state) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        json(server.get("/api/admin/jobs?state=" + state + "&count=1000", "Authorization", ADMIN)).forEach(job -> ids.add(job.path("id").asText()));
        return ids;
    }

    /** The local id of the demo person with this NHS number, as the demo GP system sees it, or null. */
    private static String demoPatient(String nhsNumber) {
        JsonNode found = json(server.get("/fhir/Patient?identifier=" + NHS + "%7C" + nhsNumber, "Authorization",
                bearer(server.demoClientToken())));
        return found.path("total").asInt() == 0 ? null : found.at("/entry/0/resource/id").asText();
    }

    private static HttpResponse<String> put(String path, String body, String ifMatch) {
        HttpRequest.Builder request = server.request(path, "Authorization", WORKER, "Content-Type", "application/json");
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return server.send(request.PUT(HttpRequest.BodyPublishers.ofString(body)));
    }
}
