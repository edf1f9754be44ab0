package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Date;
import javax.ws.rs.core.MultivaluedHashMap;
import javax.ws.rs.core.MultivaluedMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

class ResponseSubsetTest {
    private static final Fhir FHIR = new Fhir();

    private static ServiceRequest referral() {
        ServiceRequest referral = new ServiceRequest();
        referral.setId("ref-1");
        referral.getMeta().setVersionId("2").setLastUpdated(new Date(1_700_000_000_000L));
        referral.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div>Referral for Ann</div>");
        referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        referral.setSubject(new Reference("Patient/p-1"));
        referral.addNote().setText("Lives alone, no internet at home");
        referral.getCode().setText("Social prescribing");
        return referral;
    }

    private static ResponseSubset of(String name, String... values) {
        MultivaluedMap<String, String> query = new MultivaluedHashMap<>();
        for (String value : values) {
            query.add(name, value);
        }
        return ResponseSubset.of(query);
    }

    private static String encode(Object resource, ResponseSubset subset) {
        return FHIR.encode(FhirFormat.JSON, (org.hl7.fhir.instance.model.api.IBaseResource) resource, false, subset);
    }

    @Test
    void noParameterMeansTheWholeResource() {
        assertThat(ResponseSubset.of(new MultivaluedHashMap<>()).whole()).isTrue();
        assertThat(of("_summary", "false").whole()).isTrue();
        assertThat(encode(referral(), ResponseSubset.WHOLE)).contains("Lives alone", "Referral for Ann").doesNotContain("SUBSETTED");
    }

    @Test
    void summaryTrueKeepsTheSummaryElementsAndSaysItIsASubset() {
        String summary = encode(referral(), of("_summary", "true"));
        assertThat(summary).contains("\"id\":\"ref-1\"", "\"status\":\"active\"", "Patient/p-1", "SUBSETTED")
                .doesNotContain("Lives alone", "Referral for Ann");
    }

    @Test
    void summaryDataLeavesOutOnlyTheNarrative() {
        assertThat(encode(referral(), of("_summary", "data"))).contains("Lives alone", "\"status\":\"active\"")
                .doesNotContain("Referral for Ann");
    }

    @Test
    void summaryTextKeepsTheNarrativeAndTheMandatoryElements() {
        String text = encode(referral(), of("_summary", "text"));
        assertThat(text).contains("Referral for Ann", "\"status\":\"active\"", "\"intent\":\"order\"", "Patient/p-1")
                .doesNotContain("Lives alone", "Social prescribing");
    }

    @Test
    void elementsOfASearchsetSubsetItsResourcesNotTheBundle() {
        Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(1);
        searchset.addLink().setRelation("self").setUrl("https://waymark.example/fhir/ServiceRequest?_elements=status");
        searchset.addEntry().setFullUrl("https://waymark.example/fhir/ServiceRequest/ref-1").setResource(referral());

        String encoded = encode(searchset, of("_elements", "status, subject"));

        assertThat(encoded).contains("\"total\":1", "\"relation\":\"self\"", "\"fullUrl\"", "\"status\":\"active\"",
                "Patient/p-1", "\"id\":\"ref-1\"", "SUBSETTED", "\"intent\":\"order\"")
                .doesNotContain("Lives alone", "Referral for Ann", "Social prescribing");
    }

    @Test
    void unknownCodesMalformedNamesRepeatsAndBothAtOnceAreRefused() {
        assertThatThrownBy(() -> of("_summary", "yes")).isInstanceOf(WaymarkException.class).hasMessageContaining("_summary must be one of");
        assertThatThrownBy(() -> of("_summary", "true", "data")).hasMessageContaining("once");
        assertThatThrownBy(() -> of("_elements", "status,<script>")).hasMessageContaining("element names");
        assertThatThrownBy(() -> of("_elements", "status,,subject")).hasMessageContaining("element names");
        assertThatThrownBy(() -> of("_elements", "ServiceRequest.status")).hasMessageContaining("element names");
        MultivaluedMap<String, String> both = new MultivaluedHashMap<>();
        both.add("_summary", "true");
        both.add("_elements", "status");
        assertThatThrownBy(() -> ResponseSubset.of(both)).hasMessageContaining("not both");
    }

    @Test
    void countIsKnownAsCountOnly() {
        assertThat(of("_summary", "count").countOnly()).isTrue();
        assertThat(of("_summary", "true").countOnly()).isFalse();
    }
}
