package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

/** The parts of a BaRS message that become its identity are refused when they cannot be kept whole. */
class BarsMessageTest {

    private static Bundle message(String id, String endpoint) {
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding(BarsMessage.EVENTS, "servicerequest-request", null));
        header.getSource().setEndpoint(endpoint);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
        bundle.setId(id);
        bundle.addEntry().setResource(header);
        return bundle;
    }

    @Test
    void aMessageIdAndEndpointWithinTheirLimitsAreKept() {
        BarsMessage message = new BarsMessage(message("8e5fc76d-e1cf-4004-b4b3-5717a5807e86", "https://gp.example/bars"));

        assertThat(message.id()).isEqualTo("8e5fc76d-e1cf-4004-b4b3-5717a5807e86");
        assertThat(message.sourceEndpoint()).isEqualTo("https://gp.example/bars");
    }

    /** Found by mutating REFREQ07: a 400-character Bundle.id reached its 100-character column and answered 503. */
    @Test
    void aMessageIdThatIsNoFhirIdIsRefused() {
        assertThatThrownBy(() -> new BarsMessage(message("9".repeat(65), "https://gp.example/bars")))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID))
                .hasMessageContaining("FHIR id");
        assertThatThrownBy(() -> new BarsMessage(message("two words", "https://gp.example/bars")))
                .isInstanceOf(WaymarkException.class);
    }

    @Test
    void anEndpointTooLongToKeepWholeIsRefused() {
        BarsMessage message = new BarsMessage(message("m1", "https://gp.example/" + "x".repeat(BarsMessage.MAX_ENDPOINT_LENGTH)));

        assertThatThrownBy(message::sourceEndpoint).isInstanceOf(WaymarkException.class).hasMessageContaining("at most");
    }
}
