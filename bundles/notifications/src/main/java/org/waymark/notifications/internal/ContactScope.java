package org.waymark.notifications.internal;

import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.Party;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

/**
 * Who may read and change a party's contact details. Every party belongs to areas, and staff act only within theirs:
 * a person through the referrals of the caller's areas (else 404, as for the referral); a member of staff by their
 * user's areas (each of them the admin's, as for managing users; anyone their own); an organisation (a GP system's
 * client) by the client's area; a team named {@code role:area} by that area. What belongs to no known area (a team
 * named by its role only, a directory service, an id that is no user or client) only an admin of every area may
 * touch, so an admin of one area of a hub cannot redirect another area's messages.
 */
final class ContactScope {
    static final String OUTSIDE_AREAS = "You manage the contact details of your own areas only";

    private final AreaDirectory areas;
    private final BiPredicate<Caller, String> seesPerson;

    /** @param seesPerson whether the caller may see the patient with this id (false without the referrals bundle) */
    ContactScope(AreaDirectory areas, BiPredicate<Caller, String> seesPerson) {
        this.areas = areas;
        this.seesPerson = seesPerson;
    }

    Party check(Caller caller, Party party) {
        if (party.kind() == Party.Kind.PERSON) {
            if (!seesPerson.test(caller, party.id())) {
                throw WaymarkException.notFound("No patient " + party.id());
            }
            return party;
        }
        if (party.kind() == Party.Kind.STAFF && caller.id().equals(party.id()) && !caller.isClient()) {
            return party;
        }
        if (!caller.hasRole(Roles.ADMIN)) {
            throw WaymarkException.forbidden(party.kind() == Party.Kind.STAFF
                    ? "Only admins may change other staff's contact details"
                    : "Only admins may change organisations' and teams' contact details");
        }
        Optional<Set<String>> owners = areasOf(party).filter(a -> !a.isEmpty());
        boolean allowed = owners.isPresent()
                ? caller.areas().containsAll(owners.get()) || areas.administersEveryArea(caller)
                : areas.administersEveryArea(caller);
        if (!allowed) {
            // The same answer whether the party is of another area or unknown: its existence is not revealed.
            throw WaymarkException.forbidden(OUTSIDE_AREAS);
        }
        return party;
    }

    /** The areas a party belongs to, when they can be known. */
    Optional<Set<String>> areasOf(Party party) {
        return switch (party.kind()) {
            case STAFF -> areas.areasOfUser(party.id());
            case ORGANISATION -> areas.areaOfClient(party.id()).map(Set::of);
            case TEAM -> teamArea(party.id()).map(Set::of);
            case PERSON -> Optional.empty();
        };
    }

    /** {@code safeguarding-lead:sheffield} → sheffield; a role alone names no area. */
    static Optional<String> teamArea(String teamId) {
        int colon = teamId.indexOf(':');
        String area = colon < 0 ? "" : teamId.substring(colon + 1).strip();
        return area.isEmpty() ? Optional.empty() : Optional.of(area);
    }
}
