package org.waymark.referrals.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.security.Caller;

final class MapContactBook implements ContactBook {
    private final Map<Party, ContactPreferences> entries = new ConcurrentHashMap<>();

    @Override
    public ContactPreferences find(Party party) {
        return entries.getOrDefault(party, ContactPreferences.NONE);
    }

    @Override
    public void save(Caller caller, Party party, ContactPreferences preferences) {
        entries.put(party, preferences);
    }
}
