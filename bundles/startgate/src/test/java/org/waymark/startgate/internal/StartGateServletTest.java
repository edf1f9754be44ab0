package org.waymark.startgate.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartGateServletTest {
    @Test
    void fhirPathsGetAnOperationOutcomeAndTheOtherServedRoutesAProblem() {
        assertThat(StartGateServlet.kindOf("/fhir/ServiceRequest")).isEqualTo("fhir");
        assertThat(StartGateServlet.kindOf("/fhir/$process-message")).isEqualTo("fhir");
        assertThat(StartGateServlet.kindOf("/fhir")).isEqualTo("fhir");
        assertThat(StartGateServlet.kindOf("/api/health")).isEqualTo("problem");
        assertThat(StartGateServlet.kindOf("/oauth2/token")).isEqualTo("problem");
        assertThat(StartGateServlet.kindOf("/directory/services")).isEqualTo("problem");
    }

    @Test
    void pathsNobodyServesStayNotFound() {
        assertThat(StartGateServlet.kindOf("/")).isNull();
        assertThat(StartGateServlet.kindOf("/favicon.ico")).isNull();
        assertThat(StartGateServlet.kindOf("/fhirish")).isNull();
        assertThat(StartGateServlet.kindOf("/apis/x")).isNull();
        assertThat(StartGateServlet.kindOf("/console/")).isNull();
    }

    @Test
    void whileStartingEveryMethodIsAskedToRetryInTheSurfacesFormat() {
        StartGateServlet.Answer fhir = StartGateServlet.answer("POST", "/fhir/ServiceRequest");
        assertThat(fhir.status()).isEqualTo(503);
        assertThat(fhir.contentType()).startsWith("application/fhir+json");
        assertThat(fhir.body()).contains("\"code\":\"transient\"").contains("starting");
        assertThat(StartGateServlet.answer("GET", "/api/health").status()).isEqualTo(503);
        assertThat(StartGateServlet.answer("GET", "/console/")).isNull();
    }

    /** Jetty routes CONNECT only to the root context, so this answer is what a running server gives too. */
    @Test
    void connectIsNotImplementedRatherThanStarting() {
        StartGateServlet.Answer fhir = StartGateServlet.answer("CONNECT", "/fhir/ServiceRequest");
        assertThat(fhir.status()).isEqualTo(501);
        assertThat(fhir.contentType()).startsWith("application/fhir+json");
        assertThat(fhir.body()).contains("\"code\":\"not-supported\"").doesNotContain("starting");
        StartGateServlet.Answer api = StartGateServlet.answer("connect", "/api/health");
        assertThat(api.status()).isEqualTo(501);
        assertThat(api.contentType()).startsWith("application/problem+json");
        assertThat(api.body()).contains("\"status\":501");
    }
}
