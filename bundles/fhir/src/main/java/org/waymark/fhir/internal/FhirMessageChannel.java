package org.waymark.fhir.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Delivery;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.NotificationChannel;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.http.OutboundEndpoints;

/**
 * FHIR messaging to a registered endpoint (address key {@code fhir}): a referral's status change goes to its sender
 * as a BaRS-style {@code servicerequest-response} message with the Task as it stood after the change; other topics
 * as a Communication. The Bundle and MessageHeader ids are the notification's message id, so a receiver that keeps
 * the ids it has seen drops a repeated delivery.
 */
@Component(service = NotificationChannel.class)
public final class FhirMessageChannel implements NotificationChannel {
    static final String NAME = "fhir";
    static final String BARS_EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
    static final String BARS_REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-bars";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Fhir fhir;
    private final FhirSettings settings;
    private final ReferralService referrals;
    private final AuditLog audit;
    /**
     * HTTP/1.1 only: the JDK client otherwise offers every plain-http request an upgrade to HTTP/2 (h2c), which some
     * receivers answer with an error, and a 4xx dead-letters the status message.
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Activate
    public FhirMessageChannel(@org.osgi.service.component.annotations.Reference Fhir fhir,
                              @org.osgi.service.component.annotations.Reference FhirSettings settings,
                              @org.osgi.service.component.annotations.Reference ReferralService referrals,
                              @org.osgi.service.component.annotations.Reference AuditLog audit) {
        this.fhir = fhir;
        this.settings = settings;
        this.referrals = referrals;
        this.audit = audit;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean canReach(Notification notification, ContactPreferences preferences) {
        // A person has no FHIR endpoint (details stored before that was refused are left unused).
        return notification.to().kind() != Party.Kind.PERSON && preferences.address(NAME) != null;
    }

    @Override
    public Delivery send(Notification notification, ContactPreferences preferences) throws DeliveryException {
        checkEndpoint(preferences.address(NAME));
        Referral about = statusOf(notification);
        String body = fhir.encode(FhirFormat.JSON, message(notification, preferences.address(NAME), about), false);
        HttpRequest request = HttpRequest.newBuilder(URI.create(preferences.address(NAME))).timeout(TIMEOUT)
                .header("Content-Type", "application/fhir+json; charset=utf-8")
                .header("Accept", "application/fhir+json")
                .header("X-Request-Id", UUID.randomUUID().toString())
                .header("X-Correlation-Id", correlationId(notification.messageId()))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DeliveryException("The FHIR endpoint could not be reached: " + OutboundEndpoints.describe(e), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("Interrupted while sending", false, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            if (about != null) {
                // The sender now holds the referral as it stood: recorded as its read, once it has it.
                audit.record(recipient(notification), AuditLog.Action.READ, "ServiceRequest", about.id(), about.patientId());
            }
            return new Delivery("HTTP " + status);
        }
        // Timeouts, throttling and server errors may pass; any other refusal will be the same next time.
        boolean retryable = status == 408 || status == 429 || status >= 500;
        throw new DeliveryException("The FHIR endpoint answered HTTP " + status, !retryable);
    }

    /**
     * Refuses endpoints Waymark does not send to (see {@link OutboundEndpoints}), by what the host name resolves to now:
     * the address check when the details were saved cannot see a name that points at a metadata service.
     */
    static void checkEndpoint(String endpoint) throws DeliveryException {
        Optional<String> refused = OutboundEndpoints.refusal(endpoint);
        if (refused.isEmpty()) {
            try {
                for (InetAddress address : InetAddress.getAllByName(URI.create(endpoint.strip()).getHost())) {
                    refused = OutboundEndpoints.refusal(address);
                    if (refused.isPresent()) {
                        break;
                    }
                }
            } catch (UnknownHostException e) {
                throw new DeliveryException("The FHIR endpoint could not be reached: host not found", false, e);
            }
        }
        if (refused.isPresent()) {
            throw new DeliveryException("The FHIR endpoint is refused: " + refused.get(), true);
        }
    }

    /**
     * The referral a status message is about, read as this channel rather than as its recipient: the recipient reads
     * it only if the message reaches it (found probing: every attempt, failed ones too, was audited as the GP system's
     * read). Only the referral's own sender is sent it.
     */
    private Referral statusOf(Notification n) {
        if (!(n.data().containsKey("taskId") && n.data().containsKey("referralId"))) {
            return null;
        }
        Caller reader = new Caller("system:fhir-messaging", Caller.Kind.USER, Set.of(Roles.ADMIN),
                n.area() == null ? Set.of() : Set.of(n.area()), false);
        return referrals.find(reader, n.data().get("referralId")).filter(r -> n.to().id().equals(r.senderId())).orElse(null);
    }

