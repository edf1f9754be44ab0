package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.BusinessIdentifier;
import org.waymark.api.referral.SenderIdentityBackfill;

/** BaRS referrals received before their sender identities were kept get them from their kept messages. */
class BarsIdentityBackfillTest {
    private static final Fhir FHIR = new Fhir();
    private final Queue queue = new Queue();
    private final BarsIdentityBackfill backfill = new BarsIdentityBackfill(queue, FHIR);

    /** The referrals' queue as the database keeps it: pending until completed, completed once. */
    private static final class Queue implements SenderIdentityBackfill {
        final Map<String, Pending> queued = new LinkedHashMap<>();
        final Map<String, String> completed = new LinkedHashMap<>();

        @Override
        public List<Pending> pending(int max) {
            return queued.values().stream().limit(max).toList();
        }

        @Override
        public boolean complete(String referralId, String senderRequestId, List<BusinessIdentifier> identifiers) {
            if (queued.remove(referralId) == null) {
                return false;
            }
            completed.put(referralId, senderRequestId + " " + identifiers);
            return true;
        }
    }

    @AfterEach
    void stop() {
        backfill.deactivate();
    }

    private static String message(String serviceRequestId, String caseNumber, FhirFormat format) {
        MessageHeader header = new MessageHeader();
        header.setEvent(new Coding(BarsMessage.EVENTS, "servicerequest-request", null));
        header.getSource().setEndpoint("https://fhir.nhs.uk/Id/dos-service-id|2222222222");
        header.addFocus(new Reference("urn:uuid:sr"));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
        bundle.setId("message-1");
        bundle.addEntry().setFullUrl("urn:uuid:mh").setResource(header);
        ServiceRequest request = new ServiceRequest().setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
                .setIntent(ServiceRequest.ServiceRequestIntent.PLAN).setSubject(new Reference("urn:uuid:p1"));
        request.setId(serviceRequestId);
        if (caseNumber != null) {
            request.addIdentifier().setSystem("https://sender.url/Id/case-number").setValue(caseNumber);
        }
        bundle.addEntry().setFullUrl("urn:uuid:sr").setResource(request);
        bundle.addEntry().setFullUrl("urn:uuid:p1").setResource(new Patient());
        return FHIR.encode(format, bundle, false);
    }

    private void queue(String referralId, String mediaType, String document) {
        queue.queued.put(referralId, new SenderIdentityBackfill.Pending(referralId, mediaType, document));
    }

    @Test
    void eachQueuedReferralGetsWhatItsMessageCarried() {
        queue("xml", "application/fhir+xml", message("sr-1", "sender1234", FhirFormat.XML));
        queue("json", "application/fhir+json; version=1.1.0", message("sr-2", null, FhirFormat.JSON));

        assertThat(backfill.drain()).isEqualTo(2);

        assertThat(queue.completed).containsEntry("xml", "sr-1 [BusinessIdentifier[system=https://sender.url/Id/case-number, value=sender1234]]")
                .containsEntry("json", "sr-2 []");
        assertThat(queue.queued).isEmpty();
    }

    @Test
    void aMessageThatCannotBeReadNowLeavesTheQueueWithNothing() {
        queue("none", null, null);
        queue("garbage", "application/fhir+json", "{\"resourceType\": \"Bundle\", \"type\": \"message\"");
        queue("not-a-message", "application/fhir+json", "{\"resourceType\": \"Patient\"}");
        queue("not-fhir", "text/csv", "a,b");

        assertThat(backfill.drain()).isEqualTo(4);

        assertThat(queue.completed.values()).containsOnly("null []");
    }

    @Test
    void aLongQueueIsReadInBatchesToTheEnd() {
        String document = message("sr", "c", FhirFormat.JSON);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            ids.add("r" + i);
            queue("r" + i, "application/fhir+json", document);
        }

        assertThat(backfill.drain()).isEqualTo(250);

        assertThat(queue.completed.keySet()).containsExactlyElementsOf(ids);
    }
}
