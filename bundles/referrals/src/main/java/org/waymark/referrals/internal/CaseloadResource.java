package org.waymark.referrals.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.Consumes;
import javax.ws.rs.DefaultValue;
import javax.ws.rs.HeaderParam;
import javax.ws.rs.POST;
import javax.ws.rs.GET;
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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.TimeRange;
import org.waymark.api.security.Caller;
import org.waymark.api.security.CallerPrincipal;
import org.waymark.api.security.Roles;

/** The link worker's working list: referrals assigned to them plus the unassigned queue of their areas. */
@Component(service = CaseloadResource.class, property = "osgi.jaxrs.resource=true")
@Path("/referrals")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.LINK_WORKER, Roles.ADMIN})
public final class CaseloadResource {
    static final int DEFAULT_PAGE_SIZE = 25;
    static final int COUNT_LIMIT = 1000;
    static final Set<String> PRIORITIES = Set.of("routine", "urgent", "asap", "stat");
    private final ReferralService referrals;
    private final ReferralDetails details;
    private final ReasonLists reasons;
    private final ReferralFlags flags;

    public record Item(String id, String taskId, String status, String statusReason, String patientId, String patientName,
                       String nhsNumber, boolean nhsNumberVerified, String reason, String priority, String area,
                       String assignee, String sender, Instant received, Instant lastUpdated, long version,
                       Set<String> flags) {
        static Item of(Referral r) {
            return of(r, Set.of());
        }

        /** @param flags the categories of the flags in force ({@code SG} safeguarding, {@code RA} reasonable adjustment...) */
        static Item of(Referral r, Set<String> flags) {
            return new Item(r.id(), r.taskId(), r.status().code(), r.statusReason(), r.patientId(), r.patientName(),
                    r.patientNhsNumber() == null ? null : r.patientNhsNumber().value(),
                    r.patientNhsNumber() != null && r.patientNhsNumber().verified(), r.reasonText(), r.priority(), r.area(),
                    r.assignee(), r.senderId(), r.created(), r.lastUpdated(), r.version(), flags);
        }
    }

    @Activate
    public CaseloadResource(@Reference ReferralService referrals, @Reference ReferralDetails details, @Reference ReasonLists reasons,
                            @Reference ReferralFlags flags) {
        this.referrals = referrals;
        this.details = details;
        this.reasons = reasons;
        this.flags = flags;
    }

    /**
     * @param assignee a user name, {@code -} for the unassigned queue, or left out for both the caller's own
     *                 referrals and the unassigned queue
     */
    @GET
    public Map<String, Object> list(@QueryParam("status") String status, @QueryParam("assignee") String assignee,
                                    @QueryParam("search") String search, @QueryParam("offset") @DefaultValue("0") int offset,
                                    @QueryParam("count") @DefaultValue("25") int count, @QueryParam("area") String area,
                                    @QueryParam("priority") String priority, @QueryParam("waitingDays") Integer waitingDays,
                                    @QueryParam("sort") String sort, @Context SecurityContext security) {
        Caller caller = caller(security);
        if (offset < 0 || count < 1 || count > ReferralSearch.MAX_COUNT) {
            throw WaymarkException.invalid("offset must be 0 or more and count between 1 and " + ReferralSearch.MAX_COUNT);
        }
        Set<ReferralStatus> statuses = parseStatuses(status);
        boolean workingList = assignee == null;
        if (waitingDays != null && waitingDays < 0) {
            throw WaymarkException.invalid("waitingDays must be 0 or more");
        }
        if (sort != null && !sort.equals("newest") && !sort.equals("oldest")) {
            throw WaymarkException.invalid("sort is newest or oldest");
        }
        if (priority != null && !PRIORITIES.contains(priority)) {
            throw WaymarkException.invalid("priority is one of " + PRIORITIES);
        }
        TimeRange received = waitingDays == null ? TimeRange.ANY
                : new TimeRange(null, Instant.now().minus(waitingDays, java.time.temporal.ChronoUnit.DAYS));
        Page<Referral> page = referrals.search(caller, new ReferralSearch(null, null, null, null, statuses,
                workingList ? caller.id() : assignee, workingList, search, offset, count)
                .withArea(area == null || area.isBlank() ? null : area)
                .withCaseloadFilters(priority == null || priority.isBlank() ? null : priority, received, "oldest".equals(sort))
                .withCountLimit(COUNT_LIMIT));
        Map<String, Object> body = new LinkedHashMap<>();
        // Counting a whole region's queue costs more than the page itself: beyond COUNT_LIMIT the total is "more than".
        body.put("total", Math.min(page.total(), COUNT_LIMIT));
        body.put("totalIsLowerBound", page.total() > COUNT_LIMIT);
        body.put("offset", page.offset());
        body.put("count", page.count());
        Map<String, Set<String>> flagged = flags.inForce(page.items().stream().map(Referral::id).toList());
        body.put("items", page.items().stream().map(r -> Item.of(r, flagged.getOrDefault(r.id(), Set.of()))).toList());
        return body;
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id, @Context SecurityContext security) {
        ReferralDetails.Detail detail = details.detail(caller(security), id);
        return Response.ok(detail).tag(new EntityTag(Long.toString(detail.version()))).build();
    }

