package org.waymark.referrals.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.platform.db.Jdbc;

/**
 * Referrals that do not come over FHIR (the person themselves, a VCSE partner, a phone call or an email), entered by
 * a worker in the console. They go through the same writer as FHIR intake, so they are linked to a patient the same
 * way and get a Task; the worker who entered it is its sender.
 */
@Component(service = ManualReferrals.class)
public final class ManualReferrals {
    private static final Logger LOG = LoggerFactory.getLogger(ManualReferrals.class);
    static final String IDENTIFIER_SYSTEM = "https://waymark.org/Id/manual-referral";
    static final Map<String, String> SOURCES = Map.of("self", "self-referral", "vcse", "VCSE partner", "phone", "phone call",
            "email", "email", "other", "other");
    static final Set<String> GENDERS = Set.of("female", "male", "other", "unknown");

    public record Entry(String area, String source, String nhsNumber, String family, String given, LocalDate birthDate,
                        String gender, String postcode, String reason, String priority, String referrer, String note) {
    }

    private final DataSource db;
    private final AuditLog audit;
    private final Clock clock;
    private final ReferralWriter writer;

    @Activate
    public ManualReferrals(@Reference(target = "(dataSourceName=waymark)") DataSource db, @Reference AuditLog audit,
                           @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema,
                           @Reference ReferralTriage triage) {
        this(db, audit, Clock.systemUTC(), triage);
    }

    ManualReferrals(DataSource db, AuditLog audit, Clock clock) {
        this(db, audit, clock, null);
    }

    ManualReferrals(DataSource db, AuditLog audit, Clock clock, ReferralTriage triage) {
        this.writer = new ReferralWriter(triage, null);
        this.db = db;
        this.audit = audit;
        this.clock = clock;
    }

    public Referral enter(Caller caller, Entry entry) {
        if (caller.isClient()) {
            throw WaymarkException.forbidden("Sending systems send referrals over FHIR");
        }
        if (entry == null || entry.area() == null) {
            throw WaymarkException.invalid("area is required");
        }
        if (!caller.mayAccessArea(entry.area())) {
            // Outside the caller's data: 403, as everywhere (the route walk in SecurityIT checks it).
            throw WaymarkException.forbidden("area must be one of your areas");
        }
        if (entry.source() == null || !SOURCES.containsKey(entry.source())) {
            throw WaymarkException.invalid("source must be one of " + SOURCES.keySet());
        }
        NhsNumber nhs = null;
        if (entry.nhsNumber() != null && !entry.nhsNumber().isBlank()) {
            nhs = NhsNumber.parse(entry.nhsNumber()).orElseThrow(() -> WaymarkException.invalid("An NHS number has 10 digits"));
        }
        String family = VisibleReferrals.text(entry.family(), "family", 100, true);
        String given = VisibleReferrals.text(entry.given(), "given", 100, false);
        if (entry.gender() != null && !entry.gender().isBlank() && !GENDERS.contains(entry.gender())) {
            throw WaymarkException.invalid("gender must be one of " + GENDERS);
        }
        PlausibleDates.requireBirthDate(entry.birthDate(), LocalDate.now(clock), "The birth date");
        String priority = entry.priority() == null || entry.priority().isBlank() ? "routine" : entry.priority();
        if (!CaseloadResource.PRIORITIES.contains(priority)) {
            throw WaymarkException.invalid("priority is one of " + CaseloadResource.PRIORITIES);
        }
        String reason = VisibleReferrals.text(entry.reason(), "reason", 1000, true);
        String referrer = VisibleReferrals.text(entry.referrer(), "referrer", 250, false);
        Instant now = clock.instant();
        NewReferral referral = new NewReferral(IDENTIFIER_SYSTEM, UUID.randomUUID().toString(),
                Subject.described(nhs, new Demographics(family, given, entry.birthDate(),
                        entry.gender() == null || entry.gender().isBlank() ? null : entry.gender(),
                        VisibleReferrals.text(entry.postcode(), "postcode", 16, false))),
                reason, null, priority, now, (referrer == null ? "" : referrer + ", ") + SOURCES.get(entry.source()),
                VisibleReferrals.text(entry.note(), "note", 4000, false), "console/manual", null);
        ReferralWriter.Stored stored = Jdbc.inTransaction(db, c -> writer.store(c, caller, entry.area(), referral, null, now));
        Referral created = Jdbc.inTransaction(db, c -> VisibleReferrals.require(c, caller, stored.referralId()));
        audit.record(caller, AuditLog.Action.CREATE, "ServiceRequest", created.id() + " entered by hand", created.patientId());
        LOG.info("Referral {} entered by hand by {} for area {}", created.id(), caller.id(), entry.area());
        return created;
    }
}
