package org.waymark.fhir.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.annotation.security.RolesAllowed;
import javax.ws.rs.GET;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.core.Context;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MultivaluedMap;
import javax.ws.rs.core.Response;
import javax.ws.rs.core.SecurityContext;
import javax.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.waymark.api.directory.OnwardReferral;
import org.waymark.api.directory.OnwardReferralRecords;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.Referral;
import org.waymark.api.referral.ReferralSearch;
import org.waymark.api.referral.ReferralService;
import org.waymark.api.referral.ReferralStatus;
import org.waymark.api.referral.TimeRange;
import org.waymark.api.security.Caller;
import org.waymark.api.security.Roles;

/**
 * Each referral's Task, through which the referrer follows its progress (Gravity SDOH closed loop), and, while the
 * directory is installed, the sub-Tasks ({@code partOf}) of its onward referrals to community services.
 */
@Component(service = {TaskResource.class, FhirEndpoint.class}, property = {
        "osgi.jaxrs.resource=true", "osgi.jaxrs.application.select=(osgi.jaxrs.name=fhir)"})
@Path("/Task")
@RolesAllowed({Roles.REFERRER, Roles.LINK_WORKER, Roles.ADMIN})
public final class TaskResource extends ReferralEndpoint {
    /** The search parameters as the CapabilityStatement declares them: names, never a name with a modifier. */
    static final Map<String, String> SEARCH_PARAMETERS = new LinkedHashMap<>();
    /** What a search may name: the declared parameters, and patient with its :identifier modifier. */
    static final Map<String, String> ACCEPTED = new LinkedHashMap<>();

    static {
        SEARCH_PARAMETERS.put("_id", "token");
        SEARCH_PARAMETERS.put("focus", "reference");
        SEARCH_PARAMETERS.put("status", "token");
        SEARCH_PARAMETERS.put("owner", "reference");
        SEARCH_PARAMETERS.put("_lastUpdated", "date");
        SEARCH_PARAMETERS.put("part-of", "reference");
        // Task.for: how a Gravity or BaRS receiver asks for one person's Tasks (R4 names it patient and subject).
        SEARCH_PARAMETERS.put("patient", "reference");
        SEARCH_PARAMETERS.put("subject", "reference");
        ACCEPTED.putAll(SEARCH_PARAMETERS);
        ACCEPTED.put("_sort", "special");
        ACCEPTED.put("_include", "include");
        ACCEPTED.put("patient:identifier", "token");
    }

    /** What _include may add: the ServiceRequest a Task is about, and the person it is for. */
    static final Set<String> INCLUDES = Set.of("Task:focus", "Task:patient", "Task:subject");

    /** What a search may be sorted by: a referral's Task is authored when the referral is received. */
    static final Map<String, ReferralSearch.SortKey> SORT_KEYS = Map.of(
            "authored-on", ReferralSearch.SortKey.RECEIVED, "_lastUpdated", ReferralSearch.SortKey.LAST_UPDATED);