    private static Caller recipient(Notification n) {
        return new Caller(n.to().id(), Caller.Kind.CLIENT, Set.of(Roles.REFERRER), n.area() == null ? Set.of() : Set.of(n.area()), false);
    }

    Bundle message(Notification n, String endpoint, Referral current) {
        Bundle bundle = new Bundle();
        bundle.setId(fhirId(n.messageId()));
        bundle.setType(Bundle.BundleType.MESSAGE);
        bundle.setTimestamp(new Date());
        MessageHeader header = new MessageHeader();
        header.setId(fhirId(n.messageId()));
        header.getDestinationFirstRep().setEndpoint(endpoint);
        header.getSource().setName("Waymark social prescribing").setSoftware("Waymark")
                .setEndpoint(Objects.requireNonNullElse(FhirRequest.configuredBase(settings.baseUrl()), "urn:waymark"));
        bundle.addEntry().setFullUrl(urn(n.messageId() + "/header")).setResource(header);
        Resource focus;
        if (n.data().containsKey("taskId") && n.data().containsKey("referralId")) {
            header.setEvent(new Coding(BARS_EVENTS, "servicerequest-response", "ServiceRequest Response"));
            header.setReason(new CodeableConcept(new Coding(BARS_REASONS, "update", "Update")));
            // The Task (and its ServiceRequest) as they stood after this change, even when later changes happened
            // before delivery: their status, reason, episode code and outcome come from the notification's facts.
            var referral = current == null ? null : StatusSnapshot.of(current, n.data());
            Task task = referral == null ? new Task() : ReferralMapping.toTask(referral);
            task.setId(n.data().get("taskId"));
            task.setStatus(Task.TaskStatus.fromCode(n.data().get("status")));
            task.setStatusReason(n.data().containsKey("statusReason") ? new CodeableConcept().setText(n.data().get("statusReason")) : null);
            task.getMeta().setVersionId(n.data().get("version"));
            task.setIntent(Task.TaskIntent.ORDER);
            task.setFocus(new Reference("ServiceRequest/" + n.data().get("referralId")));
            if (referral != null) {
                ServiceRequest request = ReferralMapping.toServiceRequest(referral);
                String requestUrl = fullUrl("ServiceRequest", referral.id());
                bundle.addEntry().setFullUrl(requestUrl).setResource(request);
                // By the entry's fullUrl: without a configured base URL that is a urn:uuid, and "ServiceRequest/{id}"
                // would then name nothing in the message (the receiver's validator refused it).
                task.setFocus(new Reference(requestUrl));
            }
            focus = task;
            bundle.getEntry().add(1, new Bundle.BundleEntryComponent().setFullUrl(fullUrl("Task", task.getIdElement().getIdPart()))
                    .setResource(task));
        } else {
            header.setEvent(new Coding("https://waymark.org/fhir/CodeSystem/message-events", n.topic(), null));
            Communication communication = new Communication();
            communication.setId(fhirId(n.messageId()));
            communication.setStatus(Communication.CommunicationStatus.COMPLETED);
            communication.setSent(new Date());
            communication.addPayload().setContent(new StringType(n.text()));
            if (n.subject() != null) {
                communication.setTopic(new CodeableConcept().setText(n.subject()));
            }
            focus = communication;
            bundle.addEntry().setFullUrl(urn(n.messageId() + "/communication")).setResource(communication);
        }
        header.addFocus(new Reference(bundle.getEntry().get(1).getFullUrl()));
        return bundle;
    }

    private String fullUrl(String type, String id) {
        String base = FhirRequest.configuredBase(settings.baseUrl());
        return base == null ? urn(type + "/" + id) : base + "/" + type + "/" + id;
    }

    private static String urn(String name) {
        return "urn:uuid:" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The X-Correlation-Id of a notification's every attempt: a UUID, as the BaRS API requires of both its tracing
     * headers (a receiver checking that refused "referral-{id}-v2", which dead-lettered the message as a 4xx), and the
     * same for each retry of one message, so the receiver's logs tie the attempts together. X-Request-Id is new each time.
     */
    static String correlationId(String messageId) {
        return UUID.nameUUIDFromBytes(("correlation:" + messageId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** FHIR ids are at most 64 of [A-Za-z0-9.-]; longer or other message ids map to a stable UUID. */
    static String fhirId(String messageId) {
        return messageId.matches("[A-Za-z0-9.-]{1,64}") ? messageId : UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
