package org.waymark.startgate.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.osgi.service.http.runtime.dto.DTOConstants;
import org.osgi.service.http.runtime.dto.FailedServletDTO;
import org.osgi.service.http.runtime.dto.RuntimeDTO;
import org.osgi.service.http.runtime.dto.ServletContextDTO;
import org.osgi.service.http.runtime.dto.ServletDTO;
import org.waymark.startgate.internal.StartGate.Placement;

class StartGateTest {
    private static final long GATE = 42;

    @Test
    void theGateInTheDefaultContextIsInService() {
        RuntimeDTO runtime = runtime(context("default", servlet(7), servlet(GATE)));
        assertThat(StartGate.placement(runtime, GATE)).isEqualTo(Placement.IN_SERVICE);
    }

    /** What ops4j/org.ops4j.pax.web#1798 leaves: the servlet held with no context, listed nowhere. */
    @Test
    void aDefaultContextWithoutTheGateMeansItWasLost() {
        assertThat(StartGate.placement(runtime(context("default", servlet(7))), GATE)).isEqualTo(Placement.LOST);
        assertThat(StartGate.placement(runtime(context("default")), GATE)).isEqualTo(Placement.LOST);
    }

    @Test
    void anEarlierRegistrationOfTheGateDoesNotCountForTheCurrentOne() {
        assertThat(StartGate.placement(runtime(context("default", servlet(GATE - 1))), GATE)).isEqualTo(Placement.LOST);
    }

    @Test
    void theGateInAnotherContextIsNotInTheDefaultOne() {
        RuntimeDTO runtime = runtime(context("console", servlet(GATE)), context("default"));
        assertThat(StartGate.placement(runtime, GATE)).isEqualTo(Placement.LOST);
    }

    @Test
    void withoutADefaultContextYetTheGateWaitsForIt() {
        assertThat(StartGate.placement(runtime(), GATE)).isEqualTo(Placement.WAIT);
        assertThat(StartGate.placement(runtime(context("console", servlet(7))), GATE)).isEqualTo(Placement.WAIT);
        assertThat(StartGate.placement(new RuntimeDTO(), GATE)).isEqualTo(Placement.WAIT);
    }

    @Test
    void failingForWantOfAContextIsLostOnceTheDefaultContextIsThere() {
        RuntimeDTO waiting = runtime();
        waiting.failedServletDTOs = new FailedServletDTO[] {failed(GATE, DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING)};
        assertThat(StartGate.placement(waiting, GATE)).isEqualTo(Placement.WAIT);

        RuntimeDTO lost = runtime(context("default"));
        lost.failedServletDTOs = waiting.failedServletDTOs;
        assertThat(StartGate.placement(lost, GATE)).isEqualTo(Placement.LOST);
    }

    /** Another servlet on "/" of the default context wins: registering the gate again would change nothing. */
    @Test
    void aGateThePlatformRefusesForAnotherReasonIsLeftAlone() {
        RuntimeDTO runtime = runtime(context("default", servlet(7)));
        runtime.failedServletDTOs = new FailedServletDTO[] {
                failed(3, DTOConstants.FAILURE_REASON_NO_SERVLET_CONTEXT_MATCHING),
                failed(GATE, DTOConstants.FAILURE_REASON_SHADOWED_BY_OTHER_SERVICE)};
        assertThat(StartGate.placement(runtime, GATE)).isEqualTo(Placement.REFUSED);
    }

    private static RuntimeDTO runtime(ServletContextDTO... contexts) {
        RuntimeDTO runtime = new RuntimeDTO();
        runtime.servletContextDTOs = contexts;
        runtime.failedServletDTOs = new FailedServletDTO[0];
        return runtime;
    }

    private static ServletContextDTO context(String name, ServletDTO... servlets) {
        ServletContextDTO context = new ServletContextDTO();
        context.name = name;
        context.contextPath = "";
        context.servletDTOs = servlets;
        return context;
    }

    private static ServletDTO servlet(long serviceId) {
        ServletDTO servlet = new ServletDTO();
        servlet.serviceId = serviceId;
        servlet.name = serviceId == GATE ? StartGate.SERVLET_NAME : "other";
        return servlet;
    }

    private static FailedServletDTO failed(long serviceId, int reason) {
        FailedServletDTO failed = new FailedServletDTO();
        failed.serviceId = serviceId;
        failed.failureReason = reason;
        return failed;
    }
}
