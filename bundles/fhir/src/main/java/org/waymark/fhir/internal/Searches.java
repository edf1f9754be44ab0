package org.waymark.fhir.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.ws.rs.core.HttpHeaders;
import javax.ws.rs.core.MultivaluedMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.identity.NhsNumber;
import org.waymark.api.referral.Page;
import org.waymark.api.referral.ReferralSearch;

/** Paging and the searchset Bundle, shared by every FHIR search. */
final class Searches {
    static final int DEFAULT_COUNT = 20;
    /** Parameters every search understands; anything else must be declared by the endpoint or is refused. */
    static final Set<String> CONTROL = Set.of("_count", "_offset", "_total", "_format", "_pretty", "_summary", "_elements");
    private static final Set<String> TOTALS = Set.of("none", "estimate", "accurate");

    record Paging(int offset, int count) {
    }

    private Searches() {
    }

    /** Refuses parameters the endpoint does not support, rather than silently ignoring them and matching too much. */
    static void requireSupported(MultivaluedMap<String, String> query, Map<String, String> supported) {
        requireSupported(false, query, supported);
    }

    /**
     * As {@link #requireSupported(MultivaluedMap, Map)}, unless the client asked for lenient handling ({@code Prefer:
     * handling=lenient}, FHIR search 3.1.1.4): then unsupported parameters are left out, and the answer says which
     * (its self link leaves them out and an OperationOutcome entry names them). Invalid values of supported
     * parameters are refused either way.
     *
     * @return the parameters left out; empty unless lenient
     */
    static Set<String> requireSupported(HttpHeaders headers, MultivaluedMap<String, String> query, Map<String, String> supported) {
        return requireSupported(lenient(headers.getRequestHeader("Prefer")), query, supported);
    }

