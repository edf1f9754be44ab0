package org.waymark.console.internal;

import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.Produces;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/** {@code GET /api/console/panels}: the plugin panels for the caller's areas, which the console then loads. */
@Component(service = ConsolePanelsResource.class, property = "osgi.jaxrs.resource=true")
@Path("/console/panels")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class ConsolePanelsResource {
    private final ConsolePanels panels;

    @Activate
    public ConsolePanelsResource(@Reference ConsolePanels panels) {
        this.panels = panels;
    }

    @GET
    public List<ConsolePanels.Panel> list(@Context SecurityContext security) {
        Caller caller = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
        return panels.panels(caller.areas());
    }
}
