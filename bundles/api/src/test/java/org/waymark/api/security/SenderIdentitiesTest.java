package org.waymark.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

class SenderIdentitiesTest {

    @Test
    void endpointsMatchExactlyAndOdsCodesWhateverTheirCase() {
        SenderIdentities.Registered registered = new SenderIdentities.Registered(
                Set.of("https://gp-a.example/bars"), Set.of("a81001", " B82002 "));
        assertThat(registered.hasEndpoint("https://gp-a.example/bars")).isTrue();
        assertThat(registered.hasEndpoint("https://gp-a.example/bars/")).isFalse();
        assertThat(registered.hasEndpoint(null)).isFalse();
        assertThat(registered.odsCodes()).containsExactlyInAnyOrder("A81001", "B82002");
        assertThat(registered.hasOdsCode("a81001")).isTrue();
        assertThat(registered.hasOdsCode("C83003")).isFalse();
        assertThat(SenderIdentities.Registered.none().isEmpty()).isTrue();
    }

    @Test
    void whatCannotBeAnOdsCodeOrEndpointIsRefused() {
        assertThatThrownBy(() -> SenderIdentities.Registered.odsCode("A8 1001")).isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> SenderIdentities.Registered.odsCode("")).isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> SenderIdentities.Registered.endpoint("https://a b")).isInstanceOf(WaymarkException.class);
        assertThatThrownBy(() -> SenderIdentities.Registered.endpoint("x".repeat(181))).isInstanceOf(WaymarkException.class);
        assertThat(SenderIdentities.Registered.endpoint(" https://fhir.nhs.uk/Id/dos-service-id|2222222222 "))
                .isEqualTo("https://fhir.nhs.uk/Id/dos-service-id|2222222222");
    }

    @Test
    void theOdsSystemIsKnownInEitherSpelling() {
        assertThat(SenderIdentities.isOdsSystem("https://fhir.nhs.uk/Id/ods-organization-code")).isTrue();
        assertThat(SenderIdentities.isOdsSystem("https://fhir.nhs.uk/id/ods-organization-code")).isTrue();
        assertThat(SenderIdentities.isOdsSystem("https://fhir.nhs.uk/Id/nhs-number")).isFalse();
        assertThat(SenderIdentities.isOdsSystem(null)).isFalse();
    }
}