    /**
     * @param reasonCode  a code from the area's reason list ({@code reject} for rejected, {@code hold} for on-hold);
     *                    its label becomes the reason, with {@code reason} as further detail
     * @param outcomeCode a code from the area's {@code outcome} list, for a closing status
     */
    public record StatusChange(String status, String reason, String reasonCode, String outcome, String outcomeCode) {
    }

    /** Accept, reject, put on hold, complete...; the referral's FHIR Task follows, so the GP sees each step. */
    @POST
    @Path("/{id}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changeStatus(@PathParam("id") String id, StatusChange change, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                                 @Context SecurityContext security) {
        if (change == null || change.status() == null) {
            throw WaymarkException.invalid("status is required");
        }
        ReferralStatus status = parseStatuses(change.status()).stream().findFirst().orElseThrow();
        Caller caller = caller(security);
        String area = change.reasonCode() == null && change.outcomeCode() == null ? null
                : referrals.find(caller, id).orElseThrow(() -> WaymarkException.notFound("No referral in your areas")).area();
        String reason = fromList(caller, area, status == ReferralStatus.ON_HOLD ? "hold" : "reject", change.reasonCode(), change.reason());
        String outcome = fromList(caller, area, "outcome", change.outcomeCode(), change.outcome());
        Referral referral = referrals.changeStatus(caller, id, new org.waymark.api.referral.StatusChange(status, reason, outcome),
                version(ifMatch));
        return Response.ok(Item.of(referral)).tag(new EntityTag(Long.toString(referral.version()))).build();
    }

    /** A reason list's label for the code, followed by the worker's own words if any. */
    private String fromList(Caller caller, String area, String list, String code, String text) {
        if (code == null || code.isBlank()) {
            return text;
        }
        String label = reasons.find(caller, list, area, code).orElseThrow(() -> WaymarkException.invalid("'"
                + PatientLinker.clip(code, 40) + "' is not in the area's " + list + " list")).label();
        return text == null || text.isBlank() ? label : label + ": " + text.strip();
    }

    /** If-Match carries the ETag of a GET: "3" or W/"3". */
    static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String digits = ifMatch.strip().replaceFirst("^W/", "").replace("\"", "");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw WaymarkException.invalid("If-Match must be the ETag of the referral, e.g. \"3\"");
        }
    }

    private static Set<ReferralStatus> parseStatuses(String status) {
        if (status == null || status.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(status.split(",")).map(String::strip)
                .map(code -> ReferralStatus.fromCode(code).orElseThrow(() -> WaymarkException.invalid("Unknown status '"
                        + PatientLinker.clip(code, 40) + "'; use one of " + Arrays.stream(ReferralStatus.values())
                        .map(ReferralStatus::code).collect(Collectors.joining(", ")))))
                .collect(Collectors.toSet());
    }

    private static Caller caller(SecurityContext security) {
        return CallerPrincipal.callerOf(security.getUserPrincipal()).orElseThrow();
    }
}
