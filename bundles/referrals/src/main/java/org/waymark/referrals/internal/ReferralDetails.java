package org.waymark.referrals.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Patient;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.AuditTrail;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/** The referral page: the referral with its person, how the person was linked, and the timeline from the audit trail. */
@Component(service = ReferralDetails.class)
public final class ReferralDetails {
    static final int TIMELINE_SCAN = 1000;
    private static final Set<AuditLog.Action> CHANGES = EnumSet.of(AuditLog.Action.CREATE, AuditLog.Action.UPDATE, AuditLog.Action.DELETE);

    /** @param birthDate as FHIR writes it, at the precision known: 1950, 1950-05 or 1950-05-01 */
    public record PatientSummary(String id, String name, String nhsNumber, boolean nhsNumberVerified, String birthDate,
                                 String gender, String postcode) {
    }

    /** @param state linked | new-patient | review (waiting for a person to decide) | kept-apart */
    public record Linkage(String state, String rule, String decidedBy, Instant decidedAt) {
    }

    /** Every field of a caseload item (so clients of the list read a referral alike), and the page's details. */
    public record Detail(String id, String taskId, String status, String statusReason, List<String> nextStatuses,
                         String patientId, String patientName, String nhsNumber, boolean nhsNumberVerified,
                         String reason, String reasonCode, String priority, String note, String requester, String sender,
                         String area, String assignee, Instant authoredOn, Instant received, Instant lastUpdated, long version,
                         String outcome, String episodeCode, PatientSummary patient, Linkage linkage,
                         ReferralTriage.Outcome triage, ReferralPathways.View pathway, List<ReferralFlags.FlagView> flags,
                         org.waymark.api.referral.ReferralConsent consent, ReferralValidation.Result validation) {
    }

    public record Event(Instant at, String actor, String what) {
    }

    private final DataSource db;
    private final ReferralService referrals;
    private final AuditTrail trail;
    private final ReferralTriage triage;
    private final ReferralPathways pathways;
    private final ReferralFlags flags;
    private final ReferralValidation validation;

    @Activate
    public ReferralDetails(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference ReferralService referrals,
                           @Reference AuditTrail trail,
                           @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema,
                           @Reference ReferralTriage triage, @Reference ReferralPathways pathways,
                           @Reference ReferralFlags flags, @Reference ReferralValidation validation) {
        this.flags = flags;
        this.validation = validation;
        this.triage = triage;
        this.pathways = pathways;
        this.db = db;
        this.referrals = referrals;
        this.trail = trail;
    }

    public Detail detail(Caller caller, String referralId) {
        // The triage is read before the referral: triage and the priority it sets commit together, so a triage seen
        // here means the referral read next carries its priority. Read the other way round, a triage committed in
        // between showed "urgent" beside the referral's old "routine" (PathfinderPluginIT, under load). It is only
        // returned once the caller's scope is checked below.
        ReferralTriage.Outcome triaged = triage.outcome(referralId).orElse(null);
        Referral r = referrals.find(caller, referralId).orElseThrow(() -> notFound(referralId));
        Patient p = referrals.findPatient(caller, r.patientId()).orElseThrow(() -> notFound(referralId));
        PatientSummary patient = new PatientSummary(p.id(), r.patientName(),
                p.nhsNumber() == null ? null : p.nhsNumber().value(), p.nhsNumber() != null && p.nhsNumber().verified(),
                p.demographics().birthDateText(), p.demographics().gender(), p.demographics().postcode());
        ReferralFlags.Flags sent = Jdbc.inTransaction(db, c -> flags.of(c, r.id()));
        return new Detail(r.id(), r.taskId(), r.status().code(), r.statusReason(),
                r.status().next().stream().map(ReferralStatus::code).toList(), r.patientId(), r.patientName(),
                r.patientNhsNumber() == null ? null : r.patientNhsNumber().value(),
                r.patientNhsNumber() != null && r.patientNhsNumber().verified(), r.reasonText(), r.reasonCode(), r.priority(),
                r.note(), r.requester(), r.senderId(), r.area(), r.assignee(), r.authoredOn(), r.created(), r.lastUpdated(),
                r.version(), r.outcome(), r.episodeCode(), patient, linkage(r.id()),
                triaged, pathways.forArea(r.area()).orElse(null), sent.flags(), sent.consent(),
                validation.result(r.id()).orElse(null));
    }

