package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waymark.itests.WaymarkServer.bearer;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium: sign in, see the caseload from the database, search, sign out; work a
 * referral that arrived over FHIR (accept, wellbeing scores charted, a note kept as a draft, close with an outcome)
 * while the GP's Task follows; a keyboard-only walk; and axe-core finding no serious accessibility problem.
 */
class ConsoleIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void startBrowser() {
        browser = ConsoleChecks.chromium(false);
        wait = ConsoleChecks.pageWait(browser, Duration.ofSeconds(20));
    }

    /** Each test starts signed out on a blank page, so one that fails half-way does not leave the next one signed in. */
    @BeforeEach
    void signedOutOnABlankPage() {
        // WebDriver deletes the cookies of the page's own site, and about:blank has none: deleted there, a test that
        // failed signed in left the next one signed in (seen running the console tests against the unfixed console).
        browser.get(server.baseUrl() + "/api/health");
        browser.manage().deleteAllCookies();
        browser.get("about:blank");
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void linkWorkerSignsInSeesTheCaseloadSearchesAndSignsOut() {
        // A referral that arrives over FHIR shows in the caseload.
        String token = server.demoClientToken();
        server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(FhirReferralIT.serviceRequest("CONSOLE-1", "9990012598", "Fairweather"))));

        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));

        signIn("linkworker", "not-the-password");
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("message")));
        assertThat(message.getText()).contains("wrong");
        assertThat(browser.getTitle()).isEqualTo("Sign in - Waymark console");

        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        wait.until(d -> !rows().isEmpty());
        assertThat(browser.findElement(By.id("who")).getText()).contains("linkworker");
        assertThat(browser.findElement(By.id("caseload")).getText()).contains("Jo Fairweather").contains("Margaret Holloway");
        // Each view names itself in the page title (WCAG 2.4.2); it said "Waymark console" on every one.
        assertThat(browser.getTitle()).isEqualTo("Your caseload - Waymark console");
        assertNhsUkStylesAreAppliedAndEverythingComesFromThisServer();

        WebElement search = browser.findElement(By.id("search"));
        search.sendKeys("fairw");
        browser.findElement(By.cssSelector("#search-form button")).click();
        wait.until(d -> rows().size() == 1);
        assertThat(rows().get(0).getText()).contains("Fairweather").contains("999 001 2598");

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertThat(browser.findElement(By.id("caseload-view")).isDisplayed()).isFalse();
    }

    @Test
    void theInboxShowsATaskWhenASenderCancelsAndTheWorkerMarksItDone() throws Exception {
        // A GP system sends a referral and then cancels it (BaRS new, then update with the ServiceRequest revoked):
        // the unassigned referral's team, the link workers of its area, get a task in their inbox.
        Path examples = Path.of(TestEnvironment.requiredProperty("waymark.fixtures"), "nhs-bars", "ig", "Examples");
        // Registered with the endpoint the official examples send from: a GP system sends from its own endpoints only.
        String token = server.clientToken("console-bars-sender", server.createClient("console-bars-sender", "sheffield",
                "--endpoint", "https://fhir.nhs.uk/Id/dos-service-id|2222222222"));
        for (String example : List.of("REFREQ03 - Referral Service Request New Full - Primary Care to Community Pharmacy - Minor Illness.xml",
                "SERVREQ01 - Service Request Update - Revoked.xml")) {
            HttpResponse<String> sent = server.send(server.request("/fhir/$process-message", "Authorization", bearer(token),
                    "Content-Type", "application/fhir+xml", "Accept", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofFile(examples.resolve(example))));
            assertThat(sent.statusCode()).as(example + ": " + sent.body()).isEqualTo(200);
        }

        // Delivery to the inbox is a durable job, run just after the commit.
        org.awaitility.Awaitility.await("the task in the inbox").atMost(Duration.ofSeconds(30)).until(() ->
                WaymarkServer.json(server.get("/api/inbox", "Authorization", WaymarkServer.basic("linkworker", "linkworker"))).size() > 0);

        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        wait.until(d -> d.findElement(By.id("inbox-count")).getText().startsWith("("));
        browser.findElement(By.id("menu-inbox")).click();
        WebElement item = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#inbox-items li.task")));
        assertThat(item.getText()).contains("Referral cancelled by the sender").contains("cancelled a referral you hold");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).as("focus moves to the inbox heading").isEqualTo("inbox-title");
        // Found probing: the task said "open it in the console" but gave no way to it; its link opens the referral.
        item.findElement(By.cssSelector("a.inbox-open")).click();
        wait.until(d -> d.findElement(By.id("referral-status")).getText().contains("Cancelled"));
        browser.findElement(By.id("menu-inbox")).click();
        // The inbox is drawn again once loaded (focus then moves to its heading): the list shown before that goes.
        wait.until(d -> "inbox-title".equals(d.switchTo().activeElement().getAttribute("id")));
        item = browser.findElement(By.cssSelector("#inbox-items li.task"));

        int before = browser.findElements(By.cssSelector("#inbox-items li")).size();
        item.findElement(By.tagName("button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#inbox-items li")).size() == before - 1);

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    @Test
    void theWorkerSeesTheReferrersFlagsAndConsentAndRaisesASafeguardingConcern() throws Exception {
        Path examples = Path.of(TestEnvironment.requiredProperty("waymark.fixtures"), "nhs-bars", "ig", "Examples");
        // Registered with the endpoint the official examples send from: a GP system sends from its own endpoints only.
        String token = server.clientToken("console-flags-sender", server.createClient("console-flags-sender", "sheffield",
                "--endpoint", "https://fhir.nhs.uk/Id/dos-service-id|2222222222"));
        HttpResponse<String> sent = server.send(server.request("/fhir/$process-message", "Authorization", bearer(token),
                        "Content-Type", "application/fhir+xml", "Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofFile(examples.resolve("REFREQ01 - Referral Service Request New Full - 111 to ED.xml"))));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        String id = WaymarkServer.json(sent).path("entry").get(1).path("resource").path("id").asText();

        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/#/referrals/" + id);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(d -> d.findElements(By.cssSelector("#flags-list li")).size() == 3);
        List<WebElement> flags = browser.findElements(By.cssSelector("#flags-list li"));
        assertThat(flags.get(0).getText()).as("safeguarding first")
                .startsWith("Safeguarding: Child is cause for safeguarding concern").contains("from the referrer");
        assertThat(flags.get(0).getAttribute("class")).contains("flag-safeguarding");
        assertThat(browser.findElement(By.id("flags-list")).getText()).contains("Reasonable adjustment: Adjust for needle phobia");
        assertThat(browser.findElement(By.id("consent-summary")).getText()).contains("Direct Care, implied, active");

        browser.findElement(By.cssSelector("#concern-details summary")).click();
        WebElement concern = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("concern-text")));
        assertNoSeriousAccessibilityProblems("referral page with flags and the concern form");
        concern.sendKeys("Said they are afraid to go home");
        browser.findElement(By.cssSelector("#concern-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("announcement"), "Safeguarding concern raised"));
        wait.until(d -> d.findElements(By.cssSelector("#flags-list li")).size() == 4);
        assertThat(browser.findElement(By.id("flags-list")).getText())
                .contains("Safeguarding: Said they are afraid to go home (raised by linkworker");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "Safeguarding concern raised"));

        // Back in the caseload, the person's row carries the flags in force before anyone opens the referral.
        String nhsNumber = WaymarkServer.json(server.get("/api/referrals/" + id, "Authorization",
                WaymarkServer.basic("linkworker", "linkworker"))).path("nhsNumber").asText();
        browser.get(server.baseUrl() + "/console/#/");
        WebElement search = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("search")));
        search.clear();
        search.sendKeys(nhsNumber);
        browser.findElement(By.cssSelector("#search-form button")).click();
        // The list is drawn again when the search answers, so read the badges only once the search result alone is shown.
        By row = By.cssSelector("#caseload tbody tr[data-id='" + id + "']");
        String shown = nhsNumber.substring(0, 3) + " " + nhsNumber.substring(3, 6) + " " + nhsNumber.substring(6);
        ConsoleChecks.pageWait(browser, Duration.ofSeconds(20))
                .until(d -> !d.findElements(row).isEmpty() && rows().stream().allMatch(r -> r.getText().contains(shown)));
        assertThat(browser.findElement(row).findElements(By.cssSelector(".flag-badge"))).extracting(WebElement::getText)
                .containsExactly("Reasonable adjustment", "Other flag", "Safeguarding");

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    @Test
    void linkWorkerLinksADoubtfulReferralFromTheReviewPage() {
        String token = server.demoClientToken();
        HttpResponse<String> known = postReferral(token, FhirIntakeIT.containedReferral("CONSOLE-L1",
                FhirIntakeIT.patient(null, "Reviewson", "Tess", "1966-07-08", "S7 1AA"), "2026-02-01T09:00:00Z"));
        String knownPatient = WaymarkServer.json(known).path("subject").path("reference").asText();
        String doubtfulId = WaymarkServer.json(postReferral(token, FhirIntakeIT.containedReferral("CONSOLE-L2",
                FhirIntakeIT.patient(null, "Reviewson", "Tess", "1966-08-07", "S7 1AA"), "2026-02-02T09:00:00Z"))).path("id").asText();

        openLinkageReviewAsLinkWorker();
        WebElement row = wait.until(d -> d.findElements(By.cssSelector("#linkage-queue tbody tr")).stream()
                .filter(r -> r.getText().contains("Tess Reviewson")).findFirst().orElse(null));
        assertThat(row.getText()).contains("07/08/1966").contains("match someone only in part");
        row.findElement(By.cssSelector("button.review-button")).click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("linkage-detail")));
        List<WebElement> compared = browser.findElements(By.cssSelector("#linkage-compare tbody tr"));
        assertThat(compared.get(0).getText()).contains("Referred").contains("07/08/1966");
        WebElement candidate = compared.stream().filter(r -> r.getText().contains("08/07/1966")).findFirst().orElseThrow();
        assertThat(candidate.getText()).contains("Tess Reviewson").contains("Score");
        candidate.findElement(By.cssSelector("button.link-candidate")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("linkage-count"), "Linked to Tess Reviewson"));
        assertThat(browser.findElements(By.cssSelector("#linkage-queue tbody tr")).stream()
                .noneMatch(r -> r.getText().contains("Tess Reviewson"))).isTrue();
        assertThat(WaymarkServer.json(server.get("/fhir/ServiceRequest/" + doubtfulId, "Authorization", bearer(token)))
                .path("subject").path("reference").asText()).isEqualTo(knownPatient);

        browser.findElement(By.id("menu-caseload")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        assertThat(browser.findElement(By.id("linkage-view")).isDisplayed()).isFalse();

        // Leave the browser signed out, as the other test expects to find it.
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    /** Issue 5: someone kept apart who turns out to be the candidate after all is merged, and the referral follows. */
    @Test
    void linkWorkerMergesAPersonKeptApartEarlier() throws Exception {
        String token = server.demoClientToken();
        String worker = WaymarkServer.basic("linkworker", "linkworker");
        String knownPatient = WaymarkServer.json(postReferral(token, FhirIntakeIT.containedReferral("CONSOLE-M1",
                FhirIntakeIT.patient(null, "Keptapart", "Nell", "1962-03-04", "S6 2BB"), "2026-02-01T09:00:00Z")))
                .path("subject").path("reference").asText();
        String doubtfulId = WaymarkServer.json(postReferral(token, FhirIntakeIT.containedReferral("CONSOLE-M2",
                FhirIntakeIT.patient(null, "Keptapart", "Nell", "1962-04-03", "S6 2BB"), "2026-02-02T09:00:00Z"))).path("id").asText();
        String reviewId = null;
        for (JsonNode item : WaymarkServer.json(server.get("/api/linkage-reviews?count=100", "Authorization", worker)).path("items")) {
            if (item.path("referralId").asText().equals(doubtfulId)) {
                reviewId = item.path("id").asText();
            }
        }
        assertThat(reviewId).as("the doubtful referral waits for review").isNotNull();
        assertThat(server.postJson("/api/linkage-reviews/" + reviewId + "/decision", "{\"decision\":\"keep-apart\"}",
                "Authorization", worker).statusCode()).isEqualTo(200);

        openLinkageReviewAsLinkWorker();
        new Select(browser.findElement(By.id("linkage-status"))).selectByValue("kept-apart");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("linkage-count"), "kept apart"));
        WebElement row = wait.until(d -> d.findElements(By.cssSelector("#linkage-queue tbody tr")).stream()
                .filter(r -> r.getText().contains("Nell Keptapart")).findFirst().orElse(null));
        row.findElement(By.cssSelector("button.review-button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("linkage-detail")));
        assertThat(browser.findElement(By.id("keep-apart")).isDisplayed()).as("already kept apart").isFalse();
        assertNoSeriousAccessibilityProblems("a review kept apart, offering the merge");
        WebElement candidate = browser.findElements(By.cssSelector("#linkage-compare tbody tr")).stream()
                .filter(r -> r.getText().contains("04/03/1962")).findFirst().orElseThrow();

        // The merge reverses an earlier decision, so it needs a reason.
        candidate.findElement(By.cssSelector("button.merge-candidate")).click();
        wait.until(d -> d.switchTo().activeElement().getAttribute("id").equals("linkage-note"));
        browser.findElement(By.id("linkage-note")).sendKeys("The practice confirmed: one person, date typed wrongly");
        candidate.findElement(By.cssSelector("button.merge-candidate")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("linkage-count"), "Merged with Nell Keptapart"));
        assertThat(WaymarkServer.json(server.get("/fhir/ServiceRequest/" + doubtfulId, "Authorization", bearer(token)))
                .path("subject").path("reference").asText()).isEqualTo(knownPatient);

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    @Test
    void linkWorkerWorksAFhirReferralFromArrivalToClosureAndTheGpsTaskFollows() {
        String token = server.demoClientToken();
        String id = WaymarkServer.json(postReferral(token, FhirReferralIT.serviceRequest("CONSOLE-W1", "9990013004", "Wellbeing")))
                .path("id").asText();

        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        openFromCaseload("Jo Wellbeing");
        assertThat(browser.findElement(By.id("referral-status")).getText()).contains("New, waiting for a decision");
        assertThat(browser.findElement(By.id("referrer-summary")).getText()).contains("Lonely since moving").contains("Dr Who");
        assertThat(browser.findElement(By.id("patient-summary")).getText()).contains("999 001 3004").contains("03/02/1950");

        browser.findElement(By.id("accept")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-status"), "Accepted"));
        JsonNode task = task(token, id);
        assertThat(task.path("status").asText()).isEqualTo("accepted");
        assertThat(task.path("output").get(0).path("valueCodeableConcept").path("coding").get(0).path("code").asText())
                .isEqualTo("871731000000106");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "Status changed to accepted"));

        // ONS4 at first contact and at a follow-up: both charted, each item a line of its own.
        recordOns4(3, 4, 2, 8);
        wait.until(d -> d.findElements(By.cssSelector("#ons4-table tbody tr")).size() == 1);
        recordOns4(6, 7, 6, 4);
        wait.until(d -> d.findElements(By.cssSelector("#ons4-table tbody tr")).size() == 2);
        assertThat(browser.findElements(By.cssSelector("#ons4-chart svg polyline"))).hasSize(4);
        assertThat(browser.findElement(By.cssSelector("#ons4-chart svg desc")).getAttribute("textContent"))
                .contains("life satisfaction from 3 to 6").contains("anxiety from 8 to 4");
        assertThat(browser.findElement(By.id("ons4-attribution")).getText()).contains("Office for National Statistics");

        // A note survives a reload as a draft, then is saved.
        browser.findElement(By.id("note-text")).sendKeys("Talked about the allotment group");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("referral-title")));
        wait.until(d -> "Talked about the allotment group".equals(d.findElement(By.id("note-text")).getAttribute("value")));
        browser.findElement(By.cssSelector("#note-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("note-list"), "Talked about the allotment group"));
        assertThat(browser.findElement(By.id("note-text")).getAttribute("value")).isEmpty();

        // Close with an outcome from the area's list: the Task carries it.
        new Select(browser.findElement(By.id("new-status"))).selectByValue("completed");
        wait.until(d -> !new Select(d.findElement(By.id("status-reason"))).getOptions().isEmpty());
        new Select(browser.findElement(By.id("status-reason"))).selectByValue("goals-met");
        browser.findElement(By.id("status-detail")).sendKeys("Goes to the allotment weekly");
        browser.findElement(By.cssSelector("#status-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-status"), "Completed"));
        JsonNode closed = task(token, id);
        assertThat(closed.path("status").asText()).isEqualTo("completed");
        assertThat(closed.path("output").findValuesAsText("valueString")).contains("Goals met: Goes to the allotment weekly");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("Note added").contains("Outcome measure recorded");

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    @Test
    void aReferralThatCannotBeOpenedShowsNothingOfTheOneBeforeAndSigningOutLeavesNoneOfIt() {
        String id = WaymarkServer.json(postReferral(server.demoClientToken(),
                FhirReferralIT.serviceRequest("CONSOLE-S1", "9990011419", "Stalecheck"))).path("id").asText();
        browser.get(server.baseUrl() + "/console/#/referrals/" + id);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), "Jo Stalecheck"));

        // An address the worker cannot open (another area's referral, one gone, an old link): the page showed the
        // person opened before under it, and a note written there was saved on that person's referral.
        ((JavascriptExecutor) browser).executeScript("location.hash = arguments[0]", "#/referrals/00000000-0000-0000-0000-000000000000");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "No referral"));
        assertThat(browser.findElement(By.id("referral-view")).getText()).doesNotContain("Stalecheck").doesNotContain("999 001 1419");
        assertThat(browser.findElement(By.id("note-form")).isDisplayed()).isFalse();

        // Signing out leaves a new page: nothing of the person in it for the next user or the back button.
        ((JavascriptExecutor) browser).executeScript("location.hash = arguments[0]", "#/referrals/" + id);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), "Jo Stalecheck"));
        browser.findElement(By.id("sign-out")).click();
        wait.until(d -> !d.getCurrentUrl().contains("#"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertThat((String) ((JavascriptExecutor) browser).executeScript("return document.querySelector('main').textContent"))
                .doesNotContain("Stalecheck").doesNotContain("999 001 1419");
    }

    @Test
    void aDoubleClickSavesOneNoteAndOneReferral() {
        String id = WaymarkServer.json(postReferral(server.demoClientToken(),
                FhirReferralIT.serviceRequest("CONSOLE-D1", "9990011427", "Doubleclick"))).path("id").asText();
        browser.get(server.baseUrl() + "/console/#/referrals/" + id);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), "Jo Doubleclick"));
        wait.until(d -> !d.findElements(By.cssSelector("#ons4-items input")).isEmpty());

        browser.findElement(By.id("note-text")).sendKeys("Rang, no answer");
        new Actions(browser).doubleClick(browser.findElement(By.cssSelector("#note-form button[type=submit]"))).perform();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("note-list"), "Rang, no answer"));
        org.awaitility.Awaitility.await("one note").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                WaymarkServer.json(server.get("/api/referrals/" + id + "/notes", "Authorization",
                        WaymarkServer.basic("linkworker", "linkworker"))).size() == 1);

        browser.findElement(By.id("menu-new")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-family"))).sendKeys("Doubleentry");
        browser.findElement(By.id("new-reason")).sendKeys("Wants to meet people");
        new Actions(browser).doubleClick(browser.findElement(By.cssSelector("#new-referral-form button[type=submit]"))).perform();
        wait.until(d -> d.getCurrentUrl().contains("#/referrals/"));
        org.awaitility.Awaitility.await("one referral").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() ->
                WaymarkServer.json(server.get("/api/referrals?search=Doubleentry", "Authorization",
                        WaymarkServer.basic("linkworker", "linkworker"))).path("total").asInt() == 1);
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    @Test
    void aNoteSavedWithoutAConnectionSaysSoAndIsKeptToSaveAgain() {
        String id = WaymarkServer.json(postReferral(server.demoClientToken(),
                FhirReferralIT.serviceRequest("CONSOLE-O1", "9990011435", "Offline"))).path("id").asText();
        browser.get(server.baseUrl() + "/console/#/referrals/" + id);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), "Jo Offline"));
        wait.until(d -> !d.findElements(By.cssSelector("#ons4-items input")).isEmpty());

        // Found probing: with no answer at all the button did nothing the worker could see.
        browser.findElement(By.id("note-text")).sendKeys("Met at the library");
        ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
        offline.setOffline(true);
        ((ChromiumDriver) browser).setNetworkConditions(offline);
        try {
            browser.findElement(By.cssSelector("#note-form button[type=submit]")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "could not be reached"));
            // Nor does signing out look done when the server never heard of it: the session would go on.
            browser.findElement(By.id("sign-out")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "still signed in"));
            assertThat(browser.findElement(By.id("referral-title")).getText()).isEqualTo("Jo Offline");
        } finally {
            ((ChromiumDriver) browser).deleteNetworkConditions();
        }
        assertThat(browser.findElement(By.id("note-text")).getAttribute("value")).isEqualTo("Met at the library");
        browser.findElement(By.cssSelector("#note-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("note-list"), "Met at the library"));
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    @Test
    void aPageLeftOpenIsClearedOnceItsSessionHasEnded() {
        String id = WaymarkServer.json(postReferral(server.demoClientToken(),
                FhirReferralIT.serviceRequest("CONSOLE-I1", "9990011443", "Awayfromdesk"))).path("id").asText();
        browser.get(server.baseUrl() + "/console/#/referrals/" + id);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), "Jo Awayfromdesk"));
        wait.until(d -> !d.findElements(By.cssSelector("#ons4-items input")).isEmpty());
        browser.findElement(By.id("note-text")).sendKeys("Half written");
        wait.until(d -> ((JavascriptExecutor) d).executeScript("return Object.keys(localStorage).some((k) => k.endsWith(':note-text') "
                + "&& localStorage.getItem(k) === 'Half written')").equals(Boolean.TRUE));

        // Half an hour without a request ends the session on the server; the page's clock moves on rather than the test
        // waiting, and the session cookie goes as the server would refuse it. Found probing: the record stayed on screen.
        browser.manage().deleteCookieNamed("WAYMARK_SESSION");
        ((JavascriptExecutor) browser).executeScript("const now = Date.now(); Date.now = () => now + 31 * 60 * 1000;");
        new WebDriverWait(browser, Duration.ofSeconds(40)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "30 minutes without use"));
        assertThat(browser.findElement(By.id("login-form")).isDisplayed()).isTrue();
        assertThat((String) ((JavascriptExecutor) browser).executeScript("return document.querySelector('main').textContent"))
                .doesNotContain("Awayfromdesk").doesNotContain("999 001 1443");

        // Signing in again goes back to the referral, with the half-written note.
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), "Jo Awayfromdesk"));
        wait.until(d -> "Half written".equals(d.findElement(By.id("note-text")).getAttribute("value")));
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        // Signing out is finishing here: the draft about the person does not stay on a shared computer.
        assertThat(((JavascriptExecutor) browser).executeScript("return Object.keys(localStorage).filter((k) => "
                + "k.startsWith('waymark-draft:linkworker:')).length")).isEqualTo(0L);
    }

    @Test
    void theMainFlowWorksByKeyboardAloneAndAxeFindsNoSeriousProblem() throws Exception {
        String token = server.demoClientToken();
        String id = WaymarkServer.json(postReferral(token, FhirReferralIT.serviceRequest("CONSOLE-K1", "9990013012", "Keyboard")))
                .path("id").asText();
        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertNoSeriousAccessibilityProblems("sign-in page");

        wait.until(d -> "username".equals(d.switchTo().activeElement().getAttribute("id")));
        new Actions(browser).sendKeys("linkworker").sendKeys(Keys.TAB).sendKeys("linkworker").sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        wait.until(d -> !rows().isEmpty());
        assertNoSeriousAccessibilityProblems("caseload");

        tabUntil(e -> "Jo Keyboard".equals(e.getText()), 80);
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        wait.until(d -> "referral-title".equals(d.switchTo().activeElement().getAttribute("id")));
        wait.until(d -> !d.findElements(By.cssSelector("#ons4-items input")).isEmpty());
        assertNoSeriousAccessibilityProblems("referral page");

        tabUntil(e -> "accept".equals(e.getAttribute("id")), 40);
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-status"), "Accepted"));
        wait.until(d -> "referral-status".equals(d.switchTo().activeElement().getAttribute("id")));
        assertThat(task(token, id).path("status").asText()).isEqualTo("accepted");

        // A note written by keyboard alone.
        tabUntil(e -> "note-text".equals(e.getAttribute("id")), 40);
        new Actions(browser).sendKeys("Prefers phone calls after 10am").sendKeys(Keys.TAB).sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("note-list"), "Prefers phone calls after 10am"));

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    @Test
    void anAdminEntersAPhoneReferralAndSetsTheAreasReasonsWhichTheReferralPageOffers() throws Exception {
        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertThat(browser.findElement(By.id("code-field")).isDisplayed()).as("no code field before the password").isFalse();
        signIn("admin", "admin");
        // Admins need two factors: the first sign-in shows the key to add to an authenticator app, then asks its code.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("enrol-step")));
        assertThat(browser.findElement(By.id("code-field")).isDisplayed()).isTrue();
        assertNoSeriousAccessibilityProblems("two-factor enrolment at sign-in");
        assertThat(browser.findElement(By.id("password")).getAttribute("value")).as("kept for the second step").isNotEmpty();
        ConsoleChecks.secondStep(browser, wait, server.baseUrl(), "admin");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        assertThat(browser.findElement(By.id("password")).getAttribute("value")).as("forgotten once signed in").isEmpty();

        WebElement adminMenu = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("menu-admin")));
        adminMenu.click();
        wait.until(d -> d.findElements(By.cssSelector("#users-table tbody tr")).size() >= 2);
        assertNoSeriousAccessibilityProblems("admin page");
        new Select(browser.findElement(By.id("reasons-name"))).selectByValue("reject");
        new Select(browser.findElement(By.id("reasons-area"))).selectByValue("sheffield");
        wait.until(d -> d.findElement(By.id("reasons-text")).getAttribute("value").contains("person-declined"));
        WebElement reasons = browser.findElement(By.id("reasons-text"));
        reasons.clear();
        reasons.sendKeys("person-declined: The person said no thank you\nmoved-away: Moved out of Sheffield");
        browser.findElement(By.cssSelector("#reasons-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("reasons-source"), "has its own list"));

        browser.findElement(By.id("menu-new")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-referral-form")));
        assertNoSeriousAccessibilityProblems("new referral page");
        new Select(browser.findElement(By.id("new-area"))).selectByValue("sheffield");
        new Select(browser.findElement(By.id("new-source"))).selectByValue("phone");
        browser.findElement(By.id("new-given")).sendKeys("Pat");
        browser.findElement(By.id("new-family")).sendKeys("Phonecall");
        browser.findElement(By.id("new-reason")).sendKeys("Rang to ask about befriending");
        browser.findElement(By.id("new-referrer")).sendKeys("Her son");
        browser.findElement(By.cssSelector("#new-referral-form button[type=submit]")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), "Pat Phonecall"));
        assertThat(browser.findElement(By.id("referrer-summary")).getText()).contains("Her son, phone call").contains("befriending");
        new Select(browser.findElement(By.id("new-status"))).selectByValue("rejected");
        wait.until(d -> new Select(d.findElement(By.id("status-reason"))).getOptions().size() == 2);
        assertThat(new Select(browser.findElement(By.id("status-reason"))).getOptions()).extracting(WebElement::getText)
                .containsExactly("The person said no thank you", "Moved out of Sheffield");
        new Select(browser.findElement(By.id("status-reason"))).selectByValue("person-declined");
        browser.findElement(By.cssSelector("#status-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-status"), "The person said no thank you"));
        assertThat(browser.findElement(By.id("referrer-summary")).getText()).contains("871711000000103");

        browser.findElement(By.id("show-audit")).click();
        wait.until(d -> d.findElements(By.cssSelector("#audit-table tbody tr")).size() >= 2);
        assertThat(browser.findElement(By.id("audit-table")).getText()).contains("admin");

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    /**
     * The console wears NHS.UK frontend (vendored in the console bundle): its stylesheet is served from /console and
     * applied (NHS blue header, NHS.UK's font stack), it loads no web font (the licensed Frutiger is never fetched from
     * assets.nhs.uk; text falls back to Arial), and the page requested nothing from anywhere but this server.
     */
    private static void assertNhsUkStylesAreAppliedAndEverythingComesFromThisServer() {
        String stylesheet = "/console/vendor/nhsuk-frontend-10.6.1/nhsuk-frontend-10.6.1.min.css";
        HttpResponse<String> css = server.get(stylesheet);
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(css.body()).contains(".nhsuk-button").doesNotContain("@font-face").doesNotContain("assets.nhs.uk")
                .as("every url() in the stylesheet is relative to it").doesNotContainPattern("url\\((?!assets/images/)");

        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(js.executeScript("return [...document.styleSheets].map(s => s.href)").toString()).contains(stylesheet);
        assertThat(js.executeScript("return getComputedStyle(document.querySelector('header.nhsuk-header')).backgroundColor"))
                .as("the header in NHS blue #005eb8").isEqualTo("rgb(0, 94, 184)");
        assertThat(js.executeScript("return getComputedStyle(document.querySelector('#search-form .nhsuk-button')).color"))
                .as("a secondary button's text in NHS blue").isEqualTo("rgb(0, 94, 184)");
        assertThat((String) js.executeScript("return getComputedStyle(document.body).fontFamily")).contains("arial");
        assertThat(js.executeScript("return document.fonts.size")).as("web fonts declared by the page").isEqualTo(0L);
        @SuppressWarnings("unchecked")
        List<String> requested = (List<String>) js.executeScript(
                "return performance.getEntriesByType('resource').map(r => r.name).concat([location.href])");
        String origin = (String) js.executeScript("return location.origin");
        assertThat(origin).matches("http://(localhost|127\\.0\\.0\\.1):\\d+");
        assertThat(requested).as("everything the page loaded").isNotEmpty().allMatch(url -> url.startsWith(origin + "/"));
        assertThat(requested).anyMatch(url -> url.endsWith(stylesheet));
    }

    /** Presses Tab until the focused element matches, failing after the given number of presses. */
    private static void tabUntil(java.util.function.Predicate<WebElement> target, int maxPresses) {
        for (int i = 0; i < maxPresses; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            WebElement focused = browser.switchTo().activeElement();
            if (target.test(focused)) {
                return;
            }
        }
        throw new AssertionError("Not reached by keyboard within " + maxPresses + " Tab presses");
    }

    /** Injects axe-core (a test resource, never shipped in the console) and fails on serious or critical WCAG 2 A/AA problems. */
    private static void assertNoSeriousAccessibilityProblems(String page) throws Exception {
        String axe;
        try (var in = ConsoleIT.class.getResourceAsStream("/axe-core/axe.min.js")) {
            axe = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript(axe);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        String violations = (String) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
                + ".then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                + " targets: v.nodes.map(n => n.target.join(' '))})))), e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e)}])));");
        List<JsonNode> serious = new java.util.ArrayList<>();
        WaymarkServer.objectMapper().readTree(violations).forEach(v -> {
            if (List.of("serious", "critical").contains(v.path("impact").asText())) {
                serious.add(v);
            }
        });
        assertThat(serious).as("serious accessibility problems on the " + page).isEmpty();
    }

    private static void openFromCaseload(String name) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        WebElement link = wait.until(d -> d.findElements(By.cssSelector("#caseload a.open-referral")).stream()
                .filter(a -> a.getText().equals(name)).findFirst().orElse(null));
        link.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("referral-title"), name));
        wait.until(d -> !d.findElements(By.cssSelector("#ons4-items input")).isEmpty());
    }

    private static void recordOns4(int satisfied, int worthwhile, int happy, int anxious) {
        int[] answers = {satisfied, worthwhile, happy, anxious};
        String[] items = {"life-satisfaction", "worthwhile", "happiness", "anxiety"};
        for (int i = 0; i < items.length; i++) {
            WebElement input = browser.findElement(By.id("ons4-" + items[i]));
            input.clear();
            input.sendKeys(Integer.toString(answers[i]));
        }
        browser.findElement(By.cssSelector("#ons4-form button[type=submit]")).click();
    }

    /** The referral's Task as the GP system reads it. */
    private static JsonNode task(String token, String referralId) {
        JsonNode bundle = WaymarkServer.json(server.get("/fhir/Task?focus=ServiceRequest/" + referralId, "Authorization", bearer(token)));
        assertThat(bundle.path("total").asInt()).isEqualTo(1);
        return bundle.path("entry").get(0).path("resource");
    }

    /**
     * Found probing: an area admin's user list offered Disable, Reset password and Reset two-factor on colleagues who
     * also work in another area, and Disable on their own account, each only to be refused (403, 409).
     */
    @Test
    void anAreaAdminIsOfferedOnlyTheUserActionsTheServerAllows() {
        server.admin("create-user", "sheffadmin", "--role", "admin", "--area", "sheffield", "--password", "sheffadmin-password-1");
        server.admin("create-user", "sheffworker", "--role", "link-worker", "--area", "sheffield", "--password", "sheffworker-password-1");
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        ConsoleChecks.signIn(browser, wait, server.baseUrl(), "sheffadmin", "sheffadmin-password-1");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("menu-admin"))).click();
        wait.until(d -> d.findElements(By.cssSelector("#users-table tbody tr[data-username=sheffworker]")).size() == 1);
        // The demo linkworker works in Islington too: only an admin of both areas manages that account.
        WebElement both = browser.findElement(By.cssSelector("#users-table tbody tr[data-username=linkworker]"));
        assertThat(both.findElements(By.tagName("button"))).isEmpty();
        assertThat(both.getText()).contains("Managed by an admin of all their areas");
        WebElement own = browser.findElement(By.cssSelector("#users-table tbody tr[data-username=sheffadmin]"));
        assertThat(own.findElements(By.tagName("button"))).extracting(WebElement::getText)
                .containsExactly("Reset password", "Reset two-factor");
        WebElement colleague = browser.findElement(By.cssSelector("#users-table tbody tr[data-username=sheffworker]"));
        assertThat(colleague.findElements(By.tagName("button"))).extracting(WebElement::getText)
                .containsExactly("Disable", "Reset password", "Reset two-factor");
        colleague.findElement(By.xpath(".//button[text()='Disable']")).click();
        wait.until(d -> d.findElement(By.cssSelector("#users-table tbody tr[data-username=sheffworker]")).getText().contains("Disabled"));
        assertThat(browser.findElement(By.id("message")).isDisplayed()).isFalse();
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    /** A fresh session of the demo link worker, on the linkage review page. */
    private static void openLinkageReviewAsLinkWorker() {
        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        browser.findElement(By.id("menu-linkage")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("linkage-queue")));
    }

    private static HttpResponse<String> postReferral(String token, String body) {
        HttpResponse<String> response = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response;
    }

    private static void signIn(String user, String password) {
        ConsoleChecks.submitSignIn(browser, user, password);
    }

    private static List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#caseload tbody tr"));
    }
}
