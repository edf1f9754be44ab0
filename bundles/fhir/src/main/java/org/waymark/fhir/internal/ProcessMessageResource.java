package org.waymark.fhir.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.MessageReceipt;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.RecordedMessage;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.api.security.SenderIdentities;

/**
 * BaRS referral messages ({@code POST /fhir/$process-message}): new, update (revoked: the referral is cancelled) and
 * delete (entered in error). Each message is applied once; the same message again gets the same answer, and a
 * message id reused with other content is refused.
 */
@Component(service = {ProcessMessageResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/$process-message")
@RolesAllowed(Roles.REFERRER)
public final class ProcessMessageResource extends ReferralEndpoint {
    /** The sender's identity of a referral lives under this system, qualified by the sender's endpoint. */
    static final String REFERRAL_KEY_SYSTEM = "urn:waymark:bars:";

    private final Fhir fhir;
    private final SameMessage sameMessage;
    private final SenderBinding binding;

    @Activate
    public ProcessMessageResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings,
                                  @Reference SenderIdentities senders) {
        super(fhir, referrals, settings, "MessageHeader", List.of(), Map.of());
        this.fhir = fhir;
        this.sameMessage = new SameMessage(fhir);
        this.binding = new SenderBinding(senders);
    }

    @Override
    public List<String> operations() {
        return List.of("process-message");
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response process(byte[] sent, @Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        Posted<Bundle> parsed = parse(sent, headers, Bundle.class);
        String body = parsed.text();
        FhirFormat format = parsed.format();
        Caller sender = Callers.of(security);
        BarsMessage message = new BarsMessage(parsed.resource());
        String senderKey = sender.id() + "|" + message.sourceEndpoint();
        String digest = sha256(body);

        Optional<RecordedMessage> recorded = referrals.findMessage(sender, senderKey, message.id());
        if (recorded.isPresent()) {
            return replay(request, sender, senderKey, message, recorded.get(), digest);
        }
        // After the replay: a message already recorded keeps its answer; only what is new must come from this
        // client's own registered identities.
        binding.requireMessageSender(sender, message);
        Bundle.BundleEntryComponent focus = message.focus();
        ServiceRequest serviceRequest = (ServiceRequest) focus.getResource();
        String referralSystem = REFERRAL_KEY_SYSTEM + message.sourceEndpoint();
        String referralKey = BarsMessage.referralKey(focus);
        // The answer is built inside the transaction that records it; the last one built is the one committed (a
        // transaction retried after a lock conflict builds it again), and it is what this request answers with.
        record Answer(Bundle bundle, String json) {
        }
        AtomicReference<Answer> answered = new AtomicReference<>();
        boolean newReferral = message.reason() == BarsMessage.Reason.NEW;
        // A new referral's message is kept whole (its original document) and compared from that when resent in
        // another layout; updates and deletes are not, so their canonical digest is recorded instead.
        String senderRequestId = BarsMessage.senderRequestId(focus);
        NewReferral received = newReferral ? message.newReferral(serviceRequest, referralSystem, referralKey, format.mediaType(),
                body).withSenderRequestId(senderRequestId) : null;
        MessageReceipt receipt = new MessageReceipt(senderKey, message.id(), digest, r -> {
            Bundle response = response(request, message, r, newReferral ? warningsOf(r, received) : List.of());
            answered.set(new Answer(response, fhir.encode(FhirFormat.JSON, response, false)));
            return answered.get().json();
        }, newReferral ? null : sameMessage.canonicalHash(message.bundle()));
        try {
            switch (message.reason()) {
                case NEW -> referrals.receive(sender, received, receipt);
                case UPDATE -> {
                    if (serviceRequest.getStatus() != ServiceRequest.ServiceRequestStatus.REVOKED) {
                        throw WaymarkException.unprocessable("An update message can revoke a referral (ServiceRequest.status "
                                + "revoked); other updates are not supported yet (status " + statusCode(serviceRequest) + ")");
                    }
                    referrals.updateFromSender(sender, referralSystem, referralKey, senderRequestId, ReferralStatus.CANCELLED,
                            "Cancelled by the referrer", receipt);
                }
                case DELETE -> referrals.updateFromSender(sender, referralSystem, referralKey, senderRequestId,
                        ReferralStatus.ENTERED_IN_ERROR, "Entered in error by the referrer", receipt);
                default -> throw new IllegalStateException();
            }
        } catch (WaymarkException e) {
            // Two copies of one message at the same moment: the one that lost the race answers like a replay.
            if (e.kind() == WaymarkException.Kind.CONFLICT) {
                Optional<RecordedMessage> raced = referrals.findMessage(sender, senderKey, message.id());
                if (raced.isPresent() && raced.get().answer() != null) {
                    return replay(request, sender, senderKey, message, raced.get(), digest);
                }
            }
            throw e;
        }
        return responder.resource(request, 200, answered.get().bundle(), answered.get().json());
    }

    /** The status as FHIR writes it (on-hold, active), which the sender knows, never the model's enum name. */
    static String statusCode(ServiceRequest request) {
        return request.getStatus() == null || request.getStatus() == ServiceRequest.ServiceRequestStatus.NULL
                ? "none" : request.getStatus().toCode();
    }

    private static List<String> warningsOf(Referral referral, NewReferral received) {
        List<String> warnings = new ArrayList<>();
        if (referral.patientNhsNumber() != null && !referral.patientNhsNumber().verified()) {
            warnings.add("The NHS number fails its check digit: it is stored as sent, unverified, and was not used to link the patient");
        }
        warnings.addAll(received.shortenedTextWarnings());
        return warnings;
    }

    private Response replay(FhirRequest request, Caller sender, String senderKey, BarsMessage message,
                            RecordedMessage recorded, String digest) {
        if (!sameMessage.isSame(recorded, digest, message.bundle(),
                () -> referrals.messageReferralDocument(sender, senderKey, message.id()))) {
            throw WaymarkException.conflict("This message id was already used for a message with other content; "
                    + "a new message needs a new Bundle.id");
        }
        if (recorded.answer() == null) {
            throw WaymarkException.conflict("This message is being processed; retry shortly");
        }
        return answer(request, recorded.answer());
    }

    private Response answer(FhirRequest request, String storedJson) {
        if (responder.sendsCompactJson(request)) {
            return responder.json(200, storedJson);
        }
        return responder.resource(request, 200, fhir.parse(FhirFormat.JSON, storedJson, Bundle.class));
    }

    /** The BaRS response message: a MessageHeader answering the request's, the referral as stored and its Task. */
    private Bundle response(FhirRequest request, BarsMessage message, Referral referral, List<String> warnings) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE).setTimestamp(new Date());
        bundle.setId(UUID.randomUUID().toString());
        MessageHeader header = new MessageHeader();
        header.setId(UUID.randomUUID().toString());
        header.setEvent(new Coding(BarsMessage.EVENTS, "servicerequest-response", null));
        header.getSource().setName("Waymark").setEndpoint(request.baseUrl());
        header.addDestination().setEndpoint(message.header().getSource().getEndpoint());
        // The request's Bundle.id, as BaRS's own responses name it (REFRESP01 answers REFREQ01 so). Never the header's
        // id: HAPI gives a header without one its entry's urn:uuid fullUrl once the Bundle has been encoded (as update
        // and delete messages are, for their digest), and "urn:uuid:..." is not a valid id.
        header.getResponse().setIdentifier(message.id()).setCode(MessageHeader.ResponseType.OK);
        ServiceRequest serviceRequest = ReferralMapping.toServiceRequest(referral);
        String serviceRequestUrl = request.url("ServiceRequest/" + referral.id());
        header.addFocus(new org.hl7.fhir.r4.model.Reference(serviceRequestUrl));
        bundle.addEntry().setFullUrl(request.url("MessageHeader/" + header.getId())).setResource(header);
        bundle.addEntry().setFullUrl(serviceRequestUrl).setResource(serviceRequest);
        bundle.addEntry().setFullUrl(request.url("Task/" + referral.taskId())).setResource(ReferralMapping.toTask(referral));
        if (!warnings.isEmpty()) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.setId(UUID.randomUUID().toString());
            warnings.forEach(w -> outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING)
                    .setCode(OperationOutcome.IssueType.BUSINESSRULE).setDiagnostics(w));
            String outcomeUrl = "urn:uuid:" + outcome.getId();
            header.getResponse().setDetails(new org.hl7.fhir.r4.model.Reference(outcomeUrl));
            bundle.addEntry().setFullUrl(outcomeUrl).setResource(outcome);
        }
        return bundle;
    }

    static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
