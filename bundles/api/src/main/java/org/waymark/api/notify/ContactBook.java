package org.waymark.api.notify;

import org.waymark.api.security.Caller;

/** Parties' contact preferences and addresses. Changes are audited. */
public interface ContactBook {

    ContactPreferences find(Party party);

    void save(Caller caller, Party party, ContactPreferences preferences);
}
