package org.waymark.referrals.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import javax.sql.DataSource;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Demographics;
import org.waymark.api.referral.NewReferral;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.Subject;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;
import org.waymark.platform.internal.audit.JdbcAuditLog;
import org.waymark.platform.testing.TestDatabase;

/** An in-memory database with the platform's and this bundle's tables, the real audit log, and a referral service. */
final class CaseFixture {
    static final Caller GP = new Caller("gp-sheffield", Caller.Kind.CLIENT, Set.of(Roles.REFERRER), Set.of("sheffield"), false);
    static final Caller WORKER = new Caller("sam", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("sheffield"), false);
    static final Caller OTHER_AREA = new Caller("ira", Caller.Kind.USER, Set.of(Roles.LINK_WORKER), Set.of("islington"), false);
    static final Caller ADMIN = new Caller("ada", Caller.Kind.USER, Set.of(Roles.ADMIN), Set.of("sheffield"), false);

    final DataSource db;
    final JdbcAuditLog audit;
    final RecordingNotifier notifier = new RecordingNotifier();
    final MapContactBook contacts = new MapContactBook();
    final JdbcReferralService referrals;

    CaseFixture() throws Exception {
        db = TestDatabase.migrated("db/platform.xml", "db/referrals.xml");
        audit = new JdbcAuditLog(db, null);
        referrals = new JdbcReferralService(db, audit, Clock.systemUTC(), new ReferralNotices(notifier, contacts));
    }

    Referral received(String identifier, String nhsNumber) {
        return referrals.receive(GP, new NewReferral("https://gp.example/ref", identifier,
                Subject.described(NhsNumber.parse(nhsNumber).orElseThrow(),
                        new Demographics("Holloway", "Alex", LocalDate.of(1950, 1, 1), "female", "S1 1AA")),
                "Isolated", null, "routine", Instant.parse("2026-01-01T10:00:00Z"), "Dr X, Demo Surgery", "Lives alone",
                "application/fhir+json", "{}")).referral();
    }
}