    /** What happened to the referral, newest first: every change recorded in the audit trail under its id. */
    public List<Event> timeline(Caller caller, String referralId) {
        Referral r = referrals.find(caller, referralId).orElseThrow(() -> notFound(referralId));
        // Entries keep the patient id they were written with: after a merge (a reviewer's link included), what
        // happened to the referral before it is filed under the record that went (found probing: a linked
        // referral's timeline had lost its receipt, its status changes and its notes).
        List<AuditTrail.Entry> entries = new ArrayList<>(trail.forPatient(r.patientId(), CHANGES, TIMELINE_SCAN));
        for (String former : Jdbc.inTransaction(db, c -> PatientMerges.formerIds(c, r.patientId()))) {
            entries.addAll(trail.forPatient(former, CHANGES, TIMELINE_SCAN));
        }
        entries.sort(Comparator.comparingLong(AuditTrail.Entry::id).reversed());
        return entries.stream()
                .filter(e -> e.resourceId() != null && e.resourceId().startsWith(r.id()))
                .map(e -> new Event(e.at(), e.actor(), describe(e, r.id()))).toList();
    }

    static String describe(AuditTrail.Entry e, String referralId) {
        String rest = e.resourceId().substring(referralId.length()).strip();
        return switch (e.resourceType()) {
            case "ServiceRequest" -> {
                if (rest.isEmpty()) {
                    yield e.action() == AuditLog.Action.CREATE ? "Referral received" : "Referral changed";
                }
                if (rest.startsWith("status ")) {
                    yield "Status changed to " + rest.substring("status ".length()).replace('-', ' ');
                }
                if (rest.startsWith("assigned ") || rest.startsWith("handed over ")) {
                    yield Character.toUpperCase(rest.charAt(0)) + rest.substring(1);
                }
                if (rest.startsWith("entered by hand")) {
                    yield "Referral entered by hand";
                }
                if (rest.startsWith("merged")) {
                    yield "Moved to the person's other record (records merged)";
                }
                yield rest.startsWith("linked") ? "Linked to a known person after review"
                        : rest.startsWith("kept apart") ? "Kept apart as a new person after review" : "Referral changed";
            }
            case "Contact" -> "Contact attempt recorded";
            case "Note" -> "Note added";
            case "Safeguarding" -> "Safeguarding concern raised";
            case "Appointment" -> e.action() == AuditLog.Action.CREATE ? "Appointment booked"
                    : "Appointment marked " + rest.substring(rest.lastIndexOf(' ') + 1);
            case "CarePlan" -> "What matters to me updated";
            case "Goal" -> e.action() == AuditLog.Action.CREATE ? "Goal added" : "Progress on a goal recorded";
            case "OutcomeMeasure" -> "Outcome measure recorded (" + rest.substring(rest.indexOf("/measure/") + 9) + ")";
            default -> e.resourceType() + " " + e.action().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private Linkage linkage(String referralId) {
        return Jdbc.inTransaction(db, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT outcome, rule_name, decided_by, decided_at FROM wm_linkage_decision "
                    + "WHERE referral_id = ? ORDER BY decided_at DESC FETCH FIRST 1 ROWS ONLY")) {
                s.setString(1, referralId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new Linkage(r.getString(1), r.getString(2), r.getString(3), r.getTimestamp(4).toInstant())
                            : new Linkage("unknown", null, null, null);
                }
            }
        });
    }

    private static WaymarkException notFound(String referralId) {
        return WaymarkException.notFound("No referral " + PatientLinker.clip(referralId, 64) + " in your areas");
    }
}
