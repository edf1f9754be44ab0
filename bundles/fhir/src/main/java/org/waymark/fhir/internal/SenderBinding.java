package org.waymark.fhir.internal;

import java.util.Collection;
import java.util.function.Supplier;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.security.SenderIdentities;

/**
 * Holds a machine client to the sender identities it is registered with, so that one GP system cannot send as
 * another: a BaRS message's source endpoint must be one of its endpoints, and an ODS code it names for the sending
 * organisation one of its ODS codes (when it has any: a client registered without ODS codes is not bound by them).
 * People and any-sender clients (integration tests sending the official examples) are not bound.
 */
final class SenderBinding {
    private final SenderIdentities identities;

    /** A refusal because the client claims an identity it is not registered with: 403. */
    static final class NotRegistered extends WaymarkException {
        NotRegistered(String message) {
            super(Kind.FORBIDDEN, message);
        }
    }

    SenderBinding(SenderIdentities identities) {
        this.identities = identities;
    }

    static boolean isBound(Caller caller) {
        return caller.isClient() && !caller.anySender();
    }

    /** A BaRS message: its source endpoint and the ODS codes it names its sending organisation by. */
    void requireMessageSender(Caller caller, BarsMessage message) {
        if (!isBound(caller)) {
            return;
        }
        SenderIdentities.Registered registered = identities.of(caller.id());
        String endpoint = message.declaredEndpoint();
        String howToRegister = "an administrator registers it with: ./waymark client-senders " + caller.id() + " --endpoint URL";
        if (registered.endpoints().isEmpty()) {
            throw new NotRegistered("Client " + caller.id() + " has no registered message source endpoint, so it cannot "
                    + "send BaRS messages; " + howToRegister);
        }
        if (endpoint == null) {
            throw new NotRegistered("Client " + caller.id() + " must name one of its registered endpoints in "
                    + "MessageHeader.source.endpoint");
        }
        if (!registered.hasEndpoint(endpoint)) {
            throw new NotRegistered("MessageHeader.source.endpoint " + shown(endpoint)
                    + " is not registered for client " + caller.id() + "; if it is this client's, " + howToRegister);
        }
        requireOds(caller, registered, message.sendingOdsCodes());
    }

    /** A referral sent without a message: only the ODS codes it names for its requester. */
    void requireOdsCodes(Caller caller, Collection<String> named) {
        requireOdsCodes(caller, () -> named);
    }

    /**
     * As {@link #requireOdsCodes(Caller, Collection)}, the codes found only for a bound client: intake from unbound
     * clients (the demo and test senders, people) does not look for them at all.
     */
    void requireOdsCodes(Caller caller, Supplier<Collection<String>> named) {
        if (!isBound(caller)) {
            return;
        }
        Collection<String> codes = named.get();
        if (!codes.isEmpty()) {
            requireOds(caller, identities.of(caller.id()), codes);
        }
    }

    /**
     * The endpoint as the refusal names it: a URL's user information and query (where a sender may have put a
     * password or key) are left out, so an error answer or a log line never carries them.
     */
    static String shown(String endpoint) {
        String shown = endpoint;
        int scheme = shown.indexOf("://");
        int at = shown.indexOf('@');
        int path = scheme < 0 ? -1 : shown.indexOf('/', scheme + 3);
        if (scheme >= 0 && at > scheme && (path < 0 || at < path)) {
            shown = shown.substring(0, scheme + 3) + "\u2026@" + shown.substring(at + 1);
        }
        int query = shown.indexOf('?');
        if (query >= 0) {
            shown = shown.substring(0, query) + "?\u2026";
        }
        return "'" + Messages.safe(shown) + "'";
    }

    private static void requireOds(Caller caller, SenderIdentities.Registered registered, Collection<String> named) {
        if (registered.odsCodes().isEmpty()) {
            return;
        }
        for (String code : named) {
            if (!registered.hasOdsCode(code)) {
                throw new NotRegistered("The sending organisation's ODS code '" + Messages.safe(code)
                        + "' is not registered for client " + caller.id() + "; an administrator adds it with: "
                        + "./waymark client-senders " + caller.id() + " --ods CODE (with the client's other codes and endpoints)");
            }
        }
    }
}
