package org.waymark.api.security;

import java.sql.Connection;

/**
 * The trail of who read or changed which personal record. Every read and change of personal data goes through
 * {@link #record}; the trail is append-only.
 */
@org.osgi.annotation.versioning.ProviderType
public interface AuditLog {

    enum Action { READ, CREATE, UPDATE, DELETE, SEARCH, LOGIN, LOGIN_FAILED, ADMIN }

    /**
     * @param caller       who acted
     * @param action       what they did
     * @param resourceType e.g. {@code Patient}, {@code ServiceRequest}, {@code User}
     * @param resourceId   the record's id, or a short description of a search (never personal data)
     * @param patientId    the local patient the record belongs to, if any, so a person's trail can be listed
     */
    void record(Caller caller, Action action, String resourceType, String resourceId, String patientId);

    /**
     * Records inside the caller's transaction, so that the entry commits (or rolls back) with the change it describes,
     * and a change costs one commit rather than two. Implementations that cannot join the transaction record on
     * their own, as {@link #record(Caller, Action, String, String, String)} does.
     */
    default void record(Connection transaction, Caller caller, Action action, String resourceType, String resourceId,
                        String patientId) {
        record(caller, action, resourceType, resourceId, patientId);
    }
}
