package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.ReferralStatus;

/** FHIR's escaping of token search values. */
class TokenParamTest {

    @Test
    void theFirstUnescapedBarSeparatesSystemAndValue() {
        assertThat(TokenParam.parse("https://fhir.nhs.uk/Id/nhs-number|9990010005"))
                .isEqualTo(new TokenParam("https://fhir.nhs.uk/Id/nhs-number", "9990010005"));
        assertThat(TokenParam.parse("|A1")).isEqualTo(new TokenParam(TokenParam.NO_SYSTEM, "A1"));
    }

    /** FHIR: |value matches only an identifier without a system (it was read as any system). */
    @Test
    void aBarWithNothingBeforeItMeansNoSystem() {
        TokenParam noSystem = TokenParam.parse("|A1");
        assertThat(noSystem.withoutSystem()).isTrue();
        assertThat(noSystem.matchesSystem(null)).isTrue();
        assertThat(noSystem.matchesSystem("https://gp.example")).isFalse();
        TokenParam anySystem = TokenParam.parse("A1");
        assertThat(anySystem.withoutSystem()).isFalse();
        assertThat(anySystem.matchesSystem(null)).isTrue();
        assertThat(anySystem.matchesSystem("https://gp.example")).isTrue();
        TokenParam gp = TokenParam.parse("https://gp.example|A1");
        assertThat(gp.matchesSystem("https://gp.example")).isTrue();
        assertThat(gp.matchesSystem(null)).isFalse();
    }

    /** Waymark's BaRS identity holds the sender endpoint, which holds a bar. */
    @Test
    void anEscapedBarIsPartOfTheSystemOrValue() {
        assertThat(TokenParam.parse("urn:waymark:bars:https://fhir.nhs.uk/Id/dos-service-id\\|2222222222|urn:uuid:236bb75d"))
                .isEqualTo(new TokenParam("urn:waymark:bars:https://fhir.nhs.uk/Id/dos-service-id|2222222222", "urn:uuid:236bb75d"));
        assertThat(TokenParam.parse("https://gp.example|a\\|b\\,c\\\\d\\$e"))
                .isEqualTo(new TokenParam("https://gp.example", "a|b,c\\d$e"));
        assertThat(TokenParam.parse("https://gp.example|C:\\temp")).isEqualTo(new TokenParam("https://gp.example", "C:\\temp"));
    }

    @Test
    void alternativesAreSplitAtUnescapedCommasOnly() {
        assertThat(TokenParam.alternatives("requested,in-progress")).containsExactly("requested", "in-progress");
        assertThat(TokenParam.alternatives("a\\,b,c")).containsExactly("a,b", "c");
    }

    /** Found probing: status=http://hl7.org/fhir/task-status|requested, as generic FHIR clients send it, was a 400. */
    @Test
    void statusCodesMayNameTheirSystem() {
        assertThat(TaskResource.statuses("http://hl7.org/fhir/task-status|requested,in-progress"))
                .containsExactlyInAnyOrder(ReferralStatus.REQUESTED, ReferralStatus.IN_PROGRESS);
        assertThat(ServiceRequestResource.statuses("http://hl7.org/fhir/request-status|completed"))
                .containsExactly(ReferralStatus.COMPLETED);
        // Another system, or none, is not the status's: it matches nothing rather than the code in Waymark's system.
        assertThat(TaskResource.statuses("http://example.org/other|requested")).isEmpty();
        assertThat(ServiceRequestResource.statuses("|completed")).isEmpty();
        assertThatThrownBy(() -> TaskResource.statuses("http://hl7.org/fhir/task-status|finished"))
                .isInstanceOf(WaymarkException.class);
    }

    @Test
    void severalIdentifiersAreRefusedSayingHowToEscape() {
        assertThatThrownBy(() -> TokenParam.parse("https://gp.example|A1,https://gp.example|A2"))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID))
                .hasMessageContaining("\\,");
        assertThatThrownBy(() -> TokenParam.parse("urn:waymark:bars:x|"))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("\\|");
    }

    /** FHIR: a value without a bar matches that value in any system (BaRS asks receivers to honour it). */
    @Test
    void aValueWithoutABarIsThatValueInAnySystem() {
        assertThat(TokenParam.parse("sender1234")).isEqualTo(new TokenParam(null, "sender1234"));
        assertThat(TokenParam.parse("urn:waymark:bars:x\\|y")).isEqualTo(new TokenParam(null, "urn:waymark:bars:x|y"));
    }
}
