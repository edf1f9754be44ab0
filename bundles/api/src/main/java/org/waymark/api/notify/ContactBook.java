package org.waymark.api.notify;

import java.util.function.UnaryOperator;
import org.waymark.api.security.Caller;

/** Parties' contact preferences and addresses. Changes are audited. */
public interface ContactBook {

    ContactPreferences find(Party party);

    void save(Caller caller, Party party, ContactPreferences preferences);

    /**
     * Changes a party's preferences from what they are at that moment, and answers what was saved. Two changes at once
     * (one adding an email, one a phone number) each build on the other, where a {@link #find} and then a
     * {@link #save} could lose one. This default is that find and save, for books without transactions; Waymark's
     * own book runs the change with the party's row locked.
     *
     * @since 1.2
     */
    default ContactPreferences update(Caller caller, Party party, UnaryOperator<ContactPreferences> change) {
        ContactPreferences changed = change.apply(find(party));
        save(caller, party, changed);
        return changed;
    }
}
