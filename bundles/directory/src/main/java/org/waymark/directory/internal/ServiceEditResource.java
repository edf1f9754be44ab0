package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.GET;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.PUT;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.QueryParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.EntityTag;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MediaType;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.sql.DataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.db.SchemaReady;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.security.AreaDirectory;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/**
 * Admins correct a service's details ({@code GET} the editing view with its ETag, {@code PUT} the changes with
 * {@code If-Match}); admins and link workers read who changed what. The directory is public, deployment-wide data, so
 * no area applies, except to a service's email: onward referrals (a note about the person) are sent there, so only an
 * admin of every area changes it, as only such an admin may set the service's contact details (found probing); sending
 * it unchanged, as the console's form does, is not a change. Invalid values answer 422 problem+json listing each field's problem in
 * {@code errors}.
 */
@Component(service = ServiceEditResource.class, property = "osgi.jaxrs.resource=true")
@Path("/directory/services/{id}")
@Produces(MediaType.APPLICATION_JSON)
public final class ServiceEditResource {
    private final AreaDirectory areas;
    private final ServiceEditor editor;
    private final Directory directory;
    private final DataSource db;

    @Activate
    public ServiceEditResource(@Reference ServiceEditor editor, @Reference Directory directory,
                               @Reference(target = "(dataSourceName=waymark)") DataSource db,
                               @Reference(target = "(" + SchemaReady.BUNDLE_PROPERTY + "=org.waymark.directory)") SchemaReady schema,
                               @Reference AreaDirectory areas) {
        this.areas = areas;
        this.editor = editor;
        this.directory = directory;
        this.db = db;
    }

    /** The service's editable details as they stand, with the ETag to send back in If-Match. */
    @GET
    @RolesAllowed(Roles.ADMIN)
    public Response editable(@PathParam("id") String id) {
        ServiceEditor.Editable editable = editor.editable(id);
        return Response.ok(editable.view()).tag(new EntityTag(editable.etag())).build();
    }

    /** Saves the fields the body names (see {@link ServiceEdit}); answers the new details and their ETag. */
    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response edit(@PathParam("id") String id, JsonNode body, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                         @Context SecurityContext security) {
        if (body == null || !body.isObject()) {
            throw WaymarkException.invalid("The body must be a JSON object of the fields to change, e.g. {\"email\": \"...\"}");
        }
        Caller caller = CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
        ServiceEditor.Editable saved;
        try {
            saved = editor.edit(caller, id, ifMatch == null || ifMatch.isBlank() ? null : ifMatch, body,
                    areas.administersEveryArea(caller));
        } catch (ServiceEdit.Invalid e) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", "Unprocessable Content");
            problem.put("status", 422);
            problem.put("detail", "Nothing was saved: " + e.getMessage()
                    + (e.errors().size() > 1 ? " (and " + (e.errors().size() - 1) + " more)" : ""));
            problem.put("errors", e.errors().stream().map(ServiceEdit.FieldError::json).toList());
            return Response.status(422).type("application/problem+json").entity(problem).build();
        }
        return Response.ok(saved.view()).tag(new EntityTag(saved.etag())).build();
    }

    /** Who changed what, newest first: admins' edits, imports, providers' answers, link workers' reports. */
    @GET
    @Path("history")
    @RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
    public Map<String, Object> history(@PathParam("id") String id, @QueryParam("page") @DefaultValue("1") String page,
                                       @QueryParam("per_page") @DefaultValue("20") String perPage) {
        directory.catalog().get(Kind.SERVICE, id).orElseThrow(() -> WaymarkException.notFound("No directory service with this id"));
        int pageNumber = number("page", page, 1, Integer.MAX_VALUE / ServiceHistory.MAX_PER_PAGE);
        int size = number("per_page", perPage, 1, ServiceHistory.MAX_PER_PAGE);
        ServiceHistory.Page found = ServiceHistory.page(db, id, pageNumber, size);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", found.total());
        answer.put("page", found.page());
        answer.put("per_page", found.perPage());
        answer.put("items", found.entries().stream().map(ServiceHistory.Entry::json).toList());
        return answer;
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw WaymarkException.invalid(name + " must be a whole number from " + min + " to " + max);
    }
}
