package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import java.util.List;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.NewReferral;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

/**
 * The parts of a BaRS message that become its identity are refused when they cannot be kept whole; its header must
 * name the referral event and focus on its ServiceRequest; what it attaches to the person must be about that person.
 */
class BarsMessageTest {

    private static Bundle message(String id, String endpoint) {
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding(BarsMessage.EVENTS, "servicerequest-request", null));
        header.getSource().setEndpoint(endpoint);
        header.addFocus(new Reference("urn:uuid:sr"));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
        bundle.setId(id);
        bundle.addEntry().setFullUrl("urn:uuid:mh").setResource(header);
        ServiceRequest request = new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.PLAN).setSubject(new Reference("urn:uuid:p1"));
        bundle.addEntry().setFullUrl("urn:uuid:sr").setResource(request);
        bundle.addEntry().setFullUrl("urn:uuid:p1").setResource(patient("9990012598"));
        return bundle;
    }

    private static Patient patient(String nhsNumber) {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(NhsNumber.SYSTEM).setValue(nhsNumber);
        return patient;
    }

    private static MessageHeader header(Bundle bundle) {
        return (MessageHeader) bundle.getEntryFirstRep().getResource();
    }

    private static NewReferral newReferral(Bundle bundle) {
        BarsMessage message = new BarsMessage(bundle);
        return message.newReferral((ServiceRequest) message.focus().getResource(), "urn:waymark:bars:x",
                message.focus().getFullUrl(), "application/fhir+json", "{}");
    }

    private static void assertRefused(Bundle bundle, WaymarkException.Kind kind, String saying) {
        assertThatThrownBy(() -> new BarsMessage(bundle))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessageContaining(saying);
    }

    @Test
    void theFocusMustBeTheServiceRequestOfTheBundle() {
        assertThat(new BarsMessage(message("m1", "https://gp.example/bars")).focus().getFullUrl()).isEqualTo("urn:uuid:sr");

        Bundle noFocus = message("m1", "https://gp.example/bars");
        header(noFocus).getFocus().clear();
        assertRefused(noFocus, WaymarkException.Kind.INVALID, "MessageHeader.focus is required");

        Bundle dangling = message("m1", "https://gp.example/bars");
        header(dangling).getFocusFirstRep().setReference("urn:uuid:nothing");
        assertRefused(dangling, WaymarkException.Kind.INVALID, "refers to nothing in the Bundle");

        Bundle patientFocus = message("m1", "https://gp.example/bars");
        header(patientFocus).getFocusFirstRep().setReference("urn:uuid:p1");
        assertRefused(patientFocus, WaymarkException.Kind.UNPROCESSABLE, "names a Patient");

        Bundle twoFoci = message("m1", "https://gp.example/bars");
        header(twoFoci).addFocus(new Reference("urn:uuid:p1"));
        assertRefused(twoFoci, WaymarkException.Kind.INVALID, "one resource");
    }

    @Test
    void aSecondMessageHeaderIsRefused() {
        Bundle twoHeaders = message("m1", "https://gp.example/bars");
        twoHeaders.addEntry().setFullUrl("urn:uuid:mh2").setResource(header(twoHeaders).copy());

        assertRefused(twoHeaders, WaymarkException.Kind.INVALID, "one MessageHeader");
    }

    @Test
    void theEventIsCheckedSayingWhatIsWrongWithIt() {
        Bundle otherSystem = message("m1", "https://gp.example/bars");
        header(otherSystem).setEvent(new Coding("https://example.org/events", "servicerequest-request", null));
        assertRefused(otherSystem, WaymarkException.Kind.UNPROCESSABLE, "must be in the code system " + BarsMessage.EVENTS);

        Bundle noEvent = message("m1", "https://gp.example/bars");
        header(noEvent).setEvent(null);
        assertRefused(noEvent, WaymarkException.Kind.INVALID, "has no eventCoding");

        Bundle booking = message("m1", "https://gp.example/bars");
        header(booking).setEvent(new Coding(BarsMessage.EVENTS, "booking-request", null));
        assertRefused(booking, WaymarkException.Kind.UNPROCESSABLE, "booking-request is not supported here");
    }

    /** A safeguarding flag about the message's other Patient entry must never land on the referral's person. */
    @Test
    void aFlagAboutAnotherPatientEntryIsRefused() {
        Bundle bundle = message("m1", "https://gp.example/bars");
        bundle.addEntry().setFullUrl("urn:uuid:p2").setResource(patient("9990010005"));
        bundle.addEntry().setFullUrl("urn:uuid:f1").setResource(new Flag().setStatus(Flag.FlagStatus.ACTIVE)
                .setCode(new CodeableConcept().setText("Safeguarding concern")).setSubject(new Reference("urn:uuid:p2")));

        assertThatThrownBy(() -> newReferral(bundle))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNPROCESSABLE))
                .hasMessage("The Flag urn:uuid:f1 is about another patient than the ServiceRequest's subject");
    }

    @Test
    void consentEncounterCarePlanAndConditionAboutAnotherPatientAreRefused() {
        List<Resource> aboutP2 = List.of(new Consent().setPatient(new Reference("urn:uuid:p2")),
                new Encounter().setSubject(new Reference("urn:uuid:p2")), new CarePlan().setSubject(new Reference("urn:uuid:p2")),
                new Condition().setSubject(new Reference("urn:uuid:p2")),
                new Condition().setSubject(new Reference("Patient/elsewhere")),
                new Flag().setSubject(new Reference().setIdentifier(new Identifier().setSystem(NhsNumber.SYSTEM).setValue("9990010005"))));
        for (Resource resource : aboutP2) {
            Bundle bundle = message("m1", "https://gp.example/bars");
            bundle.addEntry().setFullUrl("urn:uuid:p2").setResource(patient("9990010005"));
            bundle.addEntry().setFullUrl("urn:uuid:x").setResource(resource);

            assertThatThrownBy(() -> newReferral(bundle)).as(resource.fhirType())
                    .isInstanceOf(WaymarkException.class).hasMessageContaining("about another patient");
        }
    }

    @Test
    void resourcesAboutTheSubjectOrAboutNoPatientGoWithTheReferral() {
        Bundle bundle = message("m1", "https://gp.example/bars");
        bundle.addEntry().setFullUrl("urn:uuid:loc").setResource(new Location());
        bundle.addEntry().setFullUrl("urn:uuid:f1").setResource(new Flag().setStatus(Flag.FlagStatus.ACTIVE)
                .setCode(new CodeableConcept().setText("Reasonable adjustment")).setSubject(new Reference("urn:uuid:p1")));
        // As in the official VALREQ01: a flag about the place of the incident concerns no other person.
        bundle.addEntry().setFullUrl("urn:uuid:f2").setResource(new Flag().setStatus(Flag.FlagStatus.ACTIVE)
                .setCode(new CodeableConcept().setText("Hazard at the address")).setSubject(new Reference("urn:uuid:loc")));
        bundle.addEntry().setFullUrl("urn:uuid:c1").setResource(new Condition().setCode(new CodeableConcept().setText("Isolation"))
                .setSubject(new Reference().setIdentifier(new Identifier().setSystem(NhsNumber.SYSTEM).setValue("9990012598"))));

        NewReferral referral = newReferral(bundle);

        assertThat(referral.flags()).extracting(f -> f.text()).containsExactly("Reasonable adjustment", "Hazard at the address");
        assertThat(referral.reasonText()).contains("Isolation");
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
