package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.governance.PersonalDataContributor;
import org.waymark.api.referral.PatientReplacement;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;
import org.waymark.platform.db.RowIds;
import org.waymark.referrals.internal.governance.PersonalData;

/**
 * Merging two records of one person: everything held under the record that goes (referrals, outcome measures, earlier
 * details, and every other bundle's data through {@link PersonalDataContributor#merge}) moves to the record that stays,
 * in one transaction, and the record that went is removed. A reviewer's link in the linkage review queue is such a
 * merge of the record made for a doubtful referral; staff merge two established records when they find them later.
 *
 * <p>The record that stays keeps its own details; the other's are kept in its history, so nothing the person told
 * anyone is lost, and the stayer takes the other's NHS number only where that is better evidence than its own (it has
 * none, or only one that failed its check). Two different verified NHS numbers are two people: refused.
 */
@Component(service = PatientMerges.class)
public final class PatientMerges {
    private static final Logger LOG = LoggerFactory.getLogger(PatientMerges.class);
    /** Merges chained one after another (A into B, later B into C) are followed this far when collecting former ids. */
    private static final int MAX_CHAIN = 50;

    /** What a merge did: the referrals that moved and the pending reviews it answered. */
    public record Merged(String id, String fromPatientId, String intoPatientId, List<String> referralsMoved,
                         List<String> reviewsAnswered, boolean nhsNumberTaken, int otherRowsMoved, String mergedBy,
                         Instant mergedAt) {
    }

    private final DataSource db;
    private final AuditLog audit;
    private final PersonalData personalData;
    private final Clock clock;

