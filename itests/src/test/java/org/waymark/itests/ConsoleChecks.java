package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Browser checks shared by the browser tests. */
final class ConsoleChecks {
    private ConsoleChecks() {
    }

    /**
     * The second step of an admin's console sign-in: the first time, reads the key the page shows (as a person types it
     * into their app) and answers with the app's code.
     */
    static AuthenticatorApp enrolAtSignIn(WebDriver browser, WebDriverWait wait) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("enrol-step")));
        assertThat(browser.findElement(By.id("enrol-qr")).getAttribute("src")).startsWith("data:image/svg+xml;base64,");
        AuthenticatorApp app = new AuthenticatorApp(browser.findElement(By.id("enrol-secret")).getText());
        browser.findElement(By.id("code")).sendKeys(app.nextCode());
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        return app;
    }

    /** Injects axe-core (a test resource, never shipped) and fails on serious or critical WCAG 2 A/AA problems. */
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
