package org.waymark.referrals.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.waymark.api.referral.Page;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * The linkage review queue: referrals whose patient match a person must confirm, for the link workers and admins of
 * the referral's area. A decision either links the referral to one of the candidates (the record created for it
 * meanwhile is merged into that patient: see {@link PatientMerges}) or keeps it apart; a person kept apart who turns
 * out later to be the candidate after all is merged the same way.
 */
@Component(service = LinkageReviews.class)
public final class LinkageReviews {
    private static final Logger LOG = LoggerFactory.getLogger(LinkageReviews.class);

    public enum Status {
        PENDING("pending"), LINKED("linked"), KEPT_APART("kept-apart");

        private final String code;

        Status(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        static Optional<Status> fromCode(String code) {
            for (Status status : values()) {
                if (status.code.equals(code)) {
                    return Optional.of(status);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A person as a reviewer compares them: no more than the linkage rules look at.
     *
     * @param birthDate as FHIR writes it, at the precision known: 1950, 1950-05 or 1950-05-01
     */
    public record Person(String patientId, String nhsNumber, Boolean nhsNumberVerified, String family, String given,
                         String birthDate, String gender, String postcode) {
    }

    /** @param birthDate as in {@link Person} */
    public record Summary(String id, String referralId, String area, String reason, String status, Instant created,
                          String name, String birthDate, int candidates, Integer bestScore) {
    }

    /** @param referrals how many referrals of the reviewer's area this person already has */
    public record Candidate(Person person, int score, String detail, int referrals) {
    }

    /** @param decisionNote why it was decided so, as the decider said (or the rule's detail when they said nothing) */
    public record Review(String id, String referralId, String area, String reason, String status, Instant created,
                         String referralReason, String sender, Person person, List<Candidate> candidates,
                         String linkedPatientId, String decidedBy, Instant decidedAt, String decisionNote) {
    }

    private final DataSource db;
    private final AuditLog audit;
    private final PatientMerges merges;
    private final Clock clock;

    @Activate
    public LinkageReviews(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                          @Reference PatientMerges merges,
                          @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db, audit, merges, Clock.systemUTC());
    }

    LinkageReviews(DataSource db, AuditLog audit, PatientMerges merges, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.merges = merges;
        this.clock = clock;
    }

    private static final String PERSON_COLUMNS = "p.id, p.nhs_number, p.nhs_verified, p.family, p.given, p.birth_date, p.gender, p.postcode, "
            + "p.birth_date_precision";

    /** The caller's areas' reviews with this status, oldest first (a queue). */
    public Page<Summary> list(Caller caller, Status status, int offset, int count) {
        List<Object> parameters = new ArrayList<>();
        String areas = areaCondition(caller, parameters);
        parameters.add(status.code());
        String where = " FROM wm_linkage_review v JOIN wm_referral r ON r.id = v.referral_id JOIN wm_patient p ON p.id = r.patient_id"
                + " WHERE " + areas + " AND v.status = ?";
        int pageSize = Math.max(0, Math.min(count, ReferralSearch.MAX_COUNT));
        Page<Summary> page = Jdbc.inTransaction(db, c -> {
            int total;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*)" + where)) {
                JdbcReferralService.bind(s, 1, parameters);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    total = r.getInt(1);
                }
            }
            List<Summary> items = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT v.id, v.referral_id, v.area, v.reason, v.status, v.created_at, "
                    + "p.given, p.family, p.birth_date, (SELECT COUNT(*) FROM wm_linkage_candidate k WHERE k.review_id = v.id), "
                    + "(SELECT MAX(k.score) FROM wm_linkage_candidate k WHERE k.review_id = v.id), p.birth_date_precision" + where
                    + " ORDER BY v.created_at, v.id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
                int next = JdbcReferralService.bind(s, 1, parameters);
                s.setInt(next, offset);
                s.setInt(next + 1, Math.max(pageSize, 1));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next() && items.size() < pageSize) {
                        String birth = ReferralRows.birthDateText(r.getDate(9), r.getString(12));
                        int best = r.getInt(11);
                        items.add(new Summary(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                                r.getTimestamp(6).toInstant(), name(r.getString(7), r.getString(8)),
                                birth, r.getInt(10), r.wasNull() ? null : best));
                    }
                }
            }
            return new Page<>(items, total, offset, pageSize);
        });
        audit.record(caller, AuditLog.Action.SEARCH, "LinkageReview", page.items().size() + " of " + page.total(), null);
        return page;
    }

    public Optional<Review> find(Caller caller, String reviewId) {
        Optional<Review> review = Jdbc.inTransaction(db, c -> load(c, caller, reviewId));
        review.ifPresent(v -> {
            audit.record(caller, AuditLog.Action.READ, "LinkageReview", v.id(), v.person().patientId());
            v.candidates().forEach(k -> audit.record(caller, AuditLog.Action.READ, "Patient", k.person().patientId(),
                    k.person().patientId()));
        });
        return review;
    }

    /** Links the review's referral to one of its candidates. */
    public Review link(Caller caller, String reviewId, String patientId, String note) {
        if (patientId == null || patientId.isBlank()) {
            throw WaymarkException.invalid("patientId is required: the candidate to link the referral to");
        }
        PatientMerges.Merged merged = Jdbc.inTransaction(db, c -> {
            Review review = pending(c, caller, reviewId);
            Candidate chosen = review.candidates().stream().filter(k -> k.person().patientId().equals(patientId)).findFirst()
                    .orElseThrow(() -> WaymarkException.unprocessable("Patient " + PatientLinker.clip(patientId, 64)
                            + " is not a candidate of this review"));
            Instant now = clock.instant();
            String why = note == null || note.isBlank() ? chosen.detail() : PatientLinker.clip(note.strip(), 500);
            decide(c, review.id(), Status.PENDING, Status.LINKED, patientId, caller, now);
            LinkageRecords.decision(c, review.referralId(), patientId, "linked", "reviewer", chosen.score(), why, caller.id(), now);
            // The record made for the referral while it waited is this person too, with whatever was linked to it or
            // recorded against it meanwhile (the same person sent again, a correction, a measure): it merges whole.
            return merges.merge(c, caller, review.person().patientId(), patientId, "linkage review " + review.id() + ": " + why,
                    review.id(), Set.of(review.referralId()), now);
        });
        LOG.info("Linkage review {}: {} referral(s) linked to patient {} by {}", reviewId, merged.referralsMoved().size(), patientId,
                caller.id());
        return find(caller, reviewId).orElseThrow();
    }

    /** Confirms the referral's own (new) patient record: the candidates are other people. */
    public Review keepApart(Caller caller, String reviewId, String note) {
        Review before = Jdbc.inTransaction(db, c -> {
            Review review = pending(c, caller, reviewId);
            Instant now = clock.instant();
            decide(c, review.id(), Status.PENDING, Status.KEPT_APART, null, caller, now);
            LinkageRecords.decision(c, review.referralId(), review.person().patientId(), "kept-apart", "reviewer", null,
                    note == null || note.isBlank() ? "not the same person as any candidate" : PatientLinker.clip(note.strip(), 500),
                    caller.id(), now);
            return review;
        });
        audit.record(caller, AuditLog.Action.UPDATE, "ServiceRequest", before.referralId() + " kept apart by review",
                before.person().patientId());
        LOG.info("Linkage review {}: referral {} kept apart by {}", reviewId, before.referralId(), caller.id());
        return find(caller, reviewId).orElseThrow();
    }

    /**
     * A person kept apart who turns out to be one of the candidates after all (the GP confirms, the person says so):
     * their record merges into the candidate's, with every referral and record on it, and the review reads as linked.
     */
    public Review mergeAfterAll(Caller caller, String reviewId, String patientId, String note) {
        if (patientId == null || patientId.isBlank()) {
            throw WaymarkException.invalid("patientId is required: the candidate this person turned out to be");
        }
        if (note == null || note.isBlank()) {
            throw WaymarkException.invalid("note is required: why the earlier decision to keep them apart no longer stands");
        }
        PatientMerges.Merged merged = Jdbc.inTransaction(db, c -> {
            Review review = load(c, caller, reviewId).orElseThrow(() -> notFound(reviewId));
            if (!review.status().equals(Status.KEPT_APART.code())) {
                throw WaymarkException.conflict(review.status().equals(Status.PENDING.code())
                        ? "This review is still pending: link the referral instead" : "This review was already linked");
            }
            if (review.candidates().stream().noneMatch(k -> k.person().patientId().equals(patientId))) {
                throw WaymarkException.unprocessable("Patient " + PatientLinker.clip(patientId, 64) + " is not a candidate of this review");
            }
            Instant now = clock.instant();
            decide(c, reviewId, Status.KEPT_APART, Status.LINKED, patientId, caller, now);
            return merges.merge(c, caller, review.person().patientId(), patientId, "linkage review " + review.id()
                    + " reconsidered: " + PatientLinker.clip(note.strip(), 400), review.id(), Set.of(), now);
        });
        LOG.info("Linkage review {}: kept-apart record {} merged into {} by {}", reviewId, merged.fromPatientId(), patientId,
                caller.id());
        return find(caller, reviewId).orElseThrow();
    }

    private Review pending(Connection c, Caller caller, String reviewId) throws SQLException {
        Review review = load(c, caller, reviewId).orElseThrow(() -> notFound(reviewId));
        if (!review.status().equals(Status.PENDING.code())) {
            throw WaymarkException.conflict("This review was already decided (" + review.status() + ")");
        }
        return review;
    }

    /** Records a decision on a review still in the state the decider saw; two deciders at once: the first stands. */
    static void decide(Connection c, String reviewId, Status seen, Status status, String linkedPatient, Caller caller,
                               Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE wm_linkage_review SET status = ?, linked_patient_id = ?, "
                + "decided_by = ?, decided_at = ? WHERE id = ? AND status = ?")) {
            s.setString(1, status.code());
            s.setString(2, linkedPatient);
            s.setString(3, PatientLinker.clip(caller.id(), 64));
            s.setTimestamp(4, Timestamp.from(now));
            s.setString(5, reviewId);
            s.setString(6, seen.code());
            if (s.executeUpdate() != 1) {
                throw WaymarkException.conflict("This review was decided by someone else at the same moment; reload it");
            }
        }
    }

    private Optional<Review> load(Connection c, Caller caller, String reviewId) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        parameters.add(reviewId);
        String areas = areaCondition(caller, parameters);
        Review review;
        try (PreparedStatement s = c.prepareStatement("SELECT v.id, v.referral_id, v.area, v.reason, v.status, v.created_at, "
                + "r.reason_text, r.sender_id, v.linked_patient_id, v.decided_by, v.decided_at, " + PERSON_COLUMNS
                + " FROM wm_linkage_review v JOIN wm_referral r ON r.id = v.referral_id JOIN wm_patient p ON p.id = r.patient_id"
                + " WHERE v.id = ? AND " + areas)) {
            JdbcReferralService.bind(s, 1, parameters);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                Timestamp decided = r.getTimestamp(11);
                review = new Review(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getTimestamp(6).toInstant(), r.getString(7), r.getString(8), person(r, 12), List.of(),
                        r.getString(9), r.getString(10), decided == null ? null : decided.toInstant(), null);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT k.score, k.detail, (SELECT COUNT(*) FROM wm_referral x "
                + "WHERE x.patient_id = p.id AND x.area = ?), " + PERSON_COLUMNS
                + " FROM wm_linkage_candidate k JOIN wm_patient p ON p.id = k.patient_id WHERE k.review_id = ?"
                + " ORDER BY k.score DESC, p.id")) {
            s.setString(1, review.area());
            s.setString(2, review.id());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    candidates.add(new Candidate(person(r, 4), r.getInt(1), r.getString(2), r.getInt(3)));
                }
            }
        }
        return Optional.of(new Review(review.id(), review.referralId(), review.area(), review.reason(), review.status(),
                review.created(), review.referralReason(), review.sender(), review.person(), candidates,
                review.linkedPatientId(), review.decidedBy(), review.decidedAt(), decisionNote(c, review)));
    }

    /**
     * Why the review was decided so: the decision row written with it (same referral, decider and moment). Kept
     * since the first decision, but shown nowhere, so whoever reconsidered a person kept apart could not read why.
     */
    private static String decisionNote(Connection c, Review review) throws SQLException {
        if (review.decidedAt() == null) {
            return null;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT detail FROM wm_linkage_decision WHERE referral_id = ? "
                + "AND decided_by = ? AND decided_at = ? ORDER BY rule_name DESC FETCH FIRST 1 ROWS ONLY")) {
            s.setString(1, review.referralId());
            s.setString(2, review.decidedBy());
            s.setTimestamp(3, Timestamp.from(review.decidedAt()));
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private static Person person(ResultSet r, int first) throws SQLException {
        String nhs = r.getString(first + 1);
        return new Person(r.getString(first), nhs, nhs == null ? null : r.getBoolean(first + 2), r.getString(first + 3),
                r.getString(first + 4), ReferralRows.birthDateText(r.getDate(first + 5), r.getString(first + 8)), r.getString(first + 6),
                r.getString(first + 7));
    }

    /** Reviews belong to the referral's area; machine clients never see the queue. */
    private static String areaCondition(Caller caller, List<Object> parameters) {
        if (caller.isClient()) {
            throw WaymarkException.forbidden("The linkage review queue is for link workers and admins");
        }
        if (caller.areas().isEmpty()) {
            return "1 = 0";
        }
        parameters.addAll(caller.areas());
        return "v.area IN (" + CaseRecords.parameterMarks(caller.areas().size()) + ")";
    }

    private static String name(String given, String family) {
        String name = ((given == null ? "" : given) + " " + (family == null ? "" : family)).strip();
        return name.isEmpty() ? null : name;
    }

    private static WaymarkException notFound(String reviewId) {
        return WaymarkException.notFound("No linkage review " + PatientLinker.clip(reviewId, 64) + " in your areas");
    }
}
