package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import javax.ws.rs.core.Response;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Found probing: {@code Prefer: return=OperationOutcome} answered a Location without the version, and no ETag. */
class FhirResponderTest {
    private static final FhirResponder RESPONDER = new FhirResponder(new Fhir());
    private static final FhirRequest REQUEST = new FhirRequest(FhirFormat.JSON, false, "https://waymark.example/fhir", null);

    @ParameterizedTest
    @EnumSource(PreferReturn.class)
    void everyPreferAnswerNamesTheCreatedVersionInLocationAndETag(PreferReturn prefer) {
        ServiceRequest stored = new ServiceRequest();
        stored.setId("ref-1");
        stored.getMeta().setVersionId("3").setLastUpdated(new Date(1_700_000_000_000L));
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setDiagnostics("Referral received");

        Response created = RESPONDER.created(REQUEST, stored, true, prefer, outcome);
        Response again = RESPONDER.created(REQUEST, stored, false, prefer, outcome);

        assertThat(created.getStatus()).isEqualTo(201);
        assertThat(again.getStatus()).as("a retry answers the stored referral").isEqualTo(200);
        for (Response answer : new Response[] {created, again}) {
            assertThat(answer.getLocation()).hasToString("https://waymark.example/fhir/ServiceRequest/ref-1/_history/3");
            assertThat(answer.getEntityTag().getValue()).isEqualTo("3");
            assertThat(answer.getEntityTag().isWeak()).isTrue();
            assertThat(answer.getLastModified()).isEqualTo(new Date(1_700_000_000_000L));
        }
        String body = created.hasEntity() ? created.getEntity().toString() : "";
        switch (prefer) {
            case MINIMAL -> assertThat(created.hasEntity()).isFalse();
            case OPERATION_OUTCOME -> assertThat(body).contains("\"resourceType\":\"OperationOutcome\"", "Referral received");
            case REPRESENTATION -> assertThat(body).contains("\"resourceType\":\"ServiceRequest\"", "ref-1");
        }
    }
}
