package org.waymark.jettyerrors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefusalTest {
    @Test
    void aRefusedFhirRequestGetsAnOperationOutcome() {
        Refusal refusal = Refusal.of("/fhir/Patient/%00", 400, "Bad Request", null);

        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.headers()).containsEntry("Content-Type", "application/fhir+json;charset=UTF-8");
        assertThat(text(refusal)).startsWith("{\"resourceType\":\"OperationOutcome\"").contains("\"code\":\"invalid\"")
                .contains("The request is not valid HTTP (Bad Request)");
    }

    @Test
    void otherRoutesAndRequestsWithoutAReadablePathGetAProblem() {
        assertThat(Refusal.of("/api/referrals", 431, "Request Header Fields Too Large", null).headers())
                .containsEntry("Content-Type", "application/problem+json;charset=UTF-8");
        Refusal lineTooLong = Refusal.of(null, 414, "URI Too Long", null);
        assertThat(lineTooLong.headers()).containsEntry("Content-Type", "application/problem+json;charset=UTF-8");
        assertThat(text(lineTooLong)).isEqualTo("{\"type\":\"about:blank\",\"title\":\"The request line is too long "
                + "(at most 8 KiB) (URI Too Long)\",\"status\":414}");
    }

    @Test
    void everyRefusalCarriesTheSecurityHeadersAndIsNeverCached() {
        for (Refusal refusal : new Refusal[] {Refusal.of("/fhir", 400, null, null), Refusal.of(null, 414, null, null),
                Refusal.unrouted("/api/health", 404, null, null)}) {
            assertThat(refusal.headers()).containsEntry("X-Content-Type-Options", "nosniff")
                    .containsEntry("X-Frame-Options", "DENY").containsEntry("Referrer-Policy", "no-referrer")
                    .containsEntry("Cache-Control", "no-store")
                    .hasEntrySatisfying("Content-Security-Policy", csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        }
    }

    @Test
    void onlyAPlainReasonIsRepeatedSoNothingTheClientSentIsEchoed() {
        assertThat(text(Refusal.of("/api", 400, "Transfer-Encoding and Content-Length", null)))
                .contains("(Transfer-Encoding and Content-Length)");
        assertThat(text(Refusal.of("/api", 400, "Illegal character \"<script>\" in header", null)))
                .doesNotContain("script").contains("\"title\":\"The request is not valid HTTP\"");
        assertThat(text(Refusal.of("/fhir", 400, "x".repeat(101), null))).doesNotContain("xxx");
    }

    @Test
    void aWaymarkRouteThatNoContextTakesYetIsUnavailableNotMissing() {
        Refusal starting = Refusal.unrouted("/fhir/ServiceRequest", 404, "Not Found", null);

        assertThat(starting.status()).isEqualTo(503);
        assertThat(starting.headers()).containsEntry("Retry-After", "1");
        assertThat(text(starting)).contains("\"code\":\"transient\"").contains(Refusal.STARTING);
        assertThat(Refusal.unrouted("/oauth2/token", 404, null, null).status()).isEqualTo(503);
        assertThat(Refusal.unrouted("/api/health", 405, null, null).status()).as("other statuses stay").isEqualTo(405);
    }

    @Test
    void pathsWaymarkDoesNotServeKeepJettysPage() {
        assertThat(Refusal.unrouted("/console/", 404, null, null)).isNull();
        assertThat(Refusal.unrouted("/fhirish", 404, null, null)).isNull();
        assertThat(Refusal.unrouted("/", 404, null, null)).isNull();
    }

    @Test
    void hstsIsSentExactlyWhenThePlatformSendsIt() {
        assertThat(Refusal.hsts(Map.<String, String>of()::get)).isNull();
        assertThat(Refusal.hsts(Map.of("WAYMARK_HSTS", "false")::get)).isNull();
        assertThat(Refusal.hsts(Map.of("WAYMARK_HSTS", "true")::get)).isEqualTo("max-age=31536000; includeSubDomains");
        assertThat(Refusal.hsts(Map.of("WAYMARK_HSTS", "TRUE", "WAYMARK_HSTS_MAX_AGE_SECONDS", "600")::get))
                .isEqualTo("max-age=600; includeSubDomains");
        assertThat(Refusal.hsts(Map.of("WAYMARK_HSTS", "true", "WAYMARK_HSTS_MAX_AGE_SECONDS", "soon")::get))
                .as("an unreadable age keeps the default").isEqualTo("max-age=31536000; includeSubDomains");

        assertThat(Refusal.of("/fhir", 400, null, "max-age=600; includeSubDomains").headers())
                .containsEntry("Strict-Transport-Security", "max-age=600; includeSubDomains");
        assertThat(Refusal.of("/fhir", 400, null, null).headers()).doesNotContainKey("Strict-Transport-Security");
    }

    private static String text(Refusal refusal) {
        return new String(refusal.body(), StandardCharsets.UTF_8);
    }
}
