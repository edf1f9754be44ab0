package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.Intake.PatientOutcome;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Referral;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * Several referrals received together (a FHIR transaction Bundle), stored all in one database transaction or not at
 * all. Referrals about the same person (one subject key) share one linkage; an identifier the sender already used
 * returns the stored referral, and its patient is the one the others of that person join.
 */
final class TransactionIntake {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionIntake.class);
    static final int MAX_REFERRALS = 50;

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;
    private final ReferralWriter writer;

    TransactionIntake(DataSource db, AuditLog audit, Clock clock, ReferralWriter writer) {
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.writer = writer;
    }

    List<Intake> receiveAll(Caller sender, String area, List<NewReferral> referrals) {
        if (referrals.isEmpty()) {
            throw WaymarkException.invalid("The transaction holds no referral");
        }
        if (referrals.size() > MAX_REFERRALS) {
            throw WaymarkException.unprocessable("A transaction may hold at most " + MAX_REFERRALS + " referrals");
        }
        Set<String> identifiers = new HashSet<>();
        for (NewReferral referral : referrals) {
            ReferralWriter.requireStorableIdentity(referral);
            if (referral.identifierSystem() != null && referral.identifierValue() != null
                    && !identifiers.add(referral.identifierSystem() + "|" + referral.identifierValue())) {
                throw WaymarkException.invalid("Two referrals in the transaction share the identifier "
                        + PatientLinker.clip(referral.identifierSystem() + "|" + referral.identifierValue(), 120));
            }
        }
        try {
            return attempt(sender, area, referrals);
        } catch (ReferralWriter.DuplicateIdentifier concurrentRetry) {
            // A copy of this transaction committed first; now its referrals exist and are answered as retries.
            try {
                return attempt(sender, area, referrals);
            } catch (ReferralWriter.DuplicateIdentifier again) {
                throw WaymarkException.conflict("The same referrals are being received in another request; retry shortly");
            }
        }
    }

    private record Outcome(Referral referral, boolean created, PatientLinker.Link link) {
    }

    /** What the transaction stored or found, and the patient records its referrals link to, by id. */
    private record Received(List<Outcome> outcomes, Map<String, Patient> patients) {
    }

    private List<Intake> attempt(Caller sender, String area, List<NewReferral> referrals) {
        Received received = Jdbc.inTransaction(db, c -> {
            Instant now = clock.instant();
            Referral[] existing = new Referral[referrals.size()];
            Map<String, PatientLinker.Link> linkOfSubject = new HashMap<>();
            for (int i = 0; i < referrals.size(); i++) {
                NewReferral referral = referrals.get(i);
                Optional<Referral> retried = referral.identifierSystem() == null || referral.identifierValue() == null
                        ? Optional.empty()
                        : JdbcReferralService.queryOne(c, "r.sender_id = ? AND r.identifier_system = ? AND r.identifier_value = ?",
                        List.of(sender.id(), referral.identifierSystem(), referral.identifierValue()));
                if (retried.isPresent()) {
                    existing[i] = retried.get();
                    String key = referral.subject().key();
                    if (key != null) {
                        linkOfSubject.putIfAbsent(key, PatientLinker.Link.referrerReference(retried.get().patientId()));
                    }
                }
            }
            List<Outcome> result = new ArrayList<>();
            for (int i = 0; i < referrals.size(); i++) {
                NewReferral referral = referrals.get(i);
                if (existing[i] != null) {
                    result.add(new Outcome(existing[i], false, null));
                    continue;
                }
                String key = referral.subject().key();
                ReferralWriter.Stored stored = writer.store(c, sender, area, referral, key == null ? null : linkOfSubject.get(key), now);
                if (key != null) {
                    linkOfSubject.putIfAbsent(key, stored.link());
                }
                Referral created = JdbcReferralService.queryOne(c, "r.id = ?", List.of(stored.referralId())).orElseThrow();
                audit.record(c, sender, AuditLog.Action.CREATE, "ServiceRequest", created.id(), created.patientId());
                result.add(new Outcome(created, true, stored.link()));
            }
            return new Received(result, patientRecords(c, result));
        });
        List<Intake> intakes = new ArrayList<>();
        int created = 0;
        for (Outcome outcome : received.outcomes()) {
            Patient patientRecord = received.patients().get(outcome.referral().patientId());
            if (outcome.created()) {
                created++;
                intakes.add(new Intake(outcome.referral(), true, outcome.link().warnings(), outcome.link().outcome(), patientRecord));
            } else {
                intakes.add(new Intake(outcome.referral(), false, List.of(), PatientOutcome.MATCHED, patientRecord));
            }
        }
        LOG.debug("Transaction from {} for area {}: {} referrals received, {} already held", sender.id(), area, created,
                intakes.size() - created);
        return intakes;
    }

    /**
     * The answer has an entry for each Patient of the transaction, with the stored record's location and version:
     * read here, in the transaction that linked them, rather than by a scoped and audited search per entry afterwards
     * (a transaction for the search and another for its audit row: about 15% of the CPU of a transaction Bundle).
     */
    private static Map<String, Patient> patientRecords(Connection c, List<Outcome> outcomes) throws SQLException {
        Map<String, Patient> records = new HashMap<>();
        for (Outcome outcome : outcomes) {
            String patientId = outcome.referral().patientId();
            if (!records.containsKey(patientId)) {
                records.put(patientId, patient(c, patientId));
            }
        }
        return records;
    }

    private static Patient patient(Connection c, String patientId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ReferralRows.PATIENT_COLUMNS + " FROM wm_patient p WHERE p.id = ?")) {
            s.setString(1, patientId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new IllegalStateException("A referral's patient record is missing");
                }
                return ReferralRows.patient(r);
            }
        }
    }
}