    /** The directory's onward referrals; absent when the directory is not installed, and then no sub-Task exists. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile OnwardReferralRecords onward;

    @Activate
    public TaskResource(@Reference Fhir fhir, @Reference ReferralService referrals, @Reference FhirSettings settings) {
        super(fhir, referrals, settings, "Task", List.of("read", "vread", "search-type"), SEARCH_PARAMETERS);
    }

    @Override
    public Map<String, String> searchParameterDocumentation() {
        return Map.of("patient", "Patient/{id} (Task.for), or with the :identifier modifier the patient's NHS number "
                        + "(patient:identifier=" + NhsNumber.SYSTEM + "|{NHS number})",
                "subject", "Patient/{id} (Task.for)",
                "status", "Comma separated, any of them",
                "_id", "One id; a comma separated list is refused");
    }

    @Override
    public Set<String> searchIncludes() {
        return INCLUDES;
    }

    @GET
    @Path("/{id}")
    public Response read(@PathParam("id") String id, @Context HttpHeaders headers, @Context UriInfo uri,
                         @Context SecurityContext security) {
        Caller caller = Callers.of(security);
        Optional<Referral> referral = referrals.findByTask(caller, id);
        if (referral.isPresent()) {
            OnwardReferralRecords records = onward;
            return read(referral, id, r -> OnwardTaskMapping.toTask(r, records), headers, uri);
        }
        return read(subTask(caller, id), id, task -> task, headers, uri);
    }

    @GET
    @Path("/{id}/_history/{vid}")
    public Response vread(@PathParam("id") String id, @PathParam("vid") String versionId, @Context HttpHeaders headers,
                          @Context UriInfo uri, @Context SecurityContext security) {
        Caller caller = Callers.of(security);
        Optional<Referral> referral = referrals.findByTask(caller, id);
        if (referral.isPresent()) {
            OnwardReferralRecords records = onward;
            return vread(referral, id, versionId, r -> OnwardTaskMapping.toTask(r, records), headers, uri);
        }
        return vread(subTask(caller, id), id, versionId, task -> task, headers, uri);
    }

    /**
     * An onward referral's sub-Task, for those who may read its referral: reading the referral through the referral
     * service checks the caller's scope and audits the read, exactly as for the referral's own Task.
     */
    private Optional<Task> subTask(Caller caller, String id) {
        OnwardReferralRecords records = onward;
        if (records == null) {
            return Optional.empty();
        }
        return records.find(id).flatMap(o -> referrals.find(caller, o.referralId()).map(r -> OnwardTaskMapping.toSubTask(r, o)));
    }

    /** The code system of Task.status, which a token search may name ({@code system|code}). */
    static final String TASK_STATUS = "http://hl7.org/fhir/task-status";

    /**
     * Task statuses, comma separated (any of them). Valid Task codes that no referral ever has (draft, ready, ...)
     * match nothing; codes that are not Task statuses are refused.
     */
    static Set<ReferralStatus> statuses(String status) {
        if (status == null) {
            return Set.of();
        }
        Set<ReferralStatus> statuses = EnumSet.noneOf(ReferralStatus.class);
        for (String code : TokenParam.codes(status, TASK_STATUS)) {
            String c = code.strip();
            Optional<ReferralStatus> known = ReferralStatus.fromCode(c);
            if (known.isPresent()) {
                statuses.add(known.get());
            } else if (!TASK_STATUSES.contains(c)) {
                throw WaymarkException.invalid("Unknown Task status: " + Messages.safe(c));
            }
        }
        return statuses;
    }

    private static final Set<String> TASK_STATUSES = Set.of("draft", "requested", "received", "accepted", "rejected",
            "ready", "cancelled", "in-progress", "on-hold", "failed", "completed", "entered-in-error");

    @GET
    public Response search(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        FhirRequest request = request(headers, uri);
        MultivaluedMap<String, String> query = uri.getQueryParameters();
        Set<String> ignored = Searches.requireSupported(headers, query, ACCEPTED);
        Caller caller = Callers.of(security);
        String partOf = Searches.referenceId("part-of", query.getFirst("part-of"), "Task");
        String focus = Searches.referenceId("focus", query.getFirst("focus"), "ServiceRequest");
        String id = Searches.id(query);
        Searches.Sort sort = Searches.sort(query, SORT_KEYS);
        if (id != null) {
            return searchById(request, query, ignored, caller, sort, id, partOf, focus);
        }
        if (partOf != null) {
            return subTaskSearch(request, query, ignored, caller, sort, partOf, focus, task -> true);
        }
        return referralTaskSearch(request, query, ignored, caller, sort, focus);
    }