    static boolean lenient(List<String> prefer) {
        if (prefer == null) {
            return false;
        }
        for (String header : prefer) {
            for (String preference : header.split("[,;]")) {
                if (preference.strip().replace(" ", "").equalsIgnoreCase("handling=lenient")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Set<String> requireSupported(boolean lenient, MultivaluedMap<String, String> query, Map<String, String> supported) {
        Set<String> unknown = new TreeSet<>();
        for (String name : query.keySet()) {
            if (!CONTROL.contains(name) && !supported.containsKey(name)) {
                unknown.add(name);
            }
        }
        if (lenient) {
            requireValidValues(query, supported);
            return unknown;
        }
        if (!unknown.isEmpty()) {
            throw WaymarkException.invalid("Unsupported search parameter(s): " + Messages.safe(String.join(", ", unknown))
                    + ". Supported: " + String.join(", ", new TreeSet<>(supported.keySet())));
        }
        requireValidValues(query, supported);
        return Set.of();
    }

    private static void requireValidValues(MultivaluedMap<String, String> query, Map<String, String> supported) {
        // Every searchset carries an accurate total, which answers each of FHIR's three; anything else is a typo that
        // would otherwise pass unnoticed.
        requireOneOf(query, "_total", TOTALS);
        requireOneOf(query, "_pretty", Set.of("true", "false"));
        for (Map.Entry<String, List<String>> entry : query.entrySet()) {
            if (!CONTROL.contains(entry.getKey()) && !supported.containsKey(entry.getKey())) {
                continue;
            }
            // Dates may repeat to give both ends of a range (ge... and lt...); a third value adds nothing.
            int allowed = switch (String.valueOf(supported.get(entry.getKey()))) {
                case "date" -> 2;
                case "include" -> MAX_INCLUDES;
                default -> 1;
            };
            if (entry.getValue().size() > allowed && !entry.getKey().equals("_format")
                    && !ResponseSubset.PARAMETERS.contains(entry.getKey())) {
                throw WaymarkException.invalid("Repeating the search parameter " + Messages.safe(entry.getKey()) + " is not supported");
            }
        }
    }

    private static void requireOneOf(MultivaluedMap<String, String> query, String name, Set<String> allowed) {
        List<String> values = query.get(name);
        if (values == null) {
            return;
        }
        for (String value : values) {
            if (!allowed.contains(value.strip())) {
                throw WaymarkException.invalid(name + " must be one of " + String.join(", ", new TreeSet<>(allowed))
                        + " (got " + Messages.safe(value) + ")");
            }
        }
    }

    /** How many kinds of resource one search may add with _include or _revinclude. */
    static final int MAX_INCLUDES = 3;

    /**
     * The {@code _include} (or {@code _revinclude}) values a search names, each one the endpoint offers
     * ({@code SourceType:searchParameter}, optionally {@code :TargetType}); anything else is refused rather than
     * answered without what was asked for.
     */
    static Set<String> includes(MultivaluedMap<String, String> query, String parameter, Set<String> offered) {
        List<String> values = query.get(parameter);
        if (values == null) {
            return Set.of();
        }
        Set<String> includes = new TreeSet<>();
        for (String value : values) {
            String include = value.strip();
            String withoutTarget = include.chars().filter(ch -> ch == ':').count() == 2
                    ? include.substring(0, include.lastIndexOf(':')) : include;
            if (!offered.contains(withoutTarget) && !offered.contains(include)) {
                throw WaymarkException.invalid(parameter + "=" + Messages.safe(include) + " is not supported. Supported: "
                        + (offered.isEmpty() ? "none" : String.join(", ", new TreeSet<>(offered))));
            }
            includes.add(withoutTarget);
        }
        return includes;
    }

    /** A search's {@code _sort}: one key, ascending unless written with a leading '-'. */
    record Sort(ReferralSearch.SortKey key, boolean ascending) {
        /** The order of a search without {@code _sort}: newest received first. */
        static final Sort DEFAULT = new Sort(ReferralSearch.SortKey.RECEIVED, false);
    }

    /**
     * The order {@code _sort} asks for, by the names an endpoint sorts by. One key: the ties of every key here are
     * rare enough that a second adds nothing, and refusing it beats ignoring it.
     */
    static Sort sort(MultivaluedMap<String, String> query, Map<String, ReferralSearch.SortKey> keys) {
        String value = query.getFirst("_sort");
        if (value == null) {
            return Sort.DEFAULT;
        }
        String name = value.strip();
        if (name.contains(",")) {
            throw WaymarkException.invalid("_sort takes one key");
        }
        boolean descending = name.startsWith("-");
        ReferralSearch.SortKey key = keys.get(descending ? name.substring(1) : name);
        if (key == null) {
            throw WaymarkException.invalid("_sort by " + Messages.safe(name) + " is not supported. Sort by any of: "
                    + String.join(", ", new TreeSet<>(keys.keySet())) + " (a leading - for descending)");
        }
        return new Sort(key, !descending);
    }

    /** A FHIR id: letters, digits, '-' and '.', at most 64 (FHIR's id datatype). */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    /**
     * The {@code _id} a search names, or null. One id: a list ({@code _id=a,b}) is refused rather than read as an id
     * that matches nothing. A value that cannot be an id is returned as it is, and matches nothing (see
     * {@link #noResourceHas}).
     */
    static String id(MultivaluedMap<String, String> query) {
        String value = query.getFirst("_id");
        if (value == null) {
            return null;
        }
        String id = value.strip();
        if (id.isEmpty()) {
            throw WaymarkException.invalid("_id needs a value");
        }
        if (id.contains(",")) {
            throw WaymarkException.invalid("_id takes one id; search once for each");
        }
        return id;
    }

    /** Whether an {@code _id} is no FHIR id at all, so that no resource has it and the search finds nothing. */
    static boolean noResourceHas(String id) {
        return id != null && !FHIR_ID.matcher(id).matches();
    }

    /** A reference search value: {@code Type/id}, a full URL ending so, or a bare id. */
    static String referenceId(String name, String value, String type) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        int at = v.lastIndexOf(type + "/");
        String id = at >= 0 ? v.substring(at + type.length() + 1) : v;
        if (id.isEmpty() || id.contains("/") || (at < 0 && v.contains("/"))) {
            throw WaymarkException.invalid(name + " must be " + type + "/{id}");
        }
        return id;
    }

    /**
     * Whom a search is about: {@code patient} (or {@code subject}, where the endpoint declares it) as
     * {@code Patient/{id}}, or {@code patient:identifier} as an NHS number, as BaRS receivers search.
     *
     * @param patientId      the Patient's id, or null
     * @param nhsNumber      ten digits, or null
     * @param nothingMatches patient and subject named two different patients (both name the same element), or the
     *                       patient:identifier has no system ({@code |value}), which no NHS number matches
     */
    record PatientCriterion(String patientId, String nhsNumber, boolean nothingMatches) {
    }

    /** @param accepted what the endpoint accepts: a lenient search leaves the others out, so they are not read */
    static PatientCriterion patient(MultivaluedMap<String, String> query, Map<String, String> accepted) {
        String patient = referenceId("patient", accepted(query, accepted, "patient"), "Patient");
        String subject = referenceId("subject", accepted(query, accepted, "subject"), "Patient");
        TokenParam identifier = TokenParam.parse(accepted(query, accepted, "patient:identifier"));
        String nhsNumber = null;
        if (identifier != null && identifier.withoutSystem()) {
            // FHIR's |value: an identifier without a system. Every NHS number has its system, so no patient matches.
            return new PatientCriterion(patient != null ? patient : subject, null, true);
        }
        if (identifier != null) {
            // Without a system FHIR matches the value in any system, and the NHS number is the only one held here.
            if (identifier.system() != null && !NhsNumber.SYSTEM.equals(identifier.system())) {
                throw WaymarkException.invalid("patient:identifier supports the NHS number system " + NhsNumber.SYSTEM);
            }
            nhsNumber = NhsNumber.parse(identifier.value())
                    .orElseThrow(() -> WaymarkException.invalid("The NHS number must have exactly 10 digits")).value();
        }
        return new PatientCriterion(patient != null ? patient : subject, nhsNumber,
                patient != null && subject != null && !patient.equals(subject));
    }

    private static String accepted(MultivaluedMap<String, String> query, Map<String, String> accepted, String name) {
        return accepted.containsKey(name) ? query.getFirst(name) : null;
    }

    static Paging paging(MultivaluedMap<String, String> query) {
        int count = integer(query.getFirst("_count"), DEFAULT_COUNT, "_count");
        int offset = integer(query.getFirst("_offset"), 0, "_offset");
        if (count < 0 || offset < 0) {
            throw WaymarkException.invalid("_count and _offset must not be negative");
        }
        return new Paging(offset, Math.min(count, ReferralSearch.MAX_COUNT));
    }

    private static int integer(String value, int fallback, String name) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw WaymarkException.invalid(name + " must be a whole number");
        }
    }

    static <T> Bundle searchset(FhirRequest request, String resourceType, Page<T> page, Function<T, Resource> toResource) {
        return searchset(request, resourceType, page, toResource, Set.of());
    }

    /** @param ignored the parameters a lenient search left out: not in its links, and named in an outcome entry */
    static <T> Bundle searchset(FhirRequest request, String resourceType, Page<T> page, Function<T, Resource> toResource,
                                Set<String> ignored) {
        return searchset(request, resourceType, page, toResource, ignored, List.of());
    }

    /** @param included what _include and _revinclude added: entries of search mode include, not counted in the total */
    static <T> Bundle searchset(FhirRequest request, String resourceType, Page<T> page, Function<T, Resource> toResource,
                                Set<String> ignored, List<? extends Resource> included) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(page.total());
        bundle.setId(java.util.UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(new java.util.Date());
        bundle.addLink().setRelation("self").setUrl(pageUrl(request, resourceType, page.offset(), page.count(), ignored));
        if (page.hasNext() && page.count() > 0) {
            bundle.addLink().setRelation("next").setUrl(pageUrl(request, resourceType, page.offset() + page.count(), page.count(), ignored));
        }
        if (page.offset() > 0) {
            bundle.addLink().setRelation("previous")
                    .setUrl(pageUrl(request, resourceType, Math.max(0, page.offset() - page.count()), page.count(), ignored));
        }
        if (page.count() > 0) {
            // first and last, as FHIR servers commonly give them: a client shows "page 3 of 12" and jumps to the end.
            int lastOffset = page.total() == 0 ? 0 : (page.total() - 1) / page.count() * page.count();
            bundle.addLink().setRelation("first").setUrl(pageUrl(request, resourceType, 0, page.count(), ignored));
            bundle.addLink().setRelation("last").setUrl(pageUrl(request, resourceType, lastOffset, page.count(), ignored));
        }
        // _summary=count: how many match, and none of them (the total is counted all the same).
        for (T item : request.subset().countOnly() ? List.<T>of() : page.items()) {
            Resource resource = toResource.apply(item);
            bundle.addEntry().setFullUrl(request.url(ReferralMapping.typeAndId(resource))).setResource(resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        for (Resource resource : request.subset().countOnly() ? List.<Resource>of() : included) {
            bundle.addEntry().setFullUrl(request.url(ReferralMapping.typeAndId(resource))).setResource(resource)
                    .getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
        }
        if (!ignored.isEmpty()) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.setId(java.util.UUID.randomUUID().toString());
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING).setCode(OperationOutcome.IssueType.NOTSUPPORTED)
                    .setDiagnostics("Unsupported search parameter(s) left out, as Prefer: handling=lenient asked: "
                            + Messages.safe(String.join(", ", ignored)));
            bundle.addEntry().setFullUrl("urn:uuid:" + outcome.getId()).setResource(outcome)
                    .getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        }
        return bundle;
    }

    private static String pageUrl(FhirRequest request, String resourceType, int offset, int count, Set<String> ignored) {
        StringBuilder url = new StringBuilder(request.baseUrl()).append('/').append(resourceType).append('?');
        request.uri().getQueryParameters().forEach((name, values) -> {
            if (!name.equals("_offset") && !name.equals("_count") && !ignored.contains(name)) {
                values.forEach(value -> url.append(encode(name)).append('=').append(encode(value)).append('&'));
            }
        });
        return url.append("_count=").append(count).append("&_offset=").append(offset).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
