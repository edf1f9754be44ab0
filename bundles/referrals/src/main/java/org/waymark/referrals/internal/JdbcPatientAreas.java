package org.waymark.referrals.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.referral.PatientAreas;
import org.waymark.platform.db.Jdbc;

/** The areas people belong to through their referrals, for the platform's audit trail (see {@link PatientAreas}). */
@Component(service = PatientAreas.class)
public final class JdbcPatientAreas implements PatientAreas {
    /** Ids asked about in one statement, so that no IN list grows with the caller's question. */
    static final int CHUNK = 200;
    private final DataSource db;

    @Activate
    public JdbcPatientAreas(@Reference(target = "(dataSourceName=waymark)") DataSource db,
                            @Reference(target = "(waymark.schema=org.waymark.referrals)") SchemaReady schema) {
        this(db);
    }

    JdbcPatientAreas(DataSource db) {
        this.db = db;
    }

    /**
     * One index probe per area (the caseload index leads with the area) rather than a DISTINCT over every referral:
     * a deployment has a handful of areas and may have millions of referrals.
     */
    @Override
    public Set<String> referralAreas() {
        return Jdbc.inTransaction(db, c -> {
            Set<String> areas = new TreeSet<>();
            String after = "";
            while (true) {
                List<String> next = CaseRecords.query(c, "SELECT area FROM wm_referral WHERE area > ? ORDER BY area FETCH FIRST 1 ROWS ONLY",
                        after, r -> r.getString(1));
                if (next.isEmpty()) {
                    return areas;
                }
                after = next.get(0);
                areas.add(after);
            }
        });
    }

    /**
     * Looks each person up by the index of the patient foreign key (the override is a comment, so PostgreSQL ignores
     * it): left to itself, Derby may start from the caseload index and walk every referral of the areas.
     */
    @Override
    public Set<String> withReferralIn(Set<String> areas, Collection<String> patientIds) {
        if (areas.isEmpty() || patientIds.isEmpty()) {
            return Set.of();
        }
        List<String> asked = List.copyOf(new LinkedHashSet<>(patientIds));
        List<String> inAreas = List.copyOf(areas);
        return Jdbc.inTransaction(db, c -> {
            Set<String> found = new HashSet<>();
            for (int from = 0; from < asked.size(); from += CHUNK) {
                List<String> chunk = asked.subList(from, Math.min(asked.size(), from + CHUNK));
                Map<String, String> current = PatientMerges.currentIds(c, chunk);
                List<Object> parameters = new ArrayList<>(new LinkedHashSet<>(current.values()));
                int people = parameters.size();
                parameters.addAll(inAreas);
                Set<String> withReferral = new HashSet<>(CaseRecords.query(c, "SELECT DISTINCT patient_id FROM wm_referral"
                        + " --DERBY-PROPERTIES constraint=wm_referral_patient\n WHERE patient_id IN ("
                        + CaseRecords.parameterMarks(people) + ") AND area IN (" + CaseRecords.parameterMarks(inAreas.size()) + ")",
                        parameters, r -> r.getString(1)));
                current.forEach((id, now) -> {
                    if (withReferral.contains(now)) {
                        found.add(id);
                    }
                });
            }
            return found;
        });
    }
}
