package org.waymark.notifications.internal;

import com.fasterxml.jackson.databind.JsonNode;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.GET;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.notify.ContactBook;
import org.waymark.api.notify.ContactPreferences;
import org.waymark.api.notify.Party;
import org.waymark.api.plugin.PluginRegistry;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.AuditLog;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * {@code /api/contacts/{kind}/{id}}: contact preferences. Link workers keep those of the people in their areas;
 * admins those of their areas' organisations (the referrers' FHIR endpoints), teams and staff; every member of staff
 * their own (see {@link ContactScope}).
 */
@Component(service = ContactResource.class, property = "osgi.jaxrs.resource=true")
@Path("/contacts/{kind}/{id}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class ContactResource {
    private final ContactBook contacts;
    private final AuditLog audit;
    private final ContactScope scope;
    private final PluginRegistry plugins;
    private volatile ReferralService referrals;

    @Activate
    public ContactResource(@Reference ContactBook contacts, @Reference AuditLog audit, @Reference AreaDirectory areas,
                           @Reference PluginRegistry plugins) {
        this.contacts = contacts;
        this.audit = audit;
        this.plugins = plugins;
        this.scope = new ContactScope(areas, this::seesPerson);
    }

    /** People's details are guarded by the referrals' data scope; without the referrals bundle there are none. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindReferrals(ReferralService service) {
        this.referrals = service;
    }

    void unbindReferrals(ReferralService service) {
        if (this.referrals == service) {
            this.referrals = null;
        }
    }

    @GET
    public ContactPreferences get(@PathParam("kind") String kind, @PathParam("id") String id, @Context SecurityContext security) {
        Caller caller = caller(security);
        Party party = allowed(caller, new Party(ContactRules.kind(kind), id));
        ContactPreferences preferences = contacts.find(party);
        if (party.kind() == Party.Kind.PERSON) {
            audit.record(caller, AuditLog.Action.READ, "ContactPreferences", "PERSON/" + id, id);
        }
        return preferences;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public ContactPreferences put(@PathParam("kind") String kind, @PathParam("id") String id, JsonNode body,
                                  @Context SecurityContext security) {
        if (body == null) {
            throw WaymarkException.invalid("A body with doNotContact, preferredChannel or addresses is required");
        }
        Caller caller = caller(security);
        Party party = allowed(caller, new Party(ContactRules.kind(kind), id));
        return contacts.update(caller, party, current -> ContactRules.checked(party, ContactRules.changed(current, body),
                ContactRules.channelsFor(plugins, current)));
    }

    private Party allowed(Caller caller, Party party) {
        return scope.check(caller, party);
    }

    private boolean seesPerson(Caller caller, String patientId) {
        ReferralService service = referrals;
        return service != null && service.findPatient(caller, patientId).isPresent();
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
