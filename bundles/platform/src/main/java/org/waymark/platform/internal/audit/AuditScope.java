package org.waymark.platform.internal.audit;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.waymark.api.security.Caller;

/**
 * Which entries of the audit trail an admin may list. Audit rows carry no area, so an entry belongs to an area through
 * the person it is about or, when it is about no one, through who made it:
 * <ul>
 *   <li>an admin whose areas include every area of the deployment (of its users, clients and referrals) sees all;</li>
 *   <li>any other admin sees an entry about a person who has a referral in one of their areas, an entry about no one
 *       made by a user who shares one of their areas, and everything done by a user whose areas are all theirs
 *       (themselves included), so that they can audit their own staff, also about people since erased.</li>
 * </ul>
 * An entry about a person of another area made by someone who also works there stays out: an admin of Islington does
 * not learn which of Sheffield's people a worker of both areas looked up. Entries of machine clients and system jobs
 * about no one are for the deployment-wide admins.
 */
final class AuditScope {
    /**
     * Above this many staff the SQL pre-filter leaves the actor to the Java check: Derby compiles every IN list into
     * the statement, and a few thousand parameters make it fail.
     */
    static final int MAX_ACTORS_IN_SQL = 500;
    private final Caller admin;
    private final boolean deploymentWide;
    /** Users who share one of the admin's areas, and the admin. */
    private final Set<String> sharing = new HashSet<>();
    /** Users whose areas all lie among the admin's, and the admin. */
    private final Set<String> within = new HashSet<>();

    /**
     * @param users           every user of the deployment, disabled ones too (a leaver's entries stay theirs)
     * @param deploymentAreas every area the deployment knows of
     */
    AuditScope(Caller admin, Collection<Caller> users, Set<String> deploymentAreas) {
        this.admin = admin;
        this.deploymentWide = admin.areas().containsAll(deploymentAreas);
        sharing.add(admin.id());
        within.add(admin.id());
        for (Caller user : users) {
            if (user.areas().stream().anyMatch(admin.areas()::contains)) {
                sharing.add(user.id());
            }
            if (!user.areas().isEmpty() && admin.areas().containsAll(user.areas())) {
                within.add(user.id());
            }
        }
    }

    boolean deploymentWide() {
        return deploymentWide;
    }

    Set<String> areas() {
        return admin.areas();
    }

    /**
     * The rows that may be visible, as SQL over {@code wm_audit}, its parameters added to {@code values}: every entry
     * about a person (whose area only the referrals know) and the entries about no one made by the admin's staff.
     */
    String candidates(List<Object> values) {
        if (sharing.size() > MAX_ACTORS_IN_SQL) {
            return "(patient_id IS NOT NULL OR actor_kind = 'USER')";
        }
        values.addAll(sharing);
        return "(patient_id IS NOT NULL OR (actor_kind = 'USER' AND actor IN (" + "?,".repeat(sharing.size() - 1) + "?)))";
    }

    /** Whether the entry's visibility turns on its person's areas, which must then be looked up. */
    boolean needsPatientAreas(AuditResource.Entry entry) {
        return !deploymentWide && entry.patientId() != null && !byUser(entry, within);
    }

    /**
     * @param inAdminsAreas whether a person has a referral in one of the admin's areas; asked only of entries for
     *                      which {@link #needsPatientAreas} holds
     */
    boolean visible(AuditResource.Entry entry, Predicate<String> inAdminsAreas) {
        if (deploymentWide || byUser(entry, within)) {
            return true;
        }
        return entry.patientId() == null ? byUser(entry, sharing) : inAdminsAreas.test(entry.patientId());
    }

    private static boolean byUser(AuditResource.Entry entry, Set<String> users) {
        return Caller.Kind.USER.name().equals(entry.actorKind()) && users.contains(entry.actor());
    }
}