    @Activate
    public PatientMerges(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                         @Reference PersonalData personalData,
                         @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db, audit, personalData, Clock.systemUTC());
    }

    PatientMerges(DataSource db, AuditLog audit, PersonalData personalData, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.personalData = personalData;
        this.clock = clock;
    }

    /** Merges {@code fromPatientId} into {@code intoPatientId}, both people of the caller's areas. */
    public Merged merge(Caller caller, String fromPatientId, String intoPatientId, String reason) {
        if (caller.isClient()) {
            throw WaymarkException.forbidden("Merging records is for link workers and admins");
        }
        if (intoPatientId == null || intoPatientId.isBlank()) {
            throw WaymarkException.invalid("into is required: the id of the record that stays");
        }
        if (reason == null || reason.isBlank()) {
            throw WaymarkException.invalid("reason is required: why these are one person (kept with the merge)");
        }
        Merged merged = Jdbc.inTransaction(db, c -> merge(c, caller, fromPatientId, intoPatientId.strip(), reason.strip(), null,
                Set.of(), clock.instant()));
        LOG.info("Patient {} merged into {} by {}: {} referral(s) moved", merged.fromPatientId(), merged.intoPatientId(),
                caller.id(), merged.referralsMoved().size());
        return merged;
    }

    /**
     * The merge inside the caller's transaction (the linkage review's link runs it in its own).
     *
     * @param reviewId         the linkage review that decided it, if any
     * @param alreadyDecided   referrals whose linkage decision the caller records itself
     */
    Merged merge(Connection c, Caller caller, String from, String into, String reason, String reviewId,
                 Set<String> alreadyDecided, Instant now) throws SQLException {
        // Both rows are locked before the referrals are read, so an intake or a correction of either person waits for
        // the merge to finish and every referral of the record that goes moves with it. A refusal below rolls the
        // locks back; an outsider learns nothing, not even that the two ids are the same.
        PatientRow stays = lock(c, into, now).orElseThrow(() -> notFound(into));
        PatientRow goes = lock(c, from, now).orElseThrow(() -> notFound(from));
        List<String[]> referrals = referralAreas(c, from);
        if (referrals.stream().noneMatch(r -> caller.mayAccessArea(r[1]))) {
            throw notFound(from);
        }
        if (from.equals(into)) {
            throw WaymarkException.unprocessable("A record cannot be merged into itself");
        }
        if (referralAreas(c, into).stream().noneMatch(r -> caller.mayAccessArea(r[1]))) {
            throw notFound(into);
        }
        List<String> outside = referrals.stream().map(r -> r[1]).filter(area -> !caller.mayAccessArea(area)).distinct().toList();
        if (!outside.isEmpty()) {
            throw WaymarkException.forbidden("This person also has referrals in areas you do not work in (" + String.join(", ", outside)
                    + "); an admin of every area concerned must merge them");
        }
        if (goes.verified() && stays.verified() && !goes.nhsNumber().equals(stays.nhsNumber())) {
            throw WaymarkException.unprocessable("The two records have different verified NHS numbers, so they are two people; "
                    + "if one number is wrong, correct it first");
        }
        List<String> answered = answeredReviews(c, from, into);
        List<String> moved = referrals.stream().map(r -> r[0]).toList();
        String note = PatientLinker.clip(reason, 500);
        keepDetailsInHistory(c, goes, into, "Merged from record " + from + ": " + note, caller, now);
        boolean nhsTaken = goes.nhsNumber() != null && (stays.nhsNumber() == null || goes.verified() && !stays.verified());
        if (nhsTaken) {
            takeNhsNumber(c, goes, stays, note, caller, now);
        }
        execute(c, "UPDATE wm_referral SET patient_id = ?, family_norm = (SELECT p.family_norm FROM wm_patient p WHERE p.id = ?), "
                + "version = version + 1, updated_at = ? WHERE patient_id = ?", into, into, Timestamp.from(now), from);
        int otherRows = execute(c, "UPDATE wm_measure_response SET patient_id = ? WHERE patient_id = ?", into, from)
                + execute(c, "UPDATE wm_patient_history SET patient_id = ? WHERE patient_id = ?", into, from)
                + execute(c, "UPDATE wm_linkage_review SET linked_patient_id = ? WHERE linked_patient_id = ?", into, from);
        otherRows += personalData.mergeContributions(c, new PersonalDataContributor.Merge(from, into));
        for (String review : answered) {
            LinkageReviews.decide(c, review, LinkageReviews.Status.PENDING, LinkageReviews.Status.LINKED, into, caller, now);
        }
        for (String referral : moved) {
            if (!alreadyDecided.contains(referral)) {
                LinkageRecords.decision(c, referral, into, "linked", "merge", null, note, caller.id(), now);
            }
        }
        // Reviews that offered the record that went offer the one that stays (once); the record then goes.
        execute(c, "UPDATE wm_linkage_candidate SET patient_id = ? WHERE patient_id = ? AND review_id NOT IN "
                + "(SELECT k.review_id FROM wm_linkage_candidate k WHERE k.patient_id = ?)", into, from, into);
        execute(c, "DELETE FROM wm_linkage_candidate WHERE patient_id = ?", from);
        execute(c, "DELETE FROM wm_patient WHERE id = ?", from);
        String id = RowIds.next();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_patient_merge (id, from_patient_id, into_patient_id, "
                + "referrals_moved, review_id, reason, merged_by, merged_at) VALUES (?,?,?,?,?,?,?,?)")) {
            s.setString(1, id);
            s.setString(2, from);
            s.setString(3, into);
            s.setInt(4, moved.size());
            s.setString(5, reviewId);
            s.setString(6, note);
            s.setString(7, PatientLinker.clip(caller.id(), 128));
            s.setTimestamp(8, Timestamp.from(now));
            s.executeUpdate();
        }
        for (String referral : moved) {
            audit.record(c, caller, AuditLog.Action.UPDATE, "ServiceRequest", referral + " merged", into);
        }
        audit.record(c, caller, AuditLog.Action.UPDATE, "Patient", into + " merged from " + from, into);
        audit.record(c, caller, AuditLog.Action.DELETE, "Patient", from + " merged into " + into, into);
        return new Merged(id, from, into, moved, List.copyOf(answered), nhsTaken, otherRows, caller.id(), now);
    }

    /**
     * Every id merged into this person, directly or through a chain of merges: the audit trail keeps the ids it was
     * written with, so whoever reads it for the person reads it for these too.
     */
    public static Set<String> formerIds(Connection c, String patientId) throws SQLException {
        Set<String> found = new LinkedHashSet<>();
        List<String> frontier = List.of(patientId);
        for (int depth = 0; depth < MAX_CHAIN && !frontier.isEmpty(); depth++) {
            List<String> next = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT from_patient_id FROM wm_patient_merge WHERE into_patient_id IN ("
                    + CaseRecords.parameterMarks(frontier.size()) + ")")) {
                for (int i = 0; i < frontier.size(); i++) {
                    s.setString(i + 1, frontier.get(i));
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        if (found.add(r.getString(1))) {
                            next.add(r.getString(1));
                        }
                    }
                }
            }
            frontier = next;
        }
        return found;
    }

    /**
     * The record a merged-away id's person is in now, following later merges of the record it went into; empty for
     * an id that was never merged away.
     */
    public static Optional<PatientReplacement> replacement(Connection c, String patientId) throws SQLException {
        String now = currentIds(c, List.of(patientId)).get(patientId);
        if (now.equals(patientId)) {
            return Optional.empty();
        }
        Timestamp mergedAt = CaseRecords.query(c, "SELECT merged_at FROM wm_patient_merge WHERE from_patient_id = ?",
                List.of(patientId), r -> r.getTimestamp(1)).get(0);
        return Optional.of(new PatientReplacement(patientId, now, mergedAt.toInstant()));
    }

    /**
     * The record each id now stands for: itself, or the record it was merged into (following chained merges), for
     * readers of records that keep the id they were written with (the audit trail): {@link #replacement} for many ids
     * at once, one statement per link of the chains rather than one per id.
     */
    static Map<String, String> currentIds(Connection c, Collection<String> patientIds) throws SQLException {
        Map<String, String> current = new HashMap<>();
        patientIds.forEach(id -> current.put(id, id));
        List<String> frontier = List.copyOf(current.keySet());
        for (int depth = 0; depth < MAX_CHAIN && !frontier.isEmpty(); depth++) {
            Map<String, String> into = new HashMap<>();
            for (String[] merge : CaseRecords.query(c, "SELECT from_patient_id, into_patient_id FROM wm_patient_merge"
                    + " WHERE from_patient_id IN (" + CaseRecords.parameterMarks(frontier.size()) + ")", frontier,
                    r -> new String[] {r.getString(1), r.getString(2)})) {
                into.put(merge[0], merge[1]);
            }
            current.replaceAll((id, now) -> into.getOrDefault(now, now));
            frontier = List.copyOf(new LinkedHashSet<>(into.values()));
        }
        return current;
    }

    /** Former ids of a person, in a transaction of their own. */
    public Set<String> formerIds(String patientId) {
        return Jdbc.inTransaction(db, c -> formerIds(c, patientId));
    }

    private record PatientRow(String id, String nhsNumber, boolean verified, long version) {
    }

    private static java.util.Optional<PatientRow> lock(Connection c, String id, Instant now) throws SQLException {
        if (execute(c, "UPDATE wm_patient SET version = version + 1, updated_at = ? WHERE id = ?", Timestamp.from(now), id) != 1) {
            return java.util.Optional.empty();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT nhs_number, nhs_verified, version FROM wm_patient WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                String nhs = r.getString(1);
                return java.util.Optional.of(new PatientRow(id, nhs == null ? null : nhs.strip(), nhs != null && r.getBoolean(2),
                        r.getLong(3)));
            }
        }
    }

    /** [referral id, area] of every referral of the person. */
    private static List<String[]> referralAreas(Connection c, String patientId) throws SQLException {
        List<String[]> referrals = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, area FROM wm_referral WHERE patient_id = ? ORDER BY created_at, id")) {
            s.setString(1, patientId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    referrals.add(new String[] {r.getString(1), r.getString(2)});
                }
            }
        }
        return referrals;
    }

    /**
     * Pending reviews the merge answers: the doubtful referral was on the record that goes (it now has its person), or
     * it is on the record that stays and the record that goes was its candidate.
     */
    private static List<String> answeredReviews(Connection c, String from, String into) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT v.id FROM wm_linkage_review v JOIN wm_referral r ON r.id = v.referral_id "
                + "WHERE v.status = ? AND (r.patient_id = ? OR (r.patient_id = ? AND EXISTS (SELECT 1 FROM wm_linkage_candidate k "
                + "WHERE k.review_id = v.id AND k.patient_id = ?)))")) {
            s.setString(1, LinkageReviews.Status.PENDING.code());
            s.setString(2, from);
            s.setString(3, into);
            s.setString(4, from);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        return ids;
    }

    /**
     * The details of the record that goes become an earlier state of the one that stays, as a correction's would,
     * labelled with the version they had (the lock has counted one more since).
     */
    private static void keepDetailsInHistory(Connection c, PatientRow goes, String into, String reason, Caller caller, Instant now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO wm_patient_history (id, patient_id, version, nhs_number, "
                + "nhs_verified, family, given, birth_date, birth_date_precision, gender, postcode, reason, changed_by, changed_at) "
                + "SELECT ?, ?, version - 1, nhs_number, nhs_verified, family, given, birth_date, birth_date_precision, gender, "
                + "postcode, ?, ?, ? "
                + "FROM wm_patient WHERE id = ?")) {
            s.setString(1, RowIds.next());
            s.setString(2, into);
            s.setString(3, PatientLinker.clip(reason, 500));
            s.setString(4, PatientLinker.clip(caller.id(), 128));
            s.setTimestamp(5, Timestamp.from(now));
            s.setString(6, goes.id());
            s.executeUpdate();
        }
    }

    private static void takeNhsNumber(Connection c, PatientRow goes, PatientRow stays, String reason, Caller caller, Instant now)
            throws SQLException {
        if (stays.nhsNumber() != null) {
            // The number it replaces stays in the history, as a correction's would.
            keepDetailsInHistory(c, stays, stays.id(), "NHS number replaced by the merged record's verified one: " + reason,
                    caller, now);
        }
        // The unique index on verified numbers allows one holder at a time: the record that goes lets go first.
        execute(c, "UPDATE wm_patient SET verified_nhs_number = NULL WHERE id = ?", goes.id());
        execute(c, "UPDATE wm_patient SET nhs_number = ?, nhs_verified = ?, verified_nhs_number = ? WHERE id = ?",
                goes.nhsNumber(), goes.verified(), goes.verified() ? goes.nhsNumber() : null, stays.id());
    }

    private static int execute(Connection c, String sql, Object... values) throws SQLException {
        // Arrays.asList, not List.of: a value may be null (an unverified NHS number has no verified copy).
        return PersonalDataContributor.execute(c, sql, java.util.Arrays.asList(values));
    }

    private static WaymarkException notFound(String patientId) {
        return WaymarkException.notFound("No person " + PatientLinker.clip(patientId, 64) + " in your areas");
    }
}
