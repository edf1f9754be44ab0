package org.waymark.referrals.internal;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * {@code /api/reports}: the reports areas add through plugins, for area admins; {@code ?format=csv} exports one.
 */
@Component(service = ReportsResource.class, property = "osgi.jaxrs.resource=true")
@Path("/reports")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public final class ReportsResource {
    private final AreaReports reports;

    @Activate
    public ReportsResource(@Reference AreaReports reports) {
        this.reports = reports;
    }

    @GET
    public List<AreaReports.Summary> list(@Context SecurityContext security) {
        return reports.list(caller(security));
    }

    @GET
    @Path("/{id}")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    public Response run(@PathParam("id") String id, @QueryParam("area") String area, @QueryParam("from") String from,
                        @QueryParam("to") String to, @QueryParam("format") String format, @Context SecurityContext security) {
        AreaReports.Result result = reports.run(caller(security), id, area, date("from", from), date("to", to));
        if ("csv".equals(format)) {
            return Response.ok(AreaReports.csv(result), "text/csv;charset=UTF-8")
                    .header("Content-Disposition", "attachment; filename=\"" + id.replaceAll("[^a-z0-9-]", "") + "-" + area
                            .replaceAll("[^a-z0-9-]", "") + ".csv\"").build();
        }
        return Response.ok(result, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw WaymarkException.invalid(name + " must be a date, YYYY-MM-DD");
        }
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