    /** Referrals' own Tasks; {@code referralId} (a focus, or the referral of an _id) narrows them to one. */
    private Response referralTaskSearch(FhirRequest request, MultivaluedMap<String, String> query, Set<String> ignored,
                                        Caller caller, Searches.Sort sort, String referralId) {
        Searches.PatientCriterion patient = Searches.patient(query, ACCEPTED);
        String owner = Searches.referenceId("owner", query.getFirst("owner"), "Organization");
        Set<ReferralStatus> statuses = statuses(query.getFirst("status"));
        Searches.Paging paging = Searches.paging(query);
        ReferralSearch search = new ReferralSearch(patient.patientId(), patient.nhsNumber(), null, null, statuses, null,
                false, null, paging.offset(), paging.count())
                .withReferralId(referralId)
                .withSort(sort.key(), sort.ascending())
                .withArea(owner == null ? null : ReferralMapping.areaOfOwner(owner))
                .withLastUpdated(DateSearch.instants("_lastUpdated", query.get("_lastUpdated")));
        boolean nothingCanMatch = (query.getFirst("status") != null && statuses.isEmpty()) || search.lastUpdated().isEmpty()
                || (owner != null && search.area() == null) || patient.nothingMatches();
        Page<Referral> page = nothingCanMatch ? new Page<>(List.of(), 0, paging.offset(), paging.count())
                : referrals.search(caller, search);
        OnwardReferralRecords records = onward;
        List<Task> tasks = page.items().stream().map(r -> OnwardTaskMapping.toTask(r, records)).toList();
        return answer(request, query, ignored, caller, new Page<>(tasks, page.total(), page.offset(), page.count()), page.items());
    }

    /**
     * The searchset of these Tasks, with what _include asks for beside them.
     *
     * @param focused the referrals the Tasks are about when the search has read them already (their ServiceRequests
     *                are then made from them, not read again); empty for sub-Tasks
     */
    private Response answer(FhirRequest request, MultivaluedMap<String, String> query, Set<String> ignored, Caller caller,
                            Page<Task> tasks, List<Referral> focused) {
        Set<String> includes = Searches.includes(query, "_include", INCLUDES);
        List<Resource> included = new ArrayList<>();
        if (!request.subset().countOnly()) {
            if (includes.contains("Task:focus")) {
                included.addAll(focused.isEmpty() ? SearchIncludes.serviceRequests(referrals, caller, tasks.items().stream()
                        .map(t -> SearchIncludes.idOf(t.getFocus().getReference(), "ServiceRequest")).filter(Objects::nonNull).toList())
                        : focused.stream().map(ReferralMapping::toServiceRequest).toList());
            }
            if (includes.contains("Task:patient") || includes.contains("Task:subject")) {
                included.addAll(SearchIncludes.patients(referrals, caller, tasks.items().stream()
                        .map(t -> SearchIncludes.idOf(t.getFor().getReference(), "Patient")).filter(Objects::nonNull).toList()));
            }
        }
        return responder.resource(request, 200, Searches.searchset(request, "Task", tasks, t -> t, ignored, included));
    }

    /** The sub-Tasks of one referral's Task that pass the search's criteria and {@code also}. */
    private Response subTaskSearch(FhirRequest request, MultivaluedMap<String, String> query, Set<String> ignored,
                                   Caller caller, Searches.Sort sort, String partOf, String focus, Predicate<Task> also) {
        Searches.PatientCriterion patient = Searches.patient(query, ACCEPTED);
        Set<ReferralStatus> statuses = statuses(query.getFirst("status"));
        Searches.Paging paging = Searches.paging(query);
        TimeRange lastUpdated = DateSearch.instants("_lastUpdated", query.get("_lastUpdated"));
        // Sub-Tasks name their owner by display only, so an owner search matches none of them.
        String owner = Searches.referenceId("owner", query.getFirst("owner"), "Organization");
        boolean nothingCanMatch = (query.getFirst("status") != null && statuses.isEmpty()) || lastUpdated.isEmpty()
                || owner != null || patient.nothingMatches();
        Set<String> codes = statuses.stream().map(ReferralStatus::code).collect(Collectors.toSet());
        List<Task> subTasks = nothingCanMatch ? List.of() : subTasks(caller, partOf, patient).stream()
                .filter(t -> focus == null || t.getFocus().getReference().equals("ServiceRequest/" + focus))
                .filter(t -> codes.isEmpty() || codes.contains(t.getStatus().toCode()))
                .filter(t -> within(lastUpdated, t.getMeta().getLastUpdated().toInstant()))
                .filter(also)
                // Without a _sort, in the order the directory keeps them (as listed before _sort was supported).
                .sorted(query.getFirst("_sort") == null ? (x, y) -> 0 : order(sort))
                .toList();
        return answer(request, query, ignored, caller, page(subTasks, paging), List.of());
    }

