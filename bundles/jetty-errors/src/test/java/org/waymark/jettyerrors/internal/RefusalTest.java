package org.waymark.jettyerrors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RefusalTest {
    @Test
    void aRefusedFhirRequestGetsAnOperationOutcome() {
        Refusal refusal = Refusal.of("/fhir/Patient/%00", 400, "Bad Request");

        assertThat(refusal.status()).isEqualTo(400);
        assertThat(refusal.headers()).containsEntry("Content-Type", "application/fhir+json;charset=UTF-8");
        assertThat(text(refusal)).startsWith("{\"resourceType\":\"OperationOutcome\"").contains("\"code\":\"invalid\"")
                .contains("The request is not valid HTTP (Bad Request)");
    }

    @Test
    void otherRoutesAndRequestsWithoutAReadablePathGetAProblem() {
        assertThat(Refusal.of("/api/referrals", 431, "Request Header Fields Too Large").headers())
                .containsEntry("Content-Type", "application/problem+json;charset=UTF-8");
        Refusal lineTooLong = Refusal.of(null, 414, "URI Too Long");
        assertThat(lineTooLong.headers()).containsEntry("Content-Type", "application/problem+json;charset=UTF-8");
        assertThat(text(lineTooLong)).isEqualTo("{\"type\":\"about:blank\",\"title\":\"The request line is too long "
                + "(at most 8 KiB) (URI Too Long)\",\"status\":414}");
    }

    @Test
    void everyRefusalCarriesTheSecurityHeadersAndIsNeverCached() {
        for (Refusal refusal : new Refusal[] {Refusal.of("/fhir", 400, null), Refusal.of(null, 414, null),
                Refusal.unrouted("/api/health", 404, null)}) {
            assertThat(refusal.headers()).containsEntry("X-Content-Type-Options", "nosniff")
                    .containsEntry("X-Frame-Options", "DENY").containsEntry("Referrer-Policy", "no-referrer")
                    .containsEntry("Cache-Control", "no-store")
                    .hasEntrySatisfying("Content-Security-Policy", csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        }
    }

    @Test
    void onlyAPlainReasonIsRepeatedSoNothingTheClientSentIsEchoed() {
        assertThat(text(Refusal.of("/api", 400, "Transfer-Encoding and Content-Length")))
                .contains("(Transfer-Encoding and Content-Length)");
        assertThat(text(Refusal.of("/api", 400, "Illegal character \"<script>\" in header")))
                .doesNotContain("script").contains("\"title\":\"The request is not valid HTTP\"");
        assertThat(text(Refusal.of("/fhir", 400, "x".repeat(101)))).doesNotContain("xxx");
    }

    @Test
    void aWaymarkRouteThatNoContextTakesYetIsUnavailableNotMissing() {
        Refusal starting = Refusal.unrouted("/fhir/ServiceRequest", 404, "Not Found");

        assertThat(starting.status()).isEqualTo(503);
        assertThat(starting.headers()).containsEntry("Retry-After", "1");
        assertThat(text(starting)).contains("\"code\":\"transient\"").contains(Refusal.STARTING);
        assertThat(Refusal.unrouted("/oauth2/token", 404, null).status()).isEqualTo(503);
        assertThat(Refusal.unrouted("/api/health", 405, null).status()).as("other statuses stay").isEqualTo(405);
    }

    @Test
    void pathsWaymarkDoesNotServeKeepJettysPage() {
        assertThat(Refusal.unrouted("/console/", 404, null)).isNull();
        assertThat(Refusal.unrouted("/fhirish", 404, null)).isNull();
        assertThat(Refusal.unrouted("/", 404, null)).isNull();
    }

    private static String text(Refusal refusal) {
        return new String(refusal.body(), StandardCharsets.UTF_8);
    }
}
