package org.waymark.itests;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A small BaRS referral message in JSON, for the cases the official examples do not show (another patient in the
 * message, a focus that names the wrong thing, a ServiceRequest renamed between messages). Each builder is one
 * message; its parts default to a valid new referral from the given source endpoint.
 */
final class BarsJsonMessage {
    static final String EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars";

    private final String endpoint;
    private String id = UUID.randomUUID().toString();
    private String reason = "new";
    private String status = "active";
    private String fullUrl = "urn:uuid:" + UUID.randomUUID();
    private String requestId;
    private String event = "{\"system\":\"" + EVENTS + "\",\"code\":\"servicerequest-request\"}";
    private String focus;
    private final String nhsNumber = TestData.validNhsNumber();
    private final List<String> extraEntries = new ArrayList<>();

    BarsJsonMessage(String endpoint) {
        this.endpoint = endpoint;
    }

    BarsJsonMessage reason(String code, String serviceRequestStatus) {
        this.reason = code;
        this.status = serviceRequestStatus;
        this.id = UUID.randomUUID().toString();
        return this;
    }

    BarsJsonMessage serviceRequest(String entryFullUrl, String resourceId) {
        this.fullUrl = entryFullUrl;
        this.requestId = resourceId;
        return this;
    }

    /** The eventCoding as JSON, or null for none. */
    BarsJsonMessage event(String eventCoding) {
        this.event = eventCoding;
        return this;
    }

    /** MessageHeader.focus as a JSON array, or "" for none; by default the ServiceRequest entry. */
    BarsJsonMessage focus(String focusArray) {
        this.focus = focusArray;
        return this;
    }

    BarsJsonMessage withEntry(String entry) {
        extraEntries.add(entry);
        return this;
    }

    String fullUrl() {
        return fullUrl;
    }

    /** The value of the ServiceRequest's own identifier (system https://gp.example/referrals): the sender's case number. */
    String caseNumber() {
        return id;
    }

    String json() {
        String foci = focus == null ? "[{\"reference\":\"" + fullUrl + "\"}]" : focus;
        List<String> entries = new ArrayList<>();
        entries.add("{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":{\"resourceType\":\"MessageHeader\","
                + (event == null ? "" : "\"eventCoding\":" + event + ",")
                + "\"reason\":{\"coding\":[{\"system\":\"https://fhir.nhs.uk/CodeSystem/message-reason-bars\",\"code\":\"" + reason + "\"}]},"
                + "\"source\":{\"endpoint\":\"" + endpoint + "\"}" + (foci.isEmpty() ? "" : ",\"focus\":" + foci) + "}}");
        entries.add("{\"fullUrl\":\"" + fullUrl + "\",\"resource\":{\"resourceType\":\"ServiceRequest\","
                + (requestId == null ? "" : "\"id\":\"" + requestId + "\",")
                + "\"identifier\":[{\"system\":\"https://gp.example/referrals\",\"value\":\"" + id + "\"}],"
                + "\"status\":\"" + status + "\",\"intent\":\"plan\",\"subject\":{\"reference\":\"urn:uuid:p1\"},"
                + "\"reasonCode\":[{\"text\":\"Lonely since moving\"}],\"requester\":{\"display\":\"Dr Example\"}}}");
        entries.add("{\"fullUrl\":\"urn:uuid:p1\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                + "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"" + nhsNumber + "\"}],\"name\":[{\"family\":\"Example\","
                + "\"given\":[\"Sam\"]}],\"birthDate\":\"1950-05-01\",\"gender\":\"female\"}}");
        entries.addAll(extraEntries);
        return "{\"resourceType\":\"Bundle\",\"id\":\"" + id + "\",\"type\":\"message\",\"timestamp\":\"2026-01-05T10:00:00+00:00\","
                + "\"entry\":[" + String.join(",", entries) + "]}";
    }

    /** A second Patient entry, nobody the referral is about. */
    static String otherPatient(String fullUrl) {
        return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":"
                + "\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"" + TestData.validNhsNumber() + "\"}],"
                + "\"name\":[{\"family\":\"Other\"}]}}";
    }

    /** An active safeguarding Flag about the given patient entry. */
    static String safeguardingFlag(String fullUrl, String subject) {
        return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":{\"resourceType\":\"Flag\",\"status\":\"active\",\"category\":[{"
                + "\"coding\":[{\"system\":\"https://fhir.nhs.uk/CodeSystem/flag-categories-bars\",\"code\":\"SG\"}]}],"
                + "\"code\":{\"text\":\"Safeguarding concern\"},\"subject\":{\"reference\":\"" + subject + "\"}}}";
    }
}