    /**
     * A search naming one Task by {@code _id}: a referral's Task (its referral found through its Task, so the
     * caller's scope and the audit apply as to a read) searched with the other criteria narrowed to that referral,
     * or an onward referral's sub-Task searched among its parent's. Any other id matches nothing.
     */
    private Response searchById(FhirRequest request, MultivaluedMap<String, String> query, Set<String> ignored,
                                Caller caller, Searches.Sort sort, String id, String partOf, String focus) {
        Searches.Paging paging = Searches.paging(query);
        Supplier<Response> none = () -> answer(request, query, ignored, caller,
                new Page<Task>(List.of(), 0, paging.offset(), paging.count()), List.of());
        if (Searches.noResourceHas(id)) {
            return none.get();
        }
        Optional<Referral> owner = referrals.findByTask(caller, id);
        if (owner.isPresent()) {
            boolean otherFocus = focus != null && !focus.equals(owner.get().id());
            // A referral's own Task is part of nothing.
            return partOf != null || otherFocus ? none.get() : referralTaskSearch(request, query, ignored, caller, sort, owner.get().id());
        }
        OnwardReferralRecords records = onward;
        Optional<OnwardReferral> sub = records == null ? Optional.empty() : records.find(id);
        if (sub.isEmpty() || partOf != null && !partOf.equals(sub.get().partOfTaskId())) {
            return none.get();
        }
        return subTaskSearch(request, query, ignored, caller, sort, sub.get().partOfTaskId(), focus,
                t -> t.getIdElement().getIdPart().equals(id));
    }

    /**
     * The sub-Tasks of a referral's Task, if the caller may read that referral. Sub-Tasks have no owner reference
     * (their owner is a directory organisation, named by display only), so an owner search matches none of them.
     */
    private List<Task> subTasks(Caller caller, String taskId, Searches.PatientCriterion patient) {
        OnwardReferralRecords records = onward;
        if (records == null) {
            return List.of();
        }
        return referrals.findByTask(caller, taskId)
                .filter(r -> patient.patientId() == null || patient.patientId().equals(r.patientId()))
                .filter(r -> patient.nhsNumber() == null
                        || (r.patientNhsNumber() != null && patient.nhsNumber().equals(r.patientNhsNumber().value())))
                .map(r -> records.ofReferral(r.id()).stream().map(o -> OnwardTaskMapping.toSubTask(r, o)).toList())
                .orElse(List.of());
    }

    /** Sub-Tasks in the order a search asks, by the Task's own dates. */
    private static Comparator<Task> order(Searches.Sort sort) {
        Comparator<Task> ascending = Comparator.comparing((Task t) -> sort.key() == ReferralSearch.SortKey.LAST_UPDATED
                ? t.getMeta().getLastUpdated() : t.getAuthoredOn()).thenComparing(t -> t.getIdElement().getIdPart());
        return sort.ascending() ? ascending : ascending.reversed();
    }

    private static boolean within(TimeRange range, Instant instant) {
        return (range.from() == null || !instant.isBefore(range.from())) && (range.to() == null || !instant.isAfter(range.to()));
    }

    private static <T> Page<T> page(List<T> all, Searches.Paging paging) {
        int from = Math.min(paging.offset(), all.size());
        int to = Math.min(from + paging.count(), all.size());
        return new Page<>(all.subList(from, to), all.size(), paging.offset(), paging.count());
    }
}
