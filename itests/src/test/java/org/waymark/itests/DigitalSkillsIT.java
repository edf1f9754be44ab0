package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.waymark.itests.WaymarkServer.basic;
import static org.waymark.itests.WaymarkServer.bearer;
import static org.waymark.itests.WaymarkServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Digital skills end to end on the real distribution: the published Questionnaire; a link worker assesses a person,
 * agrees a plan, sees the follow-ups scheduled and the reminder reach the person at the test mail server (once, across
 * a kill -9), re-assesses and sees the change; the GP system reads the assessment as a QuestionnaireResponse; a person
 * assesses themselves through their one-time link on a phone-sized screen; an admin reads the area report and its CSV,
 * with small numbers suppressed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DigitalSkillsIT {
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final int SMTP_PORT = TestEnvironment.freePort();
    private static final String WORKER = basic("linkworker", "linkworker");
    private static final String ADMIN = basic("admin", "admin");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer()
            .withEnvironment("WAYMARK_SMTP_HOST", "127.0.0.1")
            .withEnvironment("WAYMARK_SMTP_PORT", Integer.toString(SMTP_PORT))
            .withEnvironment("WAYMARK_SMTP_FROM", "waymark@sheffield.example")
            .withEnvironment("WAYMARK_JOB_RETRY_BASE_MILLIS", "300")
            .withEnvironment("WAYMARK_JOB_TIME_LIMIT_SECONDS", "20");

    private static GreenMail mail;
    private static String gpToken;
    private static String referralId;
    private static String patientId;

    @BeforeAll
    static void start() {
        mail = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        gpToken = server.demoClientToken();
    }

    @AfterAll
    static void stop() {
        mail.stop();
    }

    @Test
    @Order(1)
    void theQuestionnaireIsPublishedWithoutCredentialsInJsonAndXml() {
        HttpResponse<String> search = server.get("/fhir/Questionnaire?url=https://fhir.waymark.org.uk/Questionnaire/essential-digital-skills");
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        JsonNode bundle = json(search);
        assertThat(bundle.path("total").asInt()).isEqualTo(1);
        JsonNode questionnaire = bundle.path("entry").get(0).path("resource");
        assertThat(questionnaire.path("resourceType").asText()).isEqualTo("Questionnaire");
        assertThat(questionnaire.path("item")).extracting(i -> i.path("text").asText()).containsExactly("Foundation skills",
                "Communicating", "Handling information and content", "Transacting", "Problem solving", "Being safe and legal online");
        assertThat(json(server.get("/fhir/Questionnaire?url=https://elsewhere.example/Questionnaire/x")).path("total").asInt()).isZero();

        HttpResponse<String> xml = server.get("/fhir/Questionnaire/essential-digital-skills", "Accept", "application/fhir+xml");
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.body()).startsWith("<Questionnaire xmlns=\"http://hl7.org/fhir\">").contains("I can spot a scam");
        assertThat(server.get("/fhir/Questionnaire/unknown").statusCode()).isEqualTo(404);

        JsonNode metadata = json(server.get("/fhir/metadata"));
        assertThat(metadata.path("rest").get(0).path("resource")).extracting(r -> r.path("type").asText())
                .contains("Questionnaire", "QuestionnaireResponse");
        assertThat(server.get("/fhir/QuestionnaireResponse?subject=Patient/x").statusCode()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void aLinkWorkerAssessesAgreesAPlanAndTheReminderReachesThePersonOnceAcrossAKill() throws Exception {
        HttpResponse<String> created = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(gpToken),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                FhirReferralIT.serviceRequest("DS-1", TestData.validNhsNumber(), "Skills"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        referralId = json(created).path("id").asText();
        patientId = json(server.get("/api/referrals/" + referralId, "Authorization", WORKER)).path("patientId").asText();
        HttpResponse<String> contact = server.send(server.request("/api/contacts/person/" + patientId, "Authorization", WORKER,
                "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"preferredChannel\":\"email\",\"addresses\":{\"email\":\"skills.person@example.org\"}}")));
        assertThat(contact.statusCode()).as(contact.body()).isEqualTo(200);

        // The first assessment: foundation skills fine, the rest with help.
        HttpResponse<String> first = assess(answers("help", "foundation", "yes"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(json(first).path("overall").asInt()).isEqualTo(58);
        assertThat(json(first).path("areas").get(1).path("level").asText()).isEqualTo("developing");
        assertThat(assess(Map.of("foundation-device", "yes")).statusCode()).isEqualTo(400);

        // The GP system that sent the referral reads the assessment as a QuestionnaireResponse.
        String responseId = json(first).path("id").asText();
        HttpResponse<String> fhir = server.get("/fhir/QuestionnaireResponse/" + responseId, "Authorization", bearer(gpToken));
        assertThat(fhir.statusCode()).as(fhir.body()).isEqualTo(200);
        assertThat(json(fhir).path("subject").path("reference").asText()).isEqualTo("Patient/" + patientId);
        assertThat(json(fhir).path("questionnaire").asText()).startsWith("https://fhir.waymark.org.uk/Questionnaire/essential-digital-skills|");
        JsonNode byPatient = json(server.get("/fhir/QuestionnaireResponse?subject=Patient/" + patientId, "Authorization", WORKER));
        assertThat(byPatient.path("total").asInt()).isEqualTo(1);

        // Agreeing the plan schedules the follow-ups at 2, 6 and 12 weeks and tells the person the dates.
        HttpResponse<String> plan = server.send(server.request("/api/digital-skills/referrals/" + referralId + "/plan",
                "Authorization", WORKER, "Content-Type", "application/json", "If-Match", "\"0\"").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"goals\":[{\"code\":\"repeat-prescription\"},{\"code\":\"video-call\"}],\"barriers\":[\"no-device\",\"confidence\"],"
                        + "\"actions\":[{\"code\":\"digital-champion\",\"note\":\"Library, Tuesdays\"},{\"code\":\"device-data-scheme\"}]}")));
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        LocalDate today = LocalDate.now(LONDON);
        JsonNode followUps = json(plan).path("followUps");
        assertThat(followUps).extracting(f -> f.path("dueOn").asText()).containsExactly(today.plusWeeks(2).toString(),
                today.plusWeeks(6).toString(), today.plusWeeks(12).toString());
        assertThat(json(plan).path("goals").get(0).path("skillArea").asText()).isEqualTo("transacting");
        MimeMessage dates = Mailbox.awaitEmail(mail, "digital-skills-schedule-" + referralId, DELIVERY_TIMEOUT);
        assertThat(dates.getAllRecipients()[0].toString()).isEqualTo("skills.person@example.org");
        assertThat(dates.getContent().toString()).contains("check in with you on");

        // The person can come in today: the first follow-up moves, and its reminder goes at once.
        String followUpId = followUps.get(0).path("id").asText();
        HttpResponse<String> moved = server.send(server.request("/api/digital-skills/referrals/" + referralId + "/follow-ups/" + followUpId,
                "Authorization", WORKER, "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"dueOn\":\"" + today + "\"}")));
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        String reminderId = "digital-skills-reminder-" + followUpId + "-" + today + "-person";
        MimeMessage reminder = Mailbox.awaitEmail(mail, reminderId, DELIVERY_TIMEOUT);
        assertThat(reminder.getSubject()).startsWith("Your digital skills check-in is on");
        await("the worker's task").atMost(DELIVERY_TIMEOUT).until(() -> json(server.get("/api/inbox", "Authorization", WORKER)).findValues("text")
                .stream().anyMatch(t -> t.asText().contains("#/referrals/" + referralId)));

        // kill -9 and start again: the later reminders are still queued, and nothing already sent goes twice.
        server.kill();
        server.restart();
        JsonNode pending = json(server.get("/api/admin/jobs?state=pending", "Authorization", ADMIN));
        assertThat(pending.findValues("key")).extracting(JsonNode::asText).contains(
                "follow-up-" + followUps.get(1).path("id").asText() + "-" + today.plusWeeks(6),
                "follow-up-" + followUps.get(2).path("id").asText() + "-" + today.plusWeeks(12));
        await("the reminder job done").atMost(DELIVERY_TIMEOUT).until(() -> json(server.get("/api/admin/jobs?state=done", "Authorization", ADMIN))
                .findValues("key").stream().anyMatch(k -> k.asText().equals(reminderId)));
        assertThat(Mailbox.count(mail, reminderId)).isOne();

        // The re-assessment completes the follow-up and shows the change.
        HttpResponse<String> again = assess(answers("yes", "safe-legal", "help"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        JsonNode progress = json(server.get("/api/digital-skills/referrals/" + referralId + "/progress", "Authorization", WORKER));
        assertThat(progress.path("assessments").asInt()).isEqualTo(2);
        assertThat(progress.path("improved").asBoolean()).isTrue();
        assertThat(progress.path("areas").get(1).path("change").asInt()).isEqualTo(50);
        assertThat(progress.path("areas").get(5).path("change").asInt()).isZero();
        assertThat(progress.path("goals").get(0).path("areaChange").asInt()).isEqualTo(50);
        JsonNode after = json(server.get("/api/digital-skills/referrals/" + referralId + "/follow-ups", "Authorization", WORKER));
        assertThat(after.get(0).path("status").asText()).isEqualTo("done");
        assertThat(after.get(1).path("status").asText()).isEqualTo("scheduled");
        // Found probing: reading the ethnicity (special category data) left no entry of its own in the audit trail.
        // (Here, as the admin signs in with a second factor once the console test has run.)
        assertThat(server.get("/api/digital-skills/referrals/" + referralId + "/equality", "Authorization", WORKER).statusCode())
                .isEqualTo(200);
        JsonNode reads = json(server.get("/api/admin/audit?action=read&resourceType=EqualityMonitoring&patientId=" + patientId,
                "Authorization", ADMIN));
        assertThat(reads.path("items").size()).as(reads.toString()).isPositive();
        assertThat(reads.path("items").get(0).path("actor").asText()).isEqualTo("linkworker");
        server.assertNoUnexpectedErrorsInLog();
    }

    @Test
    @Order(3)
    void aPersonAssessesThemselvesThroughTheirLinkOnAPhoneSizedScreen() throws Exception {
        HttpResponse<String> made = server.postJson("/api/digital-skills/referrals/" + referralId + "/self-assessment-links",
                "{\"send\":false}", "Authorization", WORKER);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String link = json(made).path("link").asText();
        assertThat(link).startsWith(server.baseUrl() + "/api/digital-skills-links/");

        WebDriver browser = browser(true);
        try {
            WebDriverWait wait = ConsoleChecks.pageWait(browser, Duration.ofSeconds(20));
            browser.manage().window().setSize(new Dimension(375, 812));
            browser.get(link);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "What can you do online?"));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth - window.innerWidth")).intValue())
                    .as("no sideways scrolling on a phone").isLessThanOrEqualTo(0);
            ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "self-assessment page");
            // Touch targets of at least 24 by 24 CSS pixels (WCAG 2.2, 2.5.8).
            WebElement radio = browser.findElement(By.id("safe-scams-yes"));
            assertThat(radio.getSize().getWidth()).isGreaterThanOrEqualTo(24);
            assertThat(radio.getSize().getHeight()).isGreaterThanOrEqualTo(24);

            // Everything but one answer: the page says what is missing and keeps the answers.
            List<WebElement> groups = browser.findElements(By.tagName("fieldset"));
            for (WebElement group : groups.subList(0, groups.size() - 1)) {
                click(browser, group.findElements(By.cssSelector("input[type=radio]")).get(0));
            }
            click(browser, browser.findElement(By.cssSelector("button[type=submit]")));
            WebElement errors = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".errors")));
            assertThat(errors.getText()).contains("Please answer every question", "I know what I should not share about myself online");
            assertThat(browser.findElement(By.id("safe-scams-yes")).isSelected()).isTrue();
            ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "self-assessment page with an error");
            click(browser, browser.findElement(By.linkText("I know what I should not share about myself online")));
            click(browser, browser.findElement(By.id("safe-sharing-help")));
            click(browser, browser.findElement(By.cssSelector("button[type=submit]")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Thank you"));
            assertThat(browser.findElement(By.tagName("table")).getText()).contains("Being safe and legal online");

            // The link works once.
            browser.get(link);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "used already"));
        } finally {
            browser.quit();
        }
        JsonNode assessments = json(server.get("/api/digital-skills/referrals/" + referralId + "/assessments", "Authorization", WORKER));
        assertThat(assessments).hasSize(3);
        assertThat(assessments.get(2).path("mode").asText()).isEqualTo("self");
        assertThat(assessments.get(2).path("overall").asInt()).isEqualTo(97);
        assertThat(server.get(link.substring(server.baseUrl().length())).statusCode()).isEqualTo(404);

        // Found probing: a link sent to the person (only its digest is kept) stayed readable in the outbox and so in
        // every subject access export of the person, an Islington admin's included. Once sent, the copy drops it.
        HttpResponse<String> sent = server.postJson("/api/digital-skills/referrals/" + referralId + "/self-assessment-links",
                "{\"send\":true}", "Authorization", WORKER);
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        String sentLink = json(sent).path("link").asText();
        String token = sentLink.substring(sentLink.lastIndexOf('/') + 1);
        String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        MimeMessage email = Mailbox.awaitEmail(mail, "digital-skills-link-" + digest.substring(0, 32), DELIVERY_TIMEOUT);
        assertThat(email.getContent().toString()).contains(sentLink);
        // The email leaves before the outbox records its delivery.
        String export = await("the delivery recorded").atMost(DELIVERY_TIMEOUT).until(
                () -> server.get("/api/patients/" + patientId + "/export", "Authorization", ADMIN).body(),
                body -> body.contains("\"DELIVERED\"") && body.contains("digital-skills.self-assessment") && !body.contains(token));
        assertThat(export).contains("one-time link, removed once sent");
    }

    @Test
    @Order(5)
    void anAdminReadsTheAreaReportAndItsCsvWithSmallNumbersSuppressed() {
        String today = LocalDate.now(LONDON).toString();
        // Found probing: one person referred five times showed as "referred 5" in their age band and sex, unsuppressed.
        String nhsNumber = TestData.validNhsNumber();
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> again = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(gpToken),
                    "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                    FhirReferralIT.serviceRequest("DS-AGAIN-" + i, nhsNumber, "Again")
                            .replace("\"birthDate\":\"1950-02-03\",\"gender\":\"female\"", "\"birthDate\":\"2001-03-03\",\"gender\":\"other\""))));
            assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        }
        assertThat(server.get("/api/digital-skills/reports?area=sheffield", "Authorization", WORKER).statusCode()).isEqualTo(403);
        HttpResponse<String> response = server.get("/api/digital-skills/reports?area=sheffield&from=2020-01-01&to=" + today,
                "Authorization", ADMIN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = json(response);
        assertThat(report.path("funnel")).extracting(s -> s.path("stage").asText())
                .containsExactly("referred", "engaged", "assessed", "followedUp", "improved");
        // One person assessed, followed up and improved: each of those counts is below 5, so it shows as *.
        assertThat(report.path("funnel").get(2).path("count").asText()).isEqualTo("*");
        assertThat(report.path("funnel").get(4).path("count").asText()).isEqualTo("*");
        assertThat(report.path("equity")).extracting(g -> g.path("dimension").asText())
                .containsExactly("ageBand", "sex", "ethnicity", "deprivation", "capability");
        assertThat(report.path("equity").get(3).path("available").asBoolean()).isFalse();
        assertThat(row(report.path("equity").get(1), "Other").path("referred").asText()).as("one person").isEqualTo("*");
        assertThat(row(report.path("equity").get(0), "18-34").path("referred").asText()).as("one person").isEqualTo("*");
        assertNoSmallNumbers(report.toString());

        HttpResponse<String> csv = server.get("/api/digital-skills/reports.csv?area=sheffield&from=2020-01-01&to=" + today,
                "Authorization", ADMIN);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).contains("attachment", ".csv");
        assertThat(csv.body()).startsWith("section,group,category,referred,engaged,assessed,followedUp,improved\r\n")
                .contains("funnel,all,all,").contains("equity,capability,");
        for (String line : csv.body().split("\r\n")) {
            for (String cell : line.split(",")) {
                assertThat(cell).as("a count in the CSV: " + line).doesNotMatch("[1-4]");
            }
        }
        assertThat(server.get("/api/digital-skills/reports?area=sheffield&from=2026-02-01&to=2026-01-01", "Authorization", ADMIN)
                .statusCode()).isEqualTo(400);
        // Found probing: a day the ISO calendar writes beyond the year 9999 answered 500.
        HttpResponse<String> farOff = server.get("/api/digital-skills/reports?area=sheffield&to=%2B999999999-12-31", "Authorization", ADMIN);
        assertThat(farOff.statusCode()).as(farOff.body()).isEqualTo(400);
        assertThat(farOff.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");

        // Found probing: the Sheffield report, read by an admin of both areas, counted the change from a Sheffield
        // baseline to a score recorded on the same person's Islington referral. Five people, each with one ONS4 on a
        // Sheffield referral and one on an Islington referral: Sheffield has no change to show.
        for (int i = 1; i <= 5; i++) {
            String nhs = TestData.validNhsNumber();
            String sheffield = handReferral("sheffield", nhs, "DsBoth" + i);
            String islington = handReferral("islington", nhs, "DsBoth" + i);
            assertThat(server.postJson("/api/digital-skills/referrals/" + sheffield + "/assessments", "{\"answers\":"
                    + WaymarkServer.objectMapper().valueToTree(answers("not-yet", "foundation", "not-yet")) + "}",
                    "Authorization", WORKER).statusCode()).isEqualTo(201);
            assertThat(server.postJson("/api/referrals/" + sheffield + "/measures/ons4",
                    "{\"answers\":{\"life-satisfaction\":3,\"worthwhile\":3,\"happiness\":3,\"anxiety\":7}}",
                    "Authorization", WORKER).statusCode()).isEqualTo(201);
            assertThat(server.postJson("/api/referrals/" + islington + "/measures/ons4",
                    "{\"answers\":{\"life-satisfaction\":9,\"worthwhile\":9,\"happiness\":9,\"anxiety\":1}}",
                    "Authorization", WORKER).statusCode()).isEqualTo(201);
        }
        JsonNode sheffieldOnly = json(server.get("/api/digital-skills/reports?area=sheffield&from=" + today + "&to=" + today,
                "Authorization", ADMIN));
        assertThat(sheffieldOnly.path("outcomeChange")).as("nothing from Islington's referrals").isEmpty();

        // Found probing: an Islington admin's subject access export of a person also referred in Sheffield listed
        // Sheffield's digital-skills messages to them; the export shows its areas' referrals and only counts the others.
        String nhs = TestData.validNhsNumber();
        String sheffield = handReferral("sheffield", nhs, "DsExport");
        String islington = handReferral("islington", nhs, "DsExport");
        HttpResponse<String> plan = server.send(server.request("/api/digital-skills/referrals/" + sheffield + "/plan", "Authorization",
                WORKER, "Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"goals\":[{\"code\":\"nhs-app\"}],\"barriers\":[],\"actions\":[]}")));
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        HttpResponse<String> islingtonAdmin = server.postJson("/api/users",
                "{\"username\":\"dsisladmin\",\"roles\":[\"admin\"],\"areas\":[\"islington\"]}", "Authorization", ADMIN);
        assertThat(islingtonAdmin.statusCode()).as(islingtonAdmin.body()).isEqualTo(201);
        String person = json(server.get("/api/referrals/" + islington, "Authorization", WORKER)).path("patientId").asText();
        HttpResponse<String> export = server.get("/api/patients/" + person + "/export", "Authorization",
                basic("dsisladmin", json(islingtonAdmin).path("temporaryPassword").asText()));
        assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
        assertThat(json(export).path("referralsInOtherAreas").asInt()).isOne();
        assertThat(export.body()).doesNotContain("digital-skills-schedule-" + sheffield).doesNotContain("digital-skills.schedule");
    }

    /** A referral entered by hand in an area, for a person with this NHS number; its id. */
    private static String handReferral(String area, String nhsNumber, String family) {
        HttpResponse<String> created = server.postJson("/api/referrals", "{\"area\":\"" + area + "\",\"source\":\"self\","
                + "\"nhsNumber\":\"" + nhsNumber + "\",\"family\":\"" + family + "\",\"given\":\"Sam\",\"birthDate\":"
                + "\"1960-03-01\",\"gender\":\"female\",\"reason\":\"Wants to get online\"}", "Authorization", WORKER);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json(created).path("id").asText();
    }

    @Test
    @Order(6)
    void inTheConsoleTheWorkerSeesTheChangeAndTheAdminTheReportWithItsChart() throws Exception {
        WebDriver browser = browser(false);
        try {
            WebDriverWait wait = ConsoleChecks.pageWait(browser, Duration.ofSeconds(30));
            browser.manage().window().setSize(new Dimension(1280, 900));
            browser.get(server.baseUrl() + "/console/#/referrals/" + referralId);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
            ConsoleChecks.signIn(browser, wait, server.baseUrl(), "admin", "admin");
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ds-panel")));
            wait.until(d -> d.findElements(By.cssSelector("#ds-progress-table tbody tr")).size() == 6);
            assertThat(browser.findElement(By.id("ds-progress-summary")).getText()).contains("3 assessments", "(improved)");
            assertThat(browser.findElements(By.cssSelector("#ds-chart svg rect[fill='#005eb8']"))).hasSize(6);
            assertThat(browser.findElements(By.cssSelector("#ds-follow-ups tbody tr"))).hasSize(3);
            assertThat(browser.findElement(By.id("ds-follow-ups")).getText()).contains("Done", "Scheduled");
            assertThat(browser.findElement(By.id("ds-plan-state")).getText()).contains("Agreed on");
            assertThat(browser.findElement(By.id("ds-goal-repeat-prescription")).isSelected()).isTrue();
            ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "referral page with digital skills");

            browser.findElement(By.id("menu-ds-report")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ds-report-view")));
            wait.until(d -> !d.findElements(By.cssSelector("#ds-report-root svg")).isEmpty());
            assertThat(browser.findElement(By.id("ds-report-root")).getText()).contains("Referred", "Who are we missing?", "Age band");
            assertThat(browser.findElement(By.id("ds-report-csv")).getAttribute("href")).contains("/api/digital-skills/reports.csv?area=");
            ConsoleChecks.assertNoSeriousAccessibilityProblems(browser, "digital skills report");
        } finally {
            browser.quit();
        }
    }

    /** /api reads bodies strictly: a typo or a value of the wrong type is a 400 naming the field, and nothing is erased. */
    @Test
    @Order(7)
    void aTypoOrAValueOfTheWrongTypeIsRefusedNamingTheFieldAndErasesNothing() {
        String base = "/api/digital-skills/referrals/" + referralId;
        JsonNode before = json(server.get(base + "/plan", "Authorization", WORKER));
        assertThat(before.path("goals")).hasSize(2);
        assertThat(put(base + "/equality", "{\"ethnicity\":\"white\"}").statusCode()).isEqualTo(200);

        assertRefused(put(base + "/plan", "{\"goalz\":[{\"code\":\"nhs-app\"}],\"barriers\":[],\"actions\":[]}"), "goalz");
        assertRefused(put(base + "/plan", "{\"goals\":\"x\",\"barriers\":[],\"actions\":[]}"), "goals");
        assertRefused(put(base + "/plan", "{\"goals\":[],\"barriers\":\"no-device\",\"actions\":[]}"), "barriers");
        assertRefused(put(base + "/plan", "{\"goals\":[],\"actions\":[]}"), "barriers");
        assertRefused(put(base + "/plan", "{\"goals\":[{\"code\":\"other\",\"text\":\"Email my GP\",\"skillArea\":\"nope\"}],"
                + "\"barriers\":[],\"actions\":[]}"), "goals[0].skillArea");
        assertRefused(put(base + "/plan", "{\"goals\":[],\"barriers\":[\"no-money\"],\"actions\":[]}"), "barriers[0]");
        assertRefused(put(base + "/plan", "{\"goals\":[],\"barriers\":[],\"actions\":[{\"code\":\"skills-group\",\"serviceId\":\"nope\"}]}"),
                "actions[0].serviceId");
        assertRefused(put(base + "/equality", "{\"ethnicty\":\"white\"}"), "ethnicty");
        assertRefused(server.postJson(base + "/self-assessment-links", "{\"send\":\"yes\"}", "Authorization", WORKER), "send");
        String followUpId = before.path("followUps").get(2).path("id").asText();
        assertRefused(put(base + "/follow-ups/" + followUpId, "{\"due\":\"2030-01-01\"}"), "due");
        // Found probing: a follow-up could be moved to 9999-12-31.
        assertRefused(put(base + "/follow-ups/" + followUpId, "{\"dueOn\":\"9999-12-31\"}"), "up to a year ahead");
        assertRefused(server.postJson(base + "/assessments", "{\"answers\":{},\"note\":\"x\"}", "Authorization", WORKER), "note");

        JsonNode after = json(server.get(base + "/plan", "Authorization", WORKER));
        assertThat(after.path("version")).isEqualTo(before.path("version"));
        assertThat(after.path("goals")).isEqualTo(before.path("goals"));
        assertThat(after.path("barriers")).isEqualTo(before.path("barriers"));
        assertThat(after.path("actions")).isEqualTo(before.path("actions"));
        assertThat(json(server.get(base + "/equality", "Authorization", WORKER)).path("ethnicity").asText()).isEqualTo("white");

        // Found probing: an empty body answered 200 {} and erased the ethnicity; every change needs its body.
        for (String missing : new String[] {"", "null"}) {
            assertRefused(put(base + "/equality", missing), "body");
            assertRefused(put(base + "/plan", missing), "body");
            assertRefused(put(base + "/follow-ups/" + followUpId, missing), "body");
            assertRefused(server.postJson(base + "/self-assessment-links", missing, "Authorization", WORKER), "body");
            assertRefused(server.postJson(base + "/assessments", missing, "Authorization", WORKER), "body");
            String goalId = before.path("goals").get(0).path("id").asText();
            assertRefused(server.postJson(base + "/plan/goals/" + goalId, missing, "Authorization", WORKER), "body");
        }
        assertRefused(put(base + "/equality", "{}"), "ethnicity");
        assertRefused(put(base + "/equality", "{\"ethnicity\":5}"), "ethnicity");
        assertThat(json(server.get(base + "/equality", "Authorization", WORKER)).path("ethnicity").asText()).isEqualTo("white");
        assertThat(json(server.get(base + "/plan", "Authorization", WORKER)).path("version")).isEqualTo(before.path("version"));
        // Clearing is said outright.
        HttpResponse<String> cleared = put(base + "/equality", "{\"ethnicity\":null}");
        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        // The answer leaves out a null field: cleared, there is no ethnicity.
        assertThat(json(server.get(base + "/equality", "Authorization", WORKER)).path("ethnicity").asText(null)).isNull();
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
     * Reminders go to whoever holds the referral when they go (here after a caseload handover from a worker who has
     * left), and a closed referral contacts nobody any more: its follow-ups show cancelled and its digital skills work
     * can be read but not changed. Before the console test: signing in there enrols the admin in two-factor sign-in.
     */
    @Test
    @Order(4)
    void afterAHandoverTheNewWorkerIsRemindedAndOnceTheReferralClosesNothingMoreIsPlannedOrSent() throws Exception {
        HttpResponse<String> user = server.postJson("/api/users",
                "{\"username\":\"dsleaver\",\"roles\":[\"link-worker\"],\"areas\":[\"sheffield\"]}", "Authorization", ADMIN);
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        String leaver = basic("dsleaver", json(user).path("temporaryPassword").asText());
        HttpResponse<String> created = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(gpToken),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                FhirReferralIT.serviceRequest("DS-2", TestData.validNhsNumber(), "Handover"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created).path("id").asText();
        String base = "/api/digital-skills/referrals/" + id;
        assertThat(server.postJson("/api/referrals/" + id + "/status", "{\"status\":\"accepted\"}", "Authorization", leaver)
                .statusCode()).isEqualTo(200);
        assertThat(server.postJson("/api/referrals/" + id + "/assignee", "{\"assignee\":\"dsleaver\"}", "Authorization", leaver)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> plan = server.send(server.request(base + "/plan", "Authorization", leaver, "Content-Type",
                "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                "{\"goals\":[{\"code\":\"nhs-app\"}],\"barriers\":[],\"actions\":[]}")));
        assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
        assertThat(json(plan).path("followUps")).extracting(f -> f.path("worker").asText()).containsOnly("dsleaver");

        HttpResponse<String> handover = server.postJson("/api/referrals/handover",
                "{\"area\":\"sheffield\",\"from\":\"dsleaver\",\"to\":\"linkworker\"}", "Authorization", ADMIN);
        assertThat(handover.statusCode()).as(handover.body()).isEqualTo(200);
        assertThat(server.postJson("/api/users/dsleaver/disable", "", "Authorization", ADMIN).statusCode()).isEqualTo(200);
        JsonNode followUps = json(server.get(base + "/follow-ups", "Authorization", WORKER));
        assertThat(followUps).extracting(f -> f.path("worker").asText()).containsOnly("linkworker");

        // The first follow-up moves to today, so its reminder goes at once: to the worker who holds the referral now.
        String today = LocalDate.now(LONDON).toString();
        String followUpId = followUps.get(0).path("id").asText();
        assertThat(put(base + "/follow-ups/" + followUpId, "{\"dueOn\":\"" + today + "\"}").statusCode()).isEqualTo(200);
        await("the new worker's task").atMost(DELIVERY_TIMEOUT).until(() -> json(server.get("/api/inbox", "Authorization", WORKER))
                .findValues("text").stream().anyMatch(t -> t.asText().contains("#/referrals/" + id)));

        HttpResponse<String> completed = server.postJson("/api/referrals/" + id + "/status",
                "{\"status\":\"completed\",\"outcome\":\"Uses the NHS App\"}", "Authorization", WORKER);
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
        assertThat(json(server.get(base + "/follow-ups", "Authorization", WORKER))).extracting(f -> f.path("status").asText())
                .containsOnly("cancelled");
        assertClosed(put(base + "/plan", "{\"goals\":[{\"code\":\"nhs-app\"}],\"barriers\":[],\"actions\":[]}"), "completed");
        assertClosed(server.postJson(base + "/self-assessment-links", "{\"send\":true}", "Authorization", WORKER), "completed");
        assertClosed(put(base + "/follow-ups/" + followUps.get(1).path("id").asText(), "{\"dueOn\":\"" + today + "\"}"), "completed");
        assertClosed(server.postJson(base + "/assessments", "{\"answers\":" + WaymarkServer.objectMapper()
                .valueToTree(answers("yes", "foundation", "yes")) + "}", "Authorization", WORKER), "completed");
        assertClosed(put(base + "/equality", "{\"ethnicity\":\"white\"}"), "completed");
        assertThat(server.get(base + "/plan", "Authorization", WORKER).statusCode()).isEqualTo(200);
        assertThat(server.get(base + "/assessments", "Authorization", WORKER).statusCode()).isEqualTo(200);

        // A rejected referral gets no plan, and so no follow-ups, and no link.
        HttpResponse<String> other = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(gpToken),
                "Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
                FhirReferralIT.serviceRequest("DS-3", TestData.validNhsNumber(), "Rejected"))));
        String rejected = json(other).path("id").asText();
        HttpResponse<String> reject = server.postJson("/api/referrals/" + rejected + "/status",
                "{\"status\":\"rejected\",\"reason\":\"Moved out of the area\"}", "Authorization", WORKER);
        assertThat(reject.statusCode()).as(reject.body()).isEqualTo(200);
        assertClosed(put("/api/digital-skills/referrals/" + rejected + "/plan",
                "{\"goals\":[{\"code\":\"nhs-app\"}],\"barriers\":[],\"actions\":[]}"), "rejected");
        assertClosed(server.postJson("/api/digital-skills/referrals/" + rejected + "/self-assessment-links", "{\"send\":true}",
                "Authorization", WORKER), "rejected");
        assertThat(json(server.get("/api/digital-skills/referrals/" + rejected + "/follow-ups", "Authorization", WORKER))).isEmpty();
        server.assertNoUnexpectedErrorsInLog();
    }

    private static HttpResponse<String> put(String path, String body) {
        return server.send(server.request(path, "Authorization", WORKER, "Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void assertRefused(HttpResponse<String> response, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(response).path("detail").asText()).as(response.body()).contains(field);
    }

    private static void assertClosed(HttpResponse<String> response, String status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(response).path("detail").asText()).contains("A " + status + " referral is closed");
    }

    private static void assertNoSmallNumbers(String json) {
        assertThat(json).doesNotContainPattern("\"(referred|engaged|assessed|followedUp|improved|count|due|done|people)\":\"[1-4]\"");
    }

    private static HttpResponse<String> assess(Map<String, String> answers) {
        return server.postJson("/api/digital-skills/referrals/" + referralId + "/assessments",
                WaymarkServer.objectMapper().valueToTree(Map.of("answers", answers)).toString(), "Authorization", WORKER);
    }

    /** Every statement answered {@code answer}, except those of {@code area}, answered {@code areaAnswer}. */
    private static Map<String, String> answers(String answer, String area, String areaAnswer) {
        JsonNode framework = json(server.get("/api/digital-skills/framework", "Authorization", WORKER));
        Map<String, String> answers = new java.util.LinkedHashMap<>();
        framework.path("areas").forEach(a -> a.path("statements").forEach(s ->
                answers.put(s.path("code").asText(), a.path("code").asText().equals(area) ? areaAnswer : answer)));
        return answers;
    }

    private static void click(WebDriver browser, WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'});", element);
        element.click();
    }

    /** Headless Chromium; {@code phone}: emulating a phone's screen (375 by 812 CSS pixels, touch, mobile user agent). */
    private static WebDriver browser(boolean phone) {
        return ConsoleChecks.chromium(phone);
    }
}
