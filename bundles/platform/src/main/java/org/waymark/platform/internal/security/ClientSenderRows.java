package org.waymark.platform.internal.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.waymark.api.security.SenderIdentities;

/** A machine client's sender identities in {@code wm_client_sender}, read and written in the caller's transaction. */
final class ClientSenderRows {
    private static final String ENDPOINT = "endpoint";
    private static final String ODS = "ods";

    private ClientSenderRows() {
    }

    static SenderIdentities.Registered read(Connection c, String clientId) throws SQLException {
        Set<String> endpoints = new HashSet<>();
        Set<String> odsCodes = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT kind, sender FROM wm_client_sender WHERE client_id = ?")) {
            s.setString(1, clientId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    (ENDPOINT.equals(r.getString(1)) ? endpoints : odsCodes).add(r.getString(2));
                }
            }
        }
        return new SenderIdentities.Registered(endpoints, odsCodes);
    }

    static void replace(Connection c, String clientId, SenderIdentities.Registered senders) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM wm_client_sender WHERE client_id = ?")) {
            s.setString(1, clientId);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_client_sender (client_id, kind, sender) VALUES (?,?,?)")) {
            for (String endpoint : senders.endpoints()) {
                add(s, clientId, ENDPOINT, endpoint);
            }
            for (String code : senders.odsCodes()) {
                add(s, clientId, ODS, code);
            }
            s.executeBatch();
        }
    }

    private static void add(PreparedStatement s, String clientId, String kind, String sender) throws SQLException {
        s.setString(1, clientId);
        s.setString(2, kind);
        s.setString(3, sender);
        s.addBatch();
    }
}
