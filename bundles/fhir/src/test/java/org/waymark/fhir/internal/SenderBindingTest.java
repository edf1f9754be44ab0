package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.SenderIdentities;

/** A GP system sends only as the endpoints and ODS codes it is registered with; any-sender clients and people are free. */
class SenderBindingTest {
    private static final String OWN = "https://gp-a.example/bars";
    private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

    private final Map<String, SenderIdentities.Registered> registrations = Map.of(
            "gp-a", new SenderIdentities.Registered(Set.of(OWN), Set.of()),
            "gp-supplier", new SenderIdentities.Registered(Set.of(OWN), Set.of("A81001", "A81002")));
    private final SenderBinding binding = new SenderBinding(id -> registrations.getOrDefault(id, SenderIdentities.Registered.none()));

    private static Caller client(String id, boolean anySender) {
        return new Caller(id, Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), anySender);
    }

    private static BarsMessage message(String endpoint, String senderOds, String requesterOrganisationOds) {
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding(BarsMessage.EVENTS, "servicerequest-request", null));
        if (endpoint != null) {
            header.getSource().setEndpoint(endpoint);
        }
        header.addFocus(new Reference("urn:uuid:sr"));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
        bundle.setId("m1");
        bundle.addEntry().setFullUrl("urn:uuid:mh").setResource(header);
        ServiceRequest request = new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.PLAN).setSubject(new Reference("urn:uuid:p1"));
        bundle.addEntry().setFullUrl("urn:uuid:sr").setResource(request);
        Patient patient = new Patient();
        patient.addIdentifier().setSystem(NhsNumber.SYSTEM).setValue("9990012598");
        bundle.addEntry().setFullUrl("urn:uuid:p1").setResource(patient);
        if (senderOds != null) {
            Organization sender = new Organization();
            sender.addIdentifier().setSystem(ODS).setValue(senderOds);
            bundle.addEntry().setFullUrl("urn:uuid:org-sender").setResource(sender);
            header.setSender(new Reference("urn:uuid:org-sender"));
        }
        if (requesterOrganisationOds != null) {
            Organization practice = new Organization();
            // Some real messages write /id/: the same system, so the same rule.
            practice.addIdentifier().setSystem("https://fhir.nhs.uk/id/ods-organization-code").setValue(requesterOrganisationOds);
            bundle.addEntry().setFullUrl("urn:uuid:org-practice").setResource(practice);
            bundle.addEntry().setFullUrl("urn:uuid:role").setResource(new PractitionerRole().setOrganization(new Reference("urn:uuid:org-practice")));
            request.setRequester(new Reference("urn:uuid:role"));
        }
        return new BarsMessage(bundle);
    }

    private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String saying) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SenderBinding.NotRegistered.class,
                e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.FORBIDDEN)).hasMessageContaining(saying);
    }

    @Test
    void aClientSendsFromItsRegisteredEndpointOnly() {
        assertThatCode(() -> binding.requireMessageSender(client("gp-a", false), message(OWN, "ZZZ99", null))).doesNotThrowAnyException();
        assertForbidden(() -> binding.requireMessageSender(client("gp-a", false),
                message("https://fhir.nhs.uk/Id/dos-service-id|2222222222", null, null)),
                "MessageHeader.source.endpoint 'https://fhir.nhs.uk/Id/dos-service-id|2222222222' is not registered for client gp-a");
        assertForbidden(() -> binding.requireMessageSender(client("gp-a", false), message(null, "A81001", null)),
                "must name one of its registered endpoints");
    }

    @Test
    void aClientWithoutAnEndpointIsToldHowToRegisterOne() {
        assertForbidden(() -> binding.requireMessageSender(client("gp-new", false), message(OWN, null, null)),
                "./waymark client-senders gp-new --endpoint URL");
    }

    @Test
    void aSupplierSendsForItsRegisteredPracticesOnly() {
        Caller supplier = client("gp-supplier", false);
        assertThatCode(() -> binding.requireMessageSender(supplier, message(OWN, "a81001", "A81002"))).doesNotThrowAnyException();
        assertThatCode(() -> binding.requireMessageSender(supplier, message(OWN, null, null))).as("naming no ODS code")
                .doesNotThrowAnyException();
        assertForbidden(() -> binding.requireMessageSender(supplier, message(OWN, "RND", null)), "ODS code 'RND' is not registered");
        assertForbidden(() -> binding.requireMessageSender(supplier, message(OWN, "A81001", "B82002")), "ODS code 'B82002'");

        ServiceRequest logical = new ServiceRequest();
        logical.setRequester(new Reference().setIdentifier(new Identifier().setSystem(ODS).setValue("B82002")));
        assertForbidden(() -> binding.requireOdsCodes(supplier, SendingOrganisation.ofRequester(logical)), "'B82002'");
        ServiceRequest contained = new ServiceRequest();
        Organization practice = new Organization();
        practice.setId("practice");
        practice.addIdentifier().setSystem(ODS).setValue("C83003");
        contained.addContained(practice);
        contained.setRequester(new Reference("#practice"));
        assertThat(SendingOrganisation.ofRequester(contained)).containsExactly("C83003");
        assertForbidden(() -> binding.requireOdsCodes(supplier, SendingOrganisation.ofRequester(contained)), "'C83003'");
        assertThatCode(() -> binding.requireOdsCodes(supplier, List.of("A81002"))).doesNotThrowAnyException();
        assertThatCode(() -> binding.requireOdsCodes(client("gp-a", false), List.of("B82002")))
                .as("a client registered without ODS codes is not bound by them").doesNotThrowAnyException();
    }

    @Test
    void anAnySenderClientAndPeopleAreNotBound() {
        assertThatCode(() -> binding.requireMessageSender(client("demo-gp", true),
                message("https://another-practice.example/bars", "RND", "G82080"))).doesNotThrowAnyException();
        Caller worker = new Caller("linkworker", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
        assertThatCode(() -> binding.requireOdsCodes(worker, List.of("RND"))).doesNotThrowAnyException();
    }

    @Test
    void aRefusalNeverShowsAPasswordOrKeyTheEndpointCarries() {
        assertThat(SenderBinding.shown("https://user:s3cret@gp.example/bars?key=abc"))
                .isEqualTo("'https://\u2026@gp.example/bars?\u2026'").doesNotContain("s3cret").doesNotContain("abc");
        assertThat(SenderBinding.shown("https://fhir.nhs.uk/Id/dos-service-id|2222222222"))
                .isEqualTo("'https://fhir.nhs.uk/Id/dos-service-id|2222222222'");
    }

    @Test
    void theRefusalCarriesTheBarsReceiverCode() {
        org.hl7.fhir.r4.model.OperationOutcome outcome = BarsErrorCodes.addSenderRefusal(OperationOutcomeMapper.outcome(403, "no"));
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(org.hl7.fhir.r4.model.OperationOutcome.IssueType.FORBIDDEN);
        assertThat(outcome.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("REC_UNAUTHORIZED");
    }
}
