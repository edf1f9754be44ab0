package org.waymark.platform.internal.jobs;

import java.util.List;
import java.util.Locale;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;
import org.waymark.platform.internal.admin.AdminCommands;

/** {@code /api/admin/jobs}: the job queue and its dead-letter list, for admins; replaying is audited. */
@Component(service = JobsResource.class, property = "osgi.jaxrs.resource=true")
@Path("/admin/jobs")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class JobsResource {
    private final AdminCommands admin;

    @Activate
    public JobsResource(@Reference AdminCommands admin) {
        this.admin = admin;
    }

    /** @param state {@code pending}, {@code done}, {@code dead} (the dead-letter list) or absent for all */
    @GET
    public List<JobStore.JobView> jobs(@QueryParam("state") String state, @QueryParam("count") @DefaultValue("100") int count) {
        return admin.jobs(AdminCommands.parseState(state), count);
    }

    @POST
    @Path("/{id}/replay")
    public JobStore.JobView replay(@PathParam("id") String id, @Context SecurityContext security) {
        return admin.replay(CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow(), id);
    }
}
