package org.waymark.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecurityHeadersTest {

    @Test
    void theConsoleMayLoadItsOwnScriptsAndEverythingElseLoadsNothing() {
        assertThat(SecurityHeaders.policyFor("/console/")).contains("script-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(SecurityHeaders.policyFor("/console")).isEqualTo(SecurityHeaders.CONSOLE_POLICY);
        assertThat(SecurityHeaders.policyFor("/consoles")).isEqualTo(SecurityHeaders.DEFAULT_POLICY);
        for (String path : new String[] {"/api/referrals", "/fhir/metadata", "/directory/", "/oauth2/token", "/nowhere", null}) {
            assertThat(SecurityHeaders.policyFor(path)).startsWith("default-src 'none'").contains("frame-ancestors 'none'")
                    .doesNotContain("script-src").doesNotContain("unsafe-inline");
        }
    }

    @Test
    void theOnePageStyleIsAllowedByItsSha256() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(SecurityHeaders.PAGE_STYLE.getBytes(StandardCharsets.UTF_8));
        assertThat(SecurityHeaders.DEFAULT_POLICY).contains("style-src 'sha256-" + Base64.getEncoder().encodeToString(digest) + "'");
    }
}
