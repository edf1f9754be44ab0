package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** BaRS error answers carry the receiver's NHS error code, as the BaRS API examples do. */
class BarsErrorCodesTest {

    @Test
    void eachStatusGetsTheReceiversCodeInTheExamplesSystem() {
        OperationOutcome unprocessable = BarsErrorCodes.addTo(OperationOutcomeMapper.outcome(422, "no"), 422);
        assertThat(unprocessable.getIssueFirstRep().getDetails().getCodingFirstRep().getSystem())
                .isEqualTo("https://fhir.nhs.uk/Codesystem/http-error-codes");
        assertThat(unprocessable.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("REC_UNPROCESSABLE_ENTITY");
        assertThat(BarsErrorCodes.of(400)).contains("REC_BAD_REQUEST");
        assertThat(BarsErrorCodes.of(409)).contains("REC_CONFLICT");
    }

    @Test
    void aStatusWithoutAReceiverCodeGetsNone() {
        assertThat(BarsErrorCodes.addTo(OperationOutcomeMapper.outcome(413, "too big"), 413).getIssueFirstRep().getDetails()
                .hasCoding()).isFalse();
    }

    @Test
    void onlyBarsMessagesCarryThem() {
        assertThat(BarsErrorCodes.isBarsPath("$process-message")).isTrue();
        assertThat(BarsErrorCodes.isBarsPath("ServiceRequest")).isFalse();
    }
}
