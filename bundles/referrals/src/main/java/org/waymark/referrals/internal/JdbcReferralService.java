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
import java.util.function.Function;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.Notifier;
import org.waymark.api.referral.Intake;
import org.waymark.api.referral.MessageReceipt;
import org.waymark.api.referral.RecordedMessage;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.PatientReplacement;
import org.waymark.api.referral.PatientSearch;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.SocialPrescribingCodes;
import org.waymark.api.referral.StatusChange;
import org.waymark.api.referral.TimeRange;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

@Component(service = ReferralService.class)
public final class JdbcReferralService implements ReferralService {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcReferralService.class);
    /** More records than this with one NHS number would be a data fault; the search shows the first ones. */
    private static final int MAX_PEOPLE_PER_NHS_NUMBER = 50;

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;
    private final ReferralWriter writer;
    /** The area's intake validators; null in unit tests of the core alone. */
    private final IntakeChecks checks;
    private final TransactionIntake transactions;
    private final ReferralNotices notices;

    @Activate
    public JdbcReferralService(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                               @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema,
                               @Reference Notifier notifier, @Reference ContactBook contacts,
                               @Reference ReferralTriage triage, @Reference IntakeChecks checks,
                               @Reference ReferralValidation validation) {
        this(db, audit, Clock.systemUTC(), new ReferralNotices(notifier, contacts), triage, checks, validation);
    }

    JdbcReferralService(DataSource db, AuditLog audit, Clock clock, ReferralNotices notices) {
        this(db, audit, clock, notices, null, null, null);
    }

    JdbcReferralService(DataSource db, AuditLog audit, Clock clock, ReferralNotices notices, ReferralTriage triage,
                        IntakeChecks checks, ReferralValidation validation) {
        this.writer = new ReferralWriter(triage, validation);
        this.checks = checks;
        this.db = db;
        this.audit = audit;
        this.clock = clock;
        this.notices = notices;
        this.transactions = new TransactionIntake(db, audit, clock, writer);
    }

    @Override
    public Intake receive(Caller sender, NewReferral referral) {
        String area = senderArea(sender);
        ReferralWriter.requireStorableIdentity(referral);
        List<String> areaWarnings = areaChecks(area, referral);
        record Received(Referral referral, PatientLinker.Link link) {
        }
        Received received;
        try {
            // One transaction for the retry check, the referral and reading it back: each transaction costs Derby a
            // connection round and a log flush. The retry is looked for first rather than left to the unique index:
            // a retry that inserts and is then undone costs more, and Derby, after a crash, failed at such undone
            // inserts (FaultIT: XBCA0 on a page of the undone rows' index).
            received = Jdbc.inTransaction(db, c -> {
                Optional<Referral> retried = findBySenderIdentifier(c, sender, referral);
                if (retried.isPresent()) {
                    return new Received(retried.get(), null);
                }
                ReferralWriter.Stored written = writer.store(c, sender, area, referral, null, clock.instant());
                audit.record(c, sender, AuditLog.Action.CREATE, "ServiceRequest", written.referralId(), written.link().patientId());
                return new Received(queryOne(c, "r.id = ?", List.of(written.referralId())).orElseThrow(), written.link());
            });
        } catch (ReferralWriter.DuplicateIdentifier concurrentRetry) {
            received = new Received(Jdbc.inTransaction(db, c -> findBySenderIdentifier(c, sender, referral)).orElseThrow(), null);
        }
        if (received.link() == null) {
            return new Intake(received.referral(), false, List.of());
        }
        // Debug, not info: at hundreds of referrals a second a line each filled karaf.log (rotating it every few
        // minutes) and cost a percent of the CPU; the audit trail records every intake with its sender anyway.
        LOG.debug("Referral {} received from {} for area {}", received.referral().id(), sender.id(), area);
        return new Intake(received.referral(), true, concat(received.link().warnings(), areaWarnings), received.link().outcome());
    }

    @Override
    public List<Intake> receiveAll(Caller sender, List<NewReferral> referrals) {
        String area = senderArea(sender);
        List<List<String>> areaWarnings = referrals.stream().map(r -> areaChecks(area, r)).toList();
        List<Intake> received = transactions.receiveAll(sender, area, referrals);
        List<Intake> answered = new java.util.ArrayList<>(received.size());
        for (int i = 0; i < received.size(); i++) {
            Intake intake = received.get(i);
            answered.add(!intake.created() || i >= areaWarnings.size() ? intake : new Intake(intake.referral(), true,
                    concat(intake.warnings(), areaWarnings.get(i)), intake.patient(), intake.patientRecord()));
        }
        return answered;
    }

    /** The area's own intake checks, after what this service says of text it shortened. */
    private List<String> areaChecks(String area, NewReferral referral) {
        return concat(referral.shortenedTextWarnings(), checks == null ? List.of() : checks.check(area, referral));
    }

    private static List<String> concat(List<String> first, List<String> second) {
        if (second.isEmpty()) {
            return first;
        }
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    static String senderArea(Caller sender) {
        if (!sender.isClient() || sender.areas().isEmpty()) {
            throw WaymarkException.forbidden("Only a registered sending system can send referrals");
        }
        return sender.areas().iterator().next();
    }

    private static Optional<Referral> findBySenderIdentifier(Connection c, Caller sender, NewReferral referral)
            throws SQLException {
        if (referral.identifierSystem() == null || referral.identifierValue() == null) {
            return Optional.empty();
        }
        return queryOne(c, "r.sender_id = ? AND r.identifier_system = ? AND r.identifier_value = ?",
                List.of(sender.id(), referral.identifierSystem(), referral.identifierValue()));
    }

    private Optional<Referral> load(String id) {
        return queryOne("r.id = ?", List.of(id));
    }

    @Override
    public Optional<Referral> find(Caller caller, String referralId) {
        return audited(caller, findScoped(caller, "r.id = ?", referralId));
    }

    @Override
    public Intake receive(Caller sender, NewReferral referral, MessageReceipt receipt) {
        String area = senderArea(sender);
        ReferralWriter.requireStorableIdentity(referral);
        if (referral.subject().existingPatientId() != null) {
            throw WaymarkException.unprocessable("A message must carry the Patient, not refer to one held here");
        }
        List<String> areaWarnings = areaChecks(area, referral);
        record Stored(Referral referral, PatientLinker.Link link) {
        }
        Stored stored;
        try {
            stored = Jdbc.inTransaction(db, c -> {
                InboundMessages.record(c, receipt, clock.instant());
                Optional<Referral> existing = findBySenderIdentifier(c, sender, referral);
                if (existing.isPresent()) {
                    throw alreadyReceived(existing.get());
                }
                ReferralWriter.Stored written = writer.store(c, sender, area, referral, null, clock.instant());
                Referral created = queryOne(c, "r.id = ?", List.of(written.referralId())).orElseThrow();
                InboundMessages.answer(c, receipt, created);
                audit.record(c, sender, AuditLog.Action.CREATE, "ServiceRequest", created.id(), created.patientId());
                return new Stored(created, written.link());
            });
        } catch (ReferralWriter.DuplicateIdentifier concurrentlyReceived) {
            throw WaymarkException.conflict("This referral was already received: send an update message to change it");
        }
        LOG.debug("Referral {} received by message from {} for area {}", stored.referral().id(), sender.id(), area);
        return new Intake(stored.referral(), true, concat(stored.link().warnings(), areaWarnings), stored.link().outcome());
    }

    /**
     * A second "new" for a referral this sender already sent. An update cannot bring back a referral withdrawn as
     * entered in error, so that hint would send the sender in a circle: it needs a new ServiceRequest instead.
     */
    static WaymarkException alreadyReceived(Referral existing) {
        if (existing.status() == ReferralStatus.ENTERED_IN_ERROR) {
            return WaymarkException.conflict("This referral was withdrawn as entered in error; a new referral needs a new "
                    + "ServiceRequest fullUrl");
        }
        return WaymarkException.conflict("This referral was already received: send an update message to change it");
    }

    @Override
    public Referral updateFromSender(Caller sender, String identifierSystem, String identifierValue, ReferralStatus status,
                                     String reason, MessageReceipt receipt) {
        return updateFromSender(sender, identifierSystem, identifierValue, null, status, reason, receipt);
    }

    @Override
    public Referral updateFromSender(Caller sender, String identifierSystem, String identifierValue, String senderRequestId,
                                     ReferralStatus status, String reason, MessageReceipt receipt) {
        if (status != ReferralStatus.CANCELLED && status != ReferralStatus.ENTERED_IN_ERROR) {
            throw WaymarkException.unprocessable("A sender can cancel a referral or mark it entered in error; "
                    + status.code() + " is not supported");
        }
        Referral updated = Jdbc.inTransaction(db, c -> {
            InboundMessages.record(c, receipt, clock.instant());
            Referral current = findSendersReferral(c, sender, identifierSystem, identifierValue, senderRequestId)
                    .orElseThrow(() -> WaymarkException.unprocessable("No referral from this sender matches the message's "
                            + "ServiceRequest (by its fullUrl or id); send it with reason 'new' first"));
            if (current.status() != status) {
                if (status == ReferralStatus.CANCELLED && current.status().isClosed()) {
                    throw WaymarkException.conflict("The referral is already " + current.status().code() + " and cannot be cancelled");
                }
                try (PreparedStatement s = c.prepareStatement("UPDATE wm_referral SET status = ?, status_reason = ?, "
                        + "version = version + 1, updated_at = ? WHERE id = ?")) {
                    s.setString(1, status.code());
                    s.setString(2, PatientLinker.clip(reason, 500));
                    s.setTimestamp(3, Timestamp.from(clock.instant()));
                    s.setString(4, current.id());
                    s.executeUpdate();
                }
                Referral after = queryOne(c, "r.id = ?", List.of(current.id())).orElseThrow();
                notices.withdrawnBySender(c, after);
                InboundMessages.answer(c, receipt, after);
                audit.record(c, sender, AuditLog.Action.UPDATE, "ServiceRequest", after.id() + " status " + status.code(), after.patientId());
                return after;
            }
            InboundMessages.answer(c, receipt, current);
            return current;
        });
        LOG.info("Referral {} is now {} (by its sender {})", updated.id(), status.code(), sender.id());
        return updated;
    }

    /**
     * The sender's referral by its identifier, else by the ServiceRequest id the sender gave it: a referral is the
     * sender's ServiceRequest whether a later message names it by the same fullUrl or by the same id. Two referrals
     * with that id (ids are the sender's to reuse) cannot tell which one is meant: refused rather than guessed.
     */
    private static Optional<Referral> findSendersReferral(Connection c, Caller sender, String identifierSystem,
                                                         String identifierValue, String senderRequestId) throws SQLException {
        Optional<Referral> byIdentifier = queryOne(c, "r.sender_id = ? AND r.identifier_system = ? AND r.identifier_value = ?",
                List.of(sender.id(), identifierSystem, identifierValue));
        if (byIdentifier.isPresent() || senderRequestId == null) {
            return byIdentifier;
        }
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id FROM wm_referral WHERE sender_id = ? AND identifier_system = ? "
                + "AND sender_request_id = ?")) {
            s.setMaxRows(2);
            s.setString(1, sender.id());
            s.setString(2, identifierSystem);
            s.setString(3, senderRequestId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        if (ids.size() > 1) {
            throw WaymarkException.unprocessable("More than one referral from this sender has this ServiceRequest id; "
                    + "name the referral by the fullUrl it was sent with");
        }
        return ids.isEmpty() ? Optional.empty() : queryOne(c, "r.id = ?", List.of(ids.get(0)));
    }

    @Override
    public Optional<String> messageReferralDocument(Caller sender, String senderKey, String messageId) {
        if (!senderKey.startsWith(sender.id() + "|")) {
            throw WaymarkException.forbidden("A sender reads only its own messages");
        }
        return Jdbc.inTransaction(db, c -> InboundMessages.referralDocument(c, senderKey, messageId));
    }

    @Override
    public Optional<RecordedMessage> findMessage(Caller sender, String senderKey, String messageId) {
        if (!senderKey.startsWith(sender.id() + "|")) {
            throw WaymarkException.forbidden("A sender reads only its own messages");
        }
        return Jdbc.inTransaction(db, c -> InboundMessages.find(c, senderKey, messageId));
    }

    @Override
    public Referral changeStatus(Caller caller, String referralId, ReferralStatus status, String reason, Long expectedVersion) {
        return changeStatus(caller, referralId, new StatusChange(status, reason, null), expectedVersion);
    }

    @Override
    public Referral changeStatus(Caller caller, String referralId, StatusChange change, Long expectedVersion) {
        if (caller.isClient()) {
            throw WaymarkException.forbidden("Sending systems follow referrals; link workers change them");
        }
        ReferralStatus status = change.status();
        if (status.needsReason() && change.reason() == null) {
            throw WaymarkException.invalid("A reason is required for status " + status.code());
        }
        if (change.outcome() != null && !status.isClosed()) {
            throw WaymarkException.invalid("An outcome is recorded when a referral is closed, not when it becomes " + status.code());
        }
        return Overtaking.decided(expectedVersion, () -> tryChangeStatus(caller, referralId, change, expectedVersion));
    }

    /** One read-check-write of a status change; empty when another change landed between the read and the write. */
    private Optional<Referral> tryChangeStatus(Caller caller, String referralId, StatusChange change, Long expectedVersion) {
        ReferralStatus status = change.status();
        Referral current = findScoped(caller, "r.id = ?", referralId)
                .orElseThrow(() -> WaymarkException.notFound("No referral " + PatientLinker.clip(referralId, 64) + " in your areas"));
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw new WaymarkException(WaymarkException.Kind.PRECONDITION_FAILED,
                    "The referral has changed since you read it (now version " + current.version() + "); reload and try again");
        }
        if (!current.status().next().contains(status)) {
            throw WaymarkException.conflict("A referral that is " + current.status().code() + " cannot become " + status.code());
        }
        // The code goes back to the GP once per episode: only the change that records it carries it.
        String newCode = current.episodeCode() != null ? null : episodeCode(status);
        int updated = Jdbc.inTransaction(db, c -> {
            // The version in the WHERE clause makes the check and the change one atomic step; the notices commit with it.
            try (PreparedStatement s = c.prepareStatement("UPDATE wm_referral SET status = ?, status_reason = ?, "
                    + "assignee = COALESCE(assignee, ?), outcome = COALESCE(?, outcome), episode_code = COALESCE(episode_code, ?), "
                    + "version = version + 1, updated_at = ? WHERE id = ? AND version = ?")) {
                s.setString(1, status.code());
                s.setString(2, PatientLinker.clip(change.reason(), 500));
                s.setString(3, status == ReferralStatus.ACCEPTED ? caller.id() : null);
                s.setString(4, PatientLinker.clip(change.outcome(), 1000));
                s.setString(5, newCode);
                s.setTimestamp(6, Timestamp.from(clock.instant()));
                s.setString(7, current.id());
                s.setLong(8, current.version());
                if (s.executeUpdate() == 0) {
                    return 0;
                }
            }
            notices.statusChanged(c, queryOne(c, "r.id = ?", List.of(current.id())).orElseThrow(), newCode != null);
            audit.record(c, caller, AuditLog.Action.UPDATE, "ServiceRequest", current.id() + " status " + status.code(), current.patientId());
            return 1;
        });
        if (updated == 0) {
            return Optional.empty();
        }
        LOG.info("Referral {} is now {} (by {})", current.id(), status.code(), caller.id());
        return Optional.of(load(current.id()).orElseThrow());
    }

    /** Accepting is the person agreeing to see a link worker; rejecting is the referral declined. */
    static String episodeCode(ReferralStatus status) {
        return switch (status) {
            case ACCEPTED -> SocialPrescribingCodes.REFERRAL_ACCEPTED;
            case REJECTED -> SocialPrescribingCodes.DECLINED;
            default -> null;
        };
    }

    @Override
    public Optional<Referral> findByTask(Caller caller, String taskId) {
        return audited(caller, findScoped(caller, "r.task_id = ?", taskId));
    }

    private Optional<Referral> findScoped(Caller caller, String condition, String value) {
        DataScope scope = DataScope.of(caller);
        List<Object> parameters = new ArrayList<>();
        parameters.add(value);
        parameters.addAll(scope.parameters());
        return queryOne(condition + " AND " + scope.referralCondition(), parameters);
    }

    private Optional<Referral> audited(Caller caller, Optional<Referral> referral) {
        referral.ifPresent(r -> audit.record(caller, AuditLog.Action.READ, "ServiceRequest", r.id(), r.patientId()));
        return referral;
    }

    private Optional<Referral> queryOne(String condition, List<Object> parameters) {
        return Jdbc.inTransaction(db, c -> queryOne(c, condition, parameters));
    }

    static Optional<Referral> queryOne(Connection c, String condition, List<Object> parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + ReferralRows.REFERRAL_COLUMNS + ReferralRows.REFERRAL_FROM
                + " WHERE " + condition)) {
            bind(s, 1, parameters);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(ReferralRows.referral(r)) : Optional.empty();
            }
        }
    }

    @Override
    public Page<Referral> search(Caller caller, ReferralSearch search) {
        DataScope scope = DataScope.of(caller);
        StringBuilder where = new StringBuilder(scope.referralCondition());
        List<Object> parameters = new ArrayList<>(scope.parameters());
        criterion(where, parameters, "r.patient_id = ?", search.patientId());
        String text = search.text() == null || search.text().isBlank() ? null : search.text().strip().replace(" ", "");
        boolean textIsNhsNumber = text != null && text.matches("\\d{10}");
        List<String> nhsNumbers = new ArrayList<>();
        if (search.nhsNumber() != null) {
            nhsNumbers.add(search.nhsNumber());
        }
        if (textIsNhsNumber) {
            nhsNumbers.add(text);
        }
        boolean byDemographics = search.person() != null && search.person().namesSomeone();
        boolean byPerson = search.patientId() != null || !nhsNumbers.isEmpty() || byDemographics;
        if (byDemographics) {
            // As for NHS numbers: the people first, then their referrals.
            List<String> people = patientsMatching(scope, search.person());
            if (people.isEmpty()) {
                where.append(" AND 1 = 0");
            } else {
                where.append(" AND r.patient_id IN (").append(CaseRecords.parameterMarks(people.size())).append(")");
                parameters.addAll(people);
            }
        }
        for (String nhsNumber : nhsNumbers) {
            // The person first, then their referrals: a join lets Derby start from the referrals instead, which at a
            // million referrals took minutes.
            List<String> people = patientsWithNhsNumber(nhsNumber);
            if (people.isEmpty()) {
                where.append(" AND 1 = 0");
            } else {
                where.append(" AND r.patient_id IN (").append(CaseRecords.parameterMarks(people.size())).append(")");
                parameters.addAll(people);
            }
        }
        identifierCriterion(where, parameters, search.identifierSystem(), search.identifierValue());
        if (!search.statuses().isEmpty()) {
            where.append(" AND r.status IN (").append(CaseRecords.parameterMarks(search.statuses().size())).append(")");
            search.statuses().forEach(status -> parameters.add(status.code()));
        }
        if (ReferralSearch.UNASSIGNED.equals(search.assignee())) {
            where.append(" AND r.assignee IS NULL");
        } else if (search.orUnassigned() && search.assignee() != null) {
            criterion(where, parameters, "(r.assignee = ? OR r.assignee IS NULL)", search.assignee());
        } else {
            criterion(where, parameters, "r.assignee = ?", search.assignee());
        }
        criterion(where, parameters, "r.id = ?", search.referralId());
        criterion(where, parameters, "r.area = ?", search.area());
        range(where, parameters, "r.authored_on", search.authored());
        range(where, parameters, "r.updated_at", search.lastUpdated());
        range(where, parameters, "r.created_at", search.received());
        criterion(where, parameters, "r.priority = ?", search.priority());
        boolean byName = text != null && !textIsNhsNumber;
        if (byName) {
            String name = PatientLinker.normalise(search.text());
            if (name.isEmpty()) {
                // "%", "_" or a snowman would otherwise match every name: a search for everyone, audited as such.
                throw WaymarkException.invalid("search takes a family name (letters or digits) or an NHS number");
            }
            criterion(where, parameters, "r.family_norm LIKE ?", name + "%");
        }
        String sql = where.toString();
        // Every criterion is on wm_referral itself, so counting and paging never join.
        String from = " FROM wm_referral r";
        String order = order(search, byName);
        IndexWalk walk = search.sortBy() == ReferralSearch.SortKey.RECEIVED && walksInOrder(caller, search, byPerson)
                ? IndexWalk.of(byName, search.assignee() != null && !search.orUnassigned(), search.oldestFirst())
                : IndexWalk.none(from);
        Page<Referral> page = Jdbc.inTransaction(db, c -> {
            int total;
            String count = search.countLimit() > 0
                    ? "SELECT COUNT(*) FROM (SELECT r.id" + walk.countFrom() + " WHERE " + sql + " FETCH FIRST " + (search.countLimit() + 1) + " ROWS ONLY) t"
                    : "SELECT COUNT(*)" + from + " WHERE " + sql;
            try (PreparedStatement s = c.prepareStatement(count)) {
                bind(s, 1, parameters);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    total = r.getInt(1);
                }
            }
            List<String> ids = new ArrayList<>();
            if (search.count() > 0) {
                try (PreparedStatement s = c.prepareStatement("SELECT r.id" + walk.pageFrom() + " WHERE " + sql + order
                        + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
                    int next = bind(s, 1, parameters);
                    s.setInt(next, search.offset());
                    s.setInt(next + 1, search.count());
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            ids.add(r.getString(1));
                        }
                    }
                }
            }
            return new Page<>(loadAll(c, ids), total, search.offset(), search.count());
        });
        boolean aimedAtPeople = caller.isClient() || byPerson || text != null || search.identifierValue() != null;
        auditSearch(caller, "ServiceRequest", page, aimedAtPeople, Referral::id, Referral::patientId);
        return page;
    }

    @Override
    public Optional<Patient> findPatient(Caller caller, String patientId) {
        Page<Patient> found = patients(caller, "p.id = ?", patientId, 0, 1);
        found.items().forEach(p -> audit.record(caller, AuditLog.Action.READ, "Patient", p.id(), p.id()));
        return found.items().stream().findFirst();
    }

    @Override
    public Optional<PatientReplacement> findReplacement(Caller caller, String patientId) {
        Optional<PatientReplacement> replacement = Jdbc.inTransaction(db, c -> PatientMerges.replacement(c, patientId));
        if (replacement.isEmpty() || patients(caller, "p.id = ?", replacement.get().replacedBy(), 0, 1).items().isEmpty()) {
            return Optional.empty();
        }
        audit.record(caller, AuditLog.Action.READ, "Patient", patientId + " replaced by " + replacement.get().replacedBy(),
                replacement.get().replacedBy());
        return replacement;
    }

    @Override
    public Page<Patient> findPatientsByNhsNumber(Caller caller, String nhsNumber, int offset, int count) {
        Page<Patient> found = patients(caller, "p.nhs_number = ?", nhsNumber, offset, Math.min(count, ReferralSearch.MAX_COUNT));
        auditSearch(caller, "Patient", found, true, Patient::id, Patient::id);
        return found;
    }

    @Override
    public Page<Patient> searchPatients(Caller caller, PatientSearch search) {
        PatientQueries.Criteria criteria = PatientQueries.criteria(search);
        Page<Patient> found = patients(caller, criteria.condition(), criteria.parameters(), search.offset(), search.count());
        auditSearch(caller, "Patient", found, true, Patient::id, Patient::id);
        return found;
    }

    /**
     * A search's summary entry and, for a search aimed at people, a read of each person it showed: a subject access
     * request asks who looked a person up, and a search by name or NHS number is exactly that. A caseload listed by
     * area, status or assignee (a worker's own queue, many times a day) keeps only its summary. One transaction.
     */
    private <T> void auditSearch(Caller caller, String type, Page<T> page, boolean aimedAtPeople, Function<T, String> id,
                                 Function<T, String> patientId) {
        Jdbc.inTransaction(db, c -> {
            audit.record(c, caller, AuditLog.Action.SEARCH, type, page.items().size() + " of " + page.total(), null);
            if (aimedAtPeople) {
                for (T item : page.items()) {
                    audit.record(c, caller, AuditLog.Action.READ, type, id.apply(item), patientId.apply(item));
                }
            }
            return null;
        });
    }

    private Page<Patient> patients(Caller caller, String condition, String value, int offset, int count) {
        return patients(caller, condition, List.of(value), offset, count);
    }

    private Page<Patient> patients(Caller caller, String condition, List<Object> values, int offset, int count) {
        DataScope scope = DataScope.of(caller);
        String where = condition + " AND " + scope.patientCondition("p");
        List<Object> parameters = new ArrayList<>(values);
        parameters.addAll(scope.parameters());
        return Jdbc.inTransaction(db, c -> {
            int total;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM wm_patient p WHERE " + where)) {
                bind(s, 1, parameters);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    total = r.getInt(1);
                }
            }
            List<Patient> items = new ArrayList<>();
            if (count == 0) {
                return new Page<>(items, total, offset, count);
            }
            try (PreparedStatement s = c.prepareStatement("SELECT " + ReferralRows.PATIENT_COLUMNS
                    + " FROM wm_patient p WHERE " + where + " ORDER BY p.id OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")) {
                int next = bind(s, 1, parameters);
                s.setInt(next, offset);
                s.setInt(next + 1, count);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        items.add(ReferralRows.patient(r));
                    }
                }
            }
            return new Page<>(items, total, offset, count);
        });
    }

    /**
     * A referral's own identifier, or one its sender gave it besides (a BaRS ServiceRequest's case number). Those are
     * looked up first and named by id, as people are by NHS number: an OR across two tables would make Derby read
     * every referral in scope. Without such a match the condition is the referral's own identifier alone, as always.
     */
    private void identifierCriterion(StringBuilder where, List<Object> parameters, String system, String value) {
        if (value == null) {
            criterion(where, parameters, "r.identifier_system = ?", system);
            return;
        }
        List<String> others = Jdbc.inTransaction(db, c -> BusinessIdentifiers.referralsWith(c, system, value));
        StringBuilder own = new StringBuilder("r.identifier_value = ?");
        List<Object> ownParameters = new ArrayList<>(List.of(value));
        if (ReferralSearch.NO_SYSTEM.equals(system)) {
            own.append(" AND r.identifier_system IS NULL");
        } else if (system != null) {
            own.append(" AND r.identifier_system = ?");
            ownParameters.add(system);
        }
        if (others.isEmpty()) {
            where.append(" AND ").append(own);
        } else {
            where.append(" AND ((").append(own).append(") OR r.id IN (").append(CaseRecords.parameterMarks(others.size())).append("))");
            ownParameters.addAll(others);
        }
        parameters.addAll(ownParameters);
    }

    /** The people with this NHS number as sent (verified or not), capped: a number names one person or a handful. */
    static final int MAX_PEOPLE_BY_DEMOGRAPHICS = 500;

    private List<String> patientsWithNhsNumber(String nhsNumber) {
        return Jdbc.inTransaction(db, c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM wm_patient WHERE nhs_number = ? FETCH FIRST "
                    + MAX_PEOPLE_PER_NHS_NUMBER + " ROWS ONLY")) {
                s.setString(1, nhsNumber);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * The people in the caller's scope that a referral search by demographics names, at most {@value #MAX_PEOPLE_BY_DEMOGRAPHICS}:
     * a search that names more (a single letter of a name) is refused rather than turned into a list of thousands.
     */
    private List<String> patientsMatching(DataScope scope, PatientSearch person) {
        PatientQueries.Criteria criteria = PatientQueries.criteria(person);
        List<Object> parameters = new ArrayList<>(criteria.parameters());
        parameters.addAll(scope.parameters());
        List<String> ids = Jdbc.inTransaction(db, c -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT p.id FROM wm_patient p WHERE " + criteria.condition()
                    + " AND " + scope.patientCondition("p") + " FETCH FIRST " + (MAX_PEOPLE_BY_DEMOGRAPHICS + 1) + " ROWS ONLY")) {
                bind(s, 1, parameters);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        found.add(r.getString(1));
                    }
                }
            }
            return found;
        });
        if (ids.size() > MAX_PEOPLE_BY_DEMOGRAPHICS) {
            throw WaymarkException.invalid("The patient criteria match more than " + MAX_PEOPLE_BY_DEMOGRAPHICS
                    + " people: add the birth date or the postcode, or search by NHS number");
        }
        return ids;
    }

    /**
     * The page's order: by when received (a search by name by family name first), or by the other key asked for, where
     * referrals without it (no authoredOn) come last either way.
     */
    private static String order(ReferralSearch search, boolean byName) {
        String direction = search.oldestFirst() ? "" : " DESC";
        return switch (search.sortBy()) {
            case RECEIVED -> " ORDER BY " + (byName ? "r.family_norm, " : "") + "r.created_at" + direction + ", r.id" + direction;
            case AUTHORED -> " ORDER BY r.authored_on" + direction + " NULLS LAST, r.id" + direction;
            case LAST_UPDATED -> " ORDER BY r.updated_at" + direction + " NULLS LAST, r.id" + direction;
        };
    }

    /** Staff working lists and queues (no person, sender or single referral named) page best along the date index. */
    private static boolean walksInOrder(Caller caller, ReferralSearch search, boolean byPerson) {
        return !caller.isClient() && !byPerson && search.referralId() == null
                && search.identifierValue() == null && search.authored().isAny() && search.lastUpdated().isAny();
    }

    /** The referrals with these ids, in the order given. */
    private static List<Referral> loadAll(Connection c, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        java.util.Map<String, Referral> byId = new java.util.HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + ReferralRows.REFERRAL_COLUMNS + ReferralRows.REFERRAL_FROM
                + " WHERE r.id IN (" + CaseRecords.parameterMarks(ids.size()) + ")")) {
            bind(s, 1, new ArrayList<>(ids));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Referral referral = ReferralRows.referral(r);
                    byId.put(referral.id(), referral);
                }
            }
        }
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    private static void range(StringBuilder where, List<Object> parameters, String column, TimeRange range) {
        if (range.from() != null) {
            where.append(" AND ").append(column).append(" >= ?");
            parameters.add(Timestamp.from(range.from()));
        }
        if (range.to() != null) {
            where.append(" AND ").append(column).append(" <= ?");
            parameters.add(Timestamp.from(range.to()));
        }
    }

    private static void criterion(StringBuilder where, List<Object> parameters, String condition, String value) {
        if (value != null) {
            where.append(" AND ").append(condition);
            parameters.add(value);
        }
    }

    /** @return the next parameter index */
    static int bind(PreparedStatement s, int first, List<Object> parameters) throws SQLException {
        int index = first;
        for (Object parameter : parameters) {
            s.setObject(index++, parameter);
        }
        return index;
    }
}
