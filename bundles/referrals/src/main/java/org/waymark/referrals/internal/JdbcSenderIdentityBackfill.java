package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.governance.PersonalDataContributor;
import org.waymark.api.referral.BusinessIdentifier;
import org.waymark.api.referral.SenderIdentityBackfill;
import org.waymark.platform.db.Jdbc;

/** The queue of BaRS referrals whose sender identities are still to be read from their kept messages (changeset 14). */
@Component(service = SenderIdentityBackfill.class)
public final class JdbcSenderIdentityBackfill implements SenderIdentityBackfill {
    private final DataSource db;

    @Activate
    public JdbcSenderIdentityBackfill(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                                      @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db);
    }

    JdbcSenderIdentityBackfill(DataSource db) {
        this.db = db;
    }

    @Override
    public List<Pending> pending(int max) {
        return Jdbc.inTransaction(db, c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT referral_id FROM wm_identity_backfill ORDER BY referral_id")) {
                s.setMaxRows(max);
                try (var r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
            }
            List<Pending> pending = new ArrayList<>();
            for (String id : ids) {
                pending.add(SourceDocuments.read(c, id).map(d -> new Pending(id, d.mediaType(), d.text()))
                        .orElse(new Pending(id, null, null)));
            }
            return pending;
        });
    }

    @Override
    public boolean complete(String referralId, String senderRequestId, List<BusinessIdentifier> businessIdentifiers) {
        List<BusinessIdentifier> identifiers = businessIdentifiers == null ? List.of() : businessIdentifiers;
        return Jdbc.inTransaction(db, c -> {
            // Taking the row off the queue first locks it: a second node completing the same referral waits here, then
            // finds nothing to take and leaves the referral as the first one made it.
            if (update(c, "DELETE FROM wm_identity_backfill WHERE referral_id = ?", referralId) == 0) {
                return false;
            }
            if (senderRequestId != null) {
                update(c, "UPDATE wm_referral SET sender_request_id = ? WHERE id = ? AND sender_request_id IS NULL",
                        senderRequestId, referralId);
            }
            if (!identifiers.isEmpty() && fits(identifiers) && update(c, "UPDATE wm_referral SET business_identifiers = ? "
                    + "WHERE id = ? AND business_identifiers IS NULL", BusinessIdentifiers.encode(identifiers), referralId) == 1) {
                BusinessIdentifiers.store(c, referralId, identifiers);
            }
            return true;
        });
    }

    /**
     * Whether intake would keep these identifiers: a message received before it checked them may carry more or longer
     * ones, which are then left out whole (a cut one would never be found by the value its sender searches).
     */
    private static boolean fits(List<BusinessIdentifier> identifiers) {
        return BusinessIdentifiers.whyNotStorable(identifiers).isEmpty();
    }

    private static int update(Connection c, String sql, String... values) throws SQLException {
        return PersonalDataContributor.execute(c, sql, List.of(values));
    }
}
