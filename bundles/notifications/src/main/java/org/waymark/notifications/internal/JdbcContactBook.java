package org.waymark.notifications.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/** Contact preferences and addresses per party; every change is audited. */
@Component(service = ContactBook.class)
public final class JdbcContactBook implements ContactBook {
    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;

    @Activate
    public JdbcContactBook(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                           @Reference(target = "(waymark.schema=org.waymark.notifications)") SchemaReady schema) {
        this(db, audit, Clock.systemUTC());
    }

    JdbcContactBook(DataSource db, AuditLog audit, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public ContactPreferences find(Party party) {
        return Jdbc.inTransaction(db, c -> find(c, party));
    }

    static ContactPreferences find(Connection c, Party party) throws SQLException {
        boolean doNotContact = false;
        String preferred = null;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT do_not_contact, preferred_channel FROM wm_contact WHERE party_kind = ? AND party_id = ?")) {
            s.setString(1, party.kind().name());
            s.setString(2, party.id());
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    doNotContact = r.getBoolean(1);
                    preferred = r.getString(2);
                }
            }
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT channel, address FROM wm_contact_address WHERE party_kind = ? AND party_id = ? ORDER BY channel")) {
            s.setString(1, party.kind().name());
            s.setString(2, party.id());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    addresses.put(r.getString(1), r.getString(2));
                }
            }
        }
        return new ContactPreferences(doNotContact, preferred, addresses);
    }

    @Override
    public void save(Caller caller, Party party, ContactPreferences preferences) {
        Jdbc.inTransaction(db, c -> {
            write(c, party, preferences);
            return null;
        });
        audited(caller, party);
    }

    /**
     * The change runs on the preferences as they are with the party's row locked (made first if the party has none),
     * so a concurrent update waits and then builds on this one: two partial PUTs at once each kept only their own
     * fields before, the other's were lost.
     */
    @Override
    public ContactPreferences update(Caller caller, Party party, UnaryOperator<ContactPreferences> change) {
        ContactPreferences saved = Jdbc.inTransaction(db, c -> {
            lock(c, party);
            ContactPreferences changed = change.apply(find(c, party));
            write(c, party, changed);
            return changed;
        });
        audited(caller, party);
        return saved;
    }

    private void lock(Connection c, Party party) throws SQLException {
        if (touch(c, party) > 0) {
            return;
        }
        boolean made = Jdbc.unlessDuplicate(c, connection -> {
            try (PreparedStatement s = connection.prepareStatement("INSERT INTO wm_contact (party_kind, party_id, "
                    + "do_not_contact, preferred_channel, updated_at) VALUES (?,?,?,?,?)")) {
                s.setString(1, party.kind().name());
                s.setString(2, party.id());
                s.setBoolean(3, false);
                s.setString(4, null);
                s.setTimestamp(5, Timestamp.from(clock.instant()));
                return s.executeUpdate();
            }
        }).isPresent();
        if (!made) {
            // Another transaction made the row first and has committed (its insert held us until then): lock it now.
            touch(c, party);
        }
    }

    /** An update that changes nothing but takes the row's write lock; answers whether the row is there. */
    private static int touch(Connection c, Party party) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE wm_contact SET updated_at = updated_at WHERE party_kind = ? AND party_id = ?")) {
            s.setString(1, party.kind().name());
            s.setString(2, party.id());
            return s.executeUpdate();
        }
    }

    private void write(Connection c, Party party, ContactPreferences preferences) throws SQLException {
        // Changed in place rather than deleted and made again: an update waiting on this row's lock then finds it.
        int changed;
        try (PreparedStatement s = c.prepareStatement("UPDATE wm_contact SET do_not_contact = ?, preferred_channel = ?, "
                + "updated_at = ? WHERE party_kind = ? AND party_id = ?")) {
            s.setBoolean(1, preferences.doNotContact());
            s.setString(2, preferences.preferredChannel());
            s.setTimestamp(3, Timestamp.from(clock.instant()));
            s.setString(4, party.kind().name());
            s.setString(5, party.id());
            changed = s.executeUpdate();
        }
        if (changed == 0) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_contact (party_kind, party_id, do_not_contact,"
                    + " preferred_channel, updated_at) VALUES (?,?,?,?,?)")) {
                s.setString(1, party.kind().name());
                s.setString(2, party.id());
                s.setBoolean(3, preferences.doNotContact());
                s.setString(4, preferences.preferredChannel());
                s.setTimestamp(5, Timestamp.from(clock.instant()));
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_contact_address WHERE party_kind = ? AND party_id = ?")) {
            s.setString(1, party.kind().name());
            s.setString(2, party.id());
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO wm_contact_address (party_kind, party_id, channel, address) VALUES (?,?,?,?)")) {
            for (Map.Entry<String, String> address : preferences.addresses().entrySet()) {
                s.setString(1, party.kind().name());
                s.setString(2, party.id());
                s.setString(3, address.getKey());
                s.setString(4, address.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private void audited(Caller caller, Party party) {
        audit.record(caller, AuditLog.Action.UPDATE, "ContactPreferences", party.kind().name() + "/" + party.id(),
                party.kind() == Party.Kind.PERSON ? party.id() : null);
    }
}
