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
}
