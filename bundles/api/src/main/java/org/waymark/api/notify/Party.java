package org.waymark.api.notify;

import java.util.Objects;

/**
 * Someone a notification is for.
 *
 * @param kind the sort of party, which decides who may change its contact details and which channels can apply
 * @param id   a patient id (PERSON), a client id (ORGANISATION: the system that sent a referral), a user name
 *             (STAFF) or a role name (TEAM, within the notification's area, e.g. {@code safeguarding-lead})
 */
public record Party(Kind kind, String id) {
    public enum Kind { PERSON, ORGANISATION, STAFF, TEAM }

    public Party {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Party person(String patientId) {
        return new Party(Kind.PERSON, patientId);
    }

    public static Party organisation(String clientId) {
        return new Party(Kind.ORGANISATION, clientId);
    }

    public static Party staff(String userName) {
        return new Party(Kind.STAFF, userName);
    }

    public static Party team(String role) {
        return new Party(Kind.TEAM, role);
    }
}
