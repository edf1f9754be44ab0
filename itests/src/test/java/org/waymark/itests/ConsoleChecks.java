package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What the browser tests share: starting Chromium, signing in (with the admin's second factor) and the axe check. */
final class ConsoleChecks {
    private ConsoleChecks() {
    }

    /**
     * Headless Chromium from Debian's chromium and chromium-driver packages (.ci/run installs them), desktop-sized or
     * emulating a phone; a missing browser fails the test rather than skipping it.
     */
    static WebDriver chromium(boolean phone) {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromium) || !Files.isExecutable(driver)) {
            throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run does this)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                phone ? "--window-size=375,812" : "--window-size=1280,900");
        if (phone) {
            options.setExperimentalOption("mobileEmulation", Map.of(
                    "deviceMetrics", Map.of("width", 375, "height", 812, "pixelRatio", 3.0),
                    "userAgent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36"));
        }
        return new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile()).usingAnyFreePort().build(), options);
    }

    /** Types the user name and password into the console's sign-in form and submits it. */
    static void submitSignIn(WebDriver browser, String user, String password) {
        WebElement name = browser.findElement(By.id("username"));
        name.clear();
        name.sendKeys(user);
        WebElement secret = browser.findElement(By.id("password"));
        secret.clear();
        secret.sendKeys(password);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    /** Authenticator apps the tests have set up, by server and user: an admin enrols once per server. */
    private static final Map<String, AuthenticatorApp> APPS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Signs in on the console's sign-in form and, for a user whose role needs two factors, does the second step as a
     * person would: the first time reads the key the page shows into an authenticator app, later uses that app's code.
     * Returns when the console has opened or the form shows a message (a wrong password).
     */
    static void signIn(WebDriver browser, WebDriverWait wait, String baseUrl, String user, String password) {
        // A message left from before (a session that ended) is not the answer to this sign-in: wait for a new one.
        String earlierMessage = browser.findElement(By.id("message")).getText();
        submitSignIn(browser, user, password);
        wait.until(d -> !d.findElement(By.id("login-view")).isDisplayed() || d.findElement(By.id("code-field")).isDisplayed()
                || d.findElement(By.id("message")).isDisplayed() && !d.findElement(By.id("message")).getText().equals(earlierMessage));
        if (!browser.findElement(By.id("login-view")).isDisplayed() || !browser.findElement(By.id("code-field")).isDisplayed()) {
            return;
        }
        secondStep(browser, wait, baseUrl, user);
    }

    /** Answers the console's two-factor step that is on screen (enrolment or code) with the user's app. */
    static void secondStep(WebDriver browser, WebDriverWait wait, String baseUrl, String user) {
        String key = baseUrl + " " + user;
        if (browser.findElement(By.id("enrol-step")).isDisplayed()) {
            assertThat(browser.findElement(By.id("enrol-qr")).getAttribute("src")).startsWith("data:image/svg+xml;base64,");
            APPS.put(key, new AuthenticatorApp(browser.findElement(By.id("enrol-secret")).getText()));
        }
        AuthenticatorApp app = APPS.get(key);
        assertThat(app).as("an authenticator app set up for %s on this server", user).isNotNull();
        browser.findElement(By.id("code")).sendKeys(app.nextCode());
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(d -> !d.findElement(By.id("login-view")).isDisplayed());
    }

    /** Injects axe-core (a test resource, never shipped) and fails on serious or critical WCAG 2 A/AA problems. */
    /**
     * A wait for pages that redraw or navigate while it polls. An element found in one poll may belong to the page
     * that a form post just replaced: Selenium reports that as a stale element, or Chrome as a plain WebDriverException
     * ("Node with given id does not belong to the document"; DigitalSkillsIT failed once on it in CI). Both mean
     * "look again", so the wait polls on; if the condition never holds it still fails at its timeout, naming the last.
     */
    static WebDriverWait pageWait(WebDriver browser, Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout);
        wait.ignoring(org.openqa.selenium.WebDriverException.class);
        return wait;
    }

    static void assertNoSeriousAccessibilityProblems(WebDriver browser, String page) throws Exception {
        String axe;
        try (var in = ConsoleChecks.class.getResourceAsStream("/axe-core/axe.min.js")) {
            axe = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        JavascriptExecutor js = (JavascriptExecutor) browser;
        js.executeScript(axe);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        String violations = (String) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
                + ".then(r => done(JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                + " targets: v.nodes.map(n => n.target.join(' '))})))), e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e)}])));");
        List<JsonNode> serious = new ArrayList<>();
        WaymarkServer.objectMapper().readTree(violations).forEach(v -> {
            if (List.of("serious", "critical").contains(v.path("impact").asText())) {
                serious.add(v);
            }
        });
        assertThat(serious).as("serious accessibility problems on the " + page).isEmpty();
    }
}
