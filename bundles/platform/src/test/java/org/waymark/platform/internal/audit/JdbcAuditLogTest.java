package org.waymark.platform.internal.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.waymark.api.security.AuditLog.Action;
import org.waymark.api.security.AuditTrail;
import org.waymark.api.security.Caller;
import org.waymark.platform.testing.TestDatabase;

class JdbcAuditLogTest {
    private static final Caller SAM = new Caller("sam", Caller.Kind.USER, Set.of("link-worker"), Set.of("sheffield"), false);

    @Test
    void aPersonsTrailListsTheirEntriesNewestFirstFilteredByAction() throws Exception {
        JdbcAuditLog audit = new JdbcAuditLog(TestDatabase.migrated("db/platform.xml"), null);
        audit.record(SAM, Action.CREATE, "ServiceRequest", "r1", "p1");
        audit.record(SAM, Action.READ, "ServiceRequest", "r1", "p1");
        audit.record(SAM, Action.UPDATE, "ServiceRequest", "r1 status accepted", "p1");
        audit.record(SAM, Action.UPDATE, "ServiceRequest", "r2 status accepted", "p2");

        assertThat(audit.forPatient("p1", Set.of(Action.CREATE, Action.UPDATE), 10))
                .extracting(AuditTrail.Entry::resourceId).containsExactly("r1 status accepted", "r1");
        assertThat(audit.forPatient("p1", Set.of(), 10)).hasSize(3)
                .allSatisfy(e -> assertThat(e.actor()).isEqualTo("sam"));
        assertThat(audit.forPatient("p1", Set.of(), 1)).singleElement()
                .satisfies(e -> assertThat(e.action()).isEqualTo(Action.UPDATE));
    }
}
