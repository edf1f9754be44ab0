package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.DeliveryException;
import org.waymark.api.notify.Notification;
import org.waymark.api.notify.Party;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;

class FhirMessageChannelTest {
    private static final Fhir FHIR = new Fhir();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> tracing = new CopyOnWriteArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);
    private HttpServer receiver;
    private FhirMessageChannel channel;
    private ContactPreferences endpoint;
    private ReferralService referrals;
    private final List<String> audited = new CopyOnWriteArrayList<>();
    private final org.waymark.api.security.AuditLog audit = (caller, action, type, id, patient) ->
            audited.add(caller.id() + " " + action + " " + type + " " + id + " " + patient);

    @BeforeEach
    void setUp() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/fhir/$process-message", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            tracing.add(exchange.getRequestHeaders().getFirst("X-Request-Id") + " " + exchange.getRequestHeaders().getFirst("X-Correlation-Id"));
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        receiver.start();
        endpoint = new ContactPreferences(false, null,
                Map.of("fhir", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/fhir/$process-message"));
        Referral stored = new Referral("r1", "t1", "p1", null, null, "gp-sheffield", "sheffield", "https://gp.example/ref",
                "R1", ReferralStatus.IN_PROGRESS, null, "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"),
                "Dr X", null, "sam", 3, Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-02T10:00:00Z"));
        referrals = (ReferralService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ReferralService.class}, (proxy, method, args) -> method.getName().equals("find")
                        && ((org.waymark.api.security.Caller) args[0]).areas().contains("sheffield") && "r1".equals(args[1])
                        ? Optional.of(stored) : Optional.empty());
        channel = new FhirMessageChannel(FHIR, new FhirSettings(new FhirSettings.Config() {
            @Override public Class<? extends Annotation> annotationType() { return FhirSettings.Config.class; }
            @Override public String baseUrl() { return "https://waymark.example"; }
        }), referrals, audit);
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
    }

    private static Notification accepted() {
        return new Notification("referral-r1-v2", Party.organisation("gp-sheffield"), "sheffield", "referral.status",
                "Referral R1 is now accepted", "The social prescribing referral R1 is now accepted.",
                Map.of("referralId", "r1", "taskId", "t1", "status", "accepted", "version", "2"));
    }

    @Test
    void aStatusChangeIsSentAsAResponseMessageWithTheTaskAsItWasThen() throws Exception {
        assertThat(channel.canReach(accepted(), endpoint)).isTrue();
        assertThat(channel.send(accepted(), endpoint).receipt()).isEqualTo("HTTP 200");

        Bundle message = FHIR.parse(FhirFormat.JSON, received.get(0), Bundle.class);
        assertThat(message.getType()).isEqualTo(Bundle.BundleType.MESSAGE);
        assertThat(message.getIdElement().getIdPart()).isEqualTo("referral-r1-v2");
        MessageHeader header = (MessageHeader) message.getEntryFirstRep().getResource();
        assertThat(header.getEventCoding().getCode()).isEqualTo("servicerequest-response");
        assertThat(header.getSource().getEndpoint()).isEqualTo("https://waymark.example/fhir");
        Task task = (Task) message.getEntry().get(1).getResource();
        assertThat(message.getEntry().get(1).getFullUrl()).isEqualTo("https://waymark.example/fhir/Task/t1");
        assertThat(header.getFocusFirstRep().getReference()).isEqualTo("https://waymark.example/fhir/Task/t1");
        assertThat(task.getStatus()).as("the state of this change, not the latest").isEqualTo(Task.TaskStatus.ACCEPTED);
        assertThat(task.getMeta().getVersionId()).isEqualTo("2");
        assertThat(task.getFocus().getReference()).isEqualTo("https://waymark.example/fhir/ServiceRequest/r1");
        assertThat(message.getEntry().get(2).getFullUrl()).isEqualTo(task.getFocus().getReference());
    }

    /**
     * Found probing the closed loop: accepted, in progress, on hold and completed in quick succession reached the GP as
     * four messages whose Tasks all carried the completion's outcome (and the ServiceRequest as completed), as they
     * were built from the referral as it stood at delivery.
     */
    @Test
    void aMessageDeliveredAfterLaterChangesShowsTheTaskOfItsOwnChange() throws Exception {
        Referral closed = new Referral("r9", "t9", "p1", null, null, "gp-sheffield", "sheffield", "https://gp.example/ref",
                "R9", ReferralStatus.COMPLETED, null, "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"),
                "Dr X", null, "sam", 6, Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-05T10:00:00Z"),
                "Joined a walking group", "871731000000106");
        ReferralService later = (ReferralService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ReferralService.class}, (proxy, method, args) -> Optional.of(closed));
        FhirMessageChannel sender = new FhirMessageChannel(FHIR, new FhirSettings(new FhirSettings.Config() {
            @Override public Class<? extends Annotation> annotationType() { return FhirSettings.Config.class; }
            @Override public String baseUrl() { return "https://waymark.example"; }
        }), later, audit);
        Map<String, String> onHold = Map.of("referralId", "r9", "taskId", "t9", "status", "on-hold", "statusReason",
                "In hospital", "version", "4", "episodeCode", "871731000000106", "lastUpdated", "2026-01-03T09:00:00Z");
        sender.send(new Notification("referral-r9-v4", Party.organisation("gp-sheffield"), "sheffield", "referral.status",
                "Referral R9 is now on hold", "On hold", onHold), endpoint);

        Bundle message = FHIR.parse(FhirFormat.JSON, received.get(0), Bundle.class);
        Task task = (Task) message.getEntry().get(1).getResource();
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(task.getStatusReason().getText()).isEqualTo("In hospital");
        assertThat(task.getOutput()).as("the acceptance code, not the later outcome").singleElement()
                .satisfies(o -> assertThat(((org.hl7.fhir.r4.model.CodeableConcept) o.getValue()).getCodingFirstRep().getCode())
                        .isEqualTo("871731000000106"));
        assertThat(task.getLastModified()).isEqualTo(java.util.Date.from(Instant.parse("2026-01-03T09:00:00Z")));
        ServiceRequest request = (ServiceRequest) message.getEntry().get(2).getResource();
        assertThat(request.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(request.getMeta().getVersionId()).isEqualTo("4");
    }

    /** Found by a receiver's validator: the Task's focus named "ServiceRequest/r1" where the entry was a urn:uuid. */
    @Test
    void withoutABaseUrlTheTaskFocusesOnTheServiceRequestEntryOfTheMessage() throws Exception {
        FhirMessageChannel noBase = new FhirMessageChannel(FHIR, new FhirSettings(new FhirSettings.Config() {
            @Override public Class<? extends Annotation> annotationType() { return FhirSettings.Config.class; }
            @Override public String baseUrl() { return ""; }
        }), referrals, audit);
        assertThat(noBase.send(accepted(), endpoint).receipt()).isEqualTo("HTTP 200");

        Bundle message = FHIR.parse(FhirFormat.JSON, received.get(0), Bundle.class);
        Task task = (Task) message.getEntry().get(1).getResource();
        assertThat(message.getEntry().get(2).getResource()).isInstanceOf(ServiceRequest.class);
        assertThat(message.getEntry().get(2).getFullUrl()).startsWith("urn:uuid:").isEqualTo(task.getFocus().getReference());
    }

    /** Found probing the audit trail: every attempt, failed ones too, was audited as the GP system's read. */
    @Test
    void theSenderIsAuditedAsReadingTheReferralOnlyOnceTheMessageReachedIt() throws Exception {
        answer.set(503);
        assertThatThrownBy(() -> channel.send(accepted(), endpoint)).isInstanceOf(DeliveryException.class);
        receiver.stop(0);
        assertThatThrownBy(() -> channel.send(accepted(), endpoint)).isInstanceOf(DeliveryException.class);
        assertThat(audited).isEmpty();

        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/fhir/$process-message", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            tracing.add(exchange.getRequestHeaders().getFirst("X-Request-Id") + " " + exchange.getRequestHeaders().getFirst("X-Correlation-Id"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        ContactPreferences up = new ContactPreferences(false, null,
                Map.of("fhir", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/fhir/$process-message"));
        channel.send(accepted(), up);

        assertThat(audited).containsExactly("gp-sheffield READ ServiceRequest r1 p1");
    }

    @Test
    void anotherOrganisationIsNeverSentTheReferral() throws Exception {
        Notification elsewhere = new Notification("referral-r1-v2-other", Party.organisation("gp-other"), "sheffield",
                "referral.status", "Referral R1 is now accepted", "Accepted",
                Map.of("referralId", "r1", "taskId", "t1", "status", "accepted", "version", "2"));
        channel.send(elsewhere, endpoint);

        Bundle message = FHIR.parse(FhirFormat.JSON, received.get(0), Bundle.class);
        assertThat(message.getEntry()).extracting(e -> e.getResource().fhirType()).doesNotContain("ServiceRequest");
        assertThat(audited).isEmpty();
    }

    @Test
    void serverErrorsAreRetriedAndRefusalsAreNot() {
        answer.set(503);
        assertThatThrownBy(() -> channel.send(accepted(), endpoint))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isFalse());
        answer.set(400);
        assertThatThrownBy(() -> channel.send(accepted(), endpoint))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isTrue());
    }

    /**
     * Found probing: X-Correlation-Id was the message id ("referral-r1-v2"), where the BaRS API has both tracing headers
     * be UUIDs; a receiver that checks refused the message with a 400, and a refusal is dead-lettered.
     */
    @Test
    void tracingHeadersAreUuidsTheCorrelationOneStableAcrossAttempts() throws Exception {
        answer.set(503);
        assertThatThrownBy(() -> channel.send(accepted(), endpoint)).isInstanceOf(DeliveryException.class);
        answer.set(200);
        channel.send(accepted(), endpoint);
        String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
        assertThat(tracing).hasSize(2).allMatch(t -> t.matches(uuid + " " + uuid));
        assertThat(tracing.get(0).split(" ")[1]).isEqualTo(tracing.get(1).split(" ")[1]);
        assertThat(tracing.get(0).split(" ")[0]).isNotEqualTo(tracing.get(1).split(" ")[0]);
    }

    @Test
    void anUnreachableEndpointIsRetried() {
        receiver.stop(0);
        assertThatThrownBy(() -> channel.send(accepted(), endpoint))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.permanent()).isFalse());
    }

    @Test
    void otherTopicsTravelAsACommunication() throws Exception {
        channel.send(new Notification("directory-check-42", Party.organisation("lunch-club"), "sheffield", "directory.check",
                "Are your details still right?", "Please check your listing.", Map.of()), endpoint);
        Bundle message = FHIR.parse(FhirFormat.JSON, received.get(0), Bundle.class);
        assertThat(message.getEntry().get(1).getResource().fhirType()).isEqualTo("Communication");
    }

    @Test
    void longMessageIdsBecomeStableFhirIds() {
        String longId = "x".repeat(100);
        assertThat(FhirMessageChannel.fhirId(longId)).isEqualTo(FhirMessageChannel.fhirId(longId)).hasSize(36);
    }

    @Test
    void aPersonIsNeverSentAFhirMessageEvenWithAnEndpointStoredBeforeThatWasRefused() {
        Notification toPerson = new Notification("referral-r1-accepted", Party.person("p1"), "sheffield", "referral.accepted",
                "Your referral", "Accepted", Map.of());
        assertThat(channel.canReach(toPerson, endpoint)).isFalse();
    }

    @Test
    void aLinkLocalEndpointIsRefusedForGoodAndAnUnreachableOneIsToldInPlainWords() throws Exception {
        ContactPreferences metadata = new ContactPreferences(false, null, Map.of("fhir", "http://169.254.169.254/latest/meta-data/"));
        assertThatThrownBy(() -> channel.send(accepted(), metadata)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.permanent()).isTrue();
            assertThat(e.getMessage()).contains("link-local");
        });
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ContactPreferences down = new ContactPreferences(false, null, Map.of("fhir", "http://127.0.0.1:" + closed + "/fhir"));
        assertThatThrownBy(() -> channel.send(accepted(), down)).isInstanceOfSatisfying(DeliveryException.class, e -> {
            assertThat(e.permanent()).isFalse();
            assertThat(e.getMessage()).isEqualTo("The FHIR endpoint could not be reached: connection refused");
        });
    }
}
