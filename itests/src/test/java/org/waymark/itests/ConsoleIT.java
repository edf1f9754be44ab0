package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.waymark.itests.WaymarkServer.bearer;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console in a real headless Chromium: sign in, see the caseload from the database, search, sign out. */
class ConsoleIT {
    @RegisterExtension
    static final WaymarkServer server = new WaymarkServer();

    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void startBrowser() {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
            throw new IllegalStateException("The console tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run does this)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
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

        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        wait.until(d -> !rows().isEmpty());
        assertThat(browser.findElement(By.id("who")).getText()).contains("linkworker");
        assertThat(browser.findElement(By.id("caseload")).getText()).contains("Jo Fairweather").contains("Margaret Holloway");

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
        String token = server.clientToken("console-bars-sender", server.createClient("console-bars-sender", "sheffield"));
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

        int before = browser.findElements(By.cssSelector("#inbox-items li")).size();
        item.findElement(By.tagName("button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#inbox-items li")).size() == before - 1);

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

        browser.manage().deleteAllCookies();
        browser.get(server.baseUrl() + "/console/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn("linkworker", "linkworker");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("caseload")));
        browser.findElement(By.id("menu-linkage")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("linkage-queue")));
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

    private static HttpResponse<String> postReferral(String token, String body) {
        HttpResponse<String> response = server.send(server.request("/fhir/ServiceRequest", "Authorization", bearer(token))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response;
    }

    private static void signIn(String user, String password) {
        WebElement name = browser.findElement(By.id("username"));
        name.clear();
        name.sendKeys(user);
        WebElement secret = browser.findElement(By.id("password"));
        secret.clear();
        secret.sendKeys(password);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    private static List<WebElement> rows() {
        return browser.findElements(By.cssSelector("#caseload tbody tr"));
    }
}
