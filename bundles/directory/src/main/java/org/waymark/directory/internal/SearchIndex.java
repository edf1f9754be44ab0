package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.waymark.api.directory.Coordinates;

/**
 * Search over services, in memory (Derby has no full-text or geo search). Words of the name, the taxonomy terms, the
 * organisation's name and the description are indexed with falling weights; a query word matches a whole indexed word,
 * or its start (weaker) once it has three letters. All words must match; if no service has them all, services with
 * most of them come first. Relevance is discounted with distance when a postcode is given, so a strong match across
 * the city does not hide a good one round the corner.
 */
final class SearchIndex {
    private static final float NAME = 3f;
    private static final float TERM = 2f;
    private static final float ORGANIZATION = 1.5f;
    private static final float DESCRIPTION = 1f;
    private static final float PREFIX = 0.6f;
    /** Kilometres at which a match's relevance is halved. */
    private static final double HALF_RELEVANCE_KM = 3;
    private static final java.util.regex.Pattern COMBINING_MARKS = java.util.regex.Pattern.compile("\\p{M}+");
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "at", "be", "by", "for", "from", "in",
            "is", "it", "of", "on", "or", "our", "the", "to", "we", "with", "you", "your");

    /** What the filters need to know about one service, computed once per catalog. */
    /** @param lastModified when the service says it last changed ({@code last_modified}); null when it does not */
    record Entry(String id, String sortName, double minimumAge, double maximumAge, Set<String> termIds,
                 Set<String> taxonomyIds, List<Slot> slots, List<Coordinates> points, boolean free, String organizationId,
                 Instant lastModified) {
    }

    /** One opening: the days (bit 0 = Monday) and hours of a schedule; null hours when the schedule has none. */
    record Slot(int days, LocalTime opens, LocalTime closes) {
    }

    record Hit(int service, double score, double distanceMetres) {
    }

    private record Postings(int[] services, float[] weights) {
    }

    /** What a search found: how many services match, and the best {@code limit} of them in order. */
    record Result(int total, List<Hit> top) {
    }

    private final Entry[] entries;
    /** Each service's place in name order, so that ties sort by a number rather than by comparing names. */
    private final int[] nameRank;
    private final TreeMap<String, Postings> words = new TreeMap<>();

    SearchIndex(Catalog catalog) {
        List<Entry> list = new ArrayList<>();
        Map<String, Map<Integer, Float>> building = new HashMap<>();
        for (ObjectNode service : catalog.all(Kind.SERVICE)) {
            int n = list.size();
            String id = Catalog.id(service);
            List<ObjectNode> terms = catalog.termsOf(id);
            Set<String> termIds = new HashSet<>();
            Set<String> taxonomyIds = new HashSet<>();
            for (ObjectNode term : terms) {
                termIds.add(Catalog.id(term));
                if (term.hasNonNull("taxonomy_id")) {
                    taxonomyIds.add(term.get("taxonomy_id").asText());
                }
                addWords(building, n, term.path("name").asText(""), TERM);
            }
            // Found by its capacity term (taxonomy_term_id of "Full"), as the API tags it; not by its words, which
            // describe the service's state rather than what it does.
            catalog.capacityTerm(id).ifPresent(term -> {
                termIds.add(Catalog.id(term));
                taxonomyIds.add(term.path("taxonomy_id").asText());
            });
            addWords(building, n, service.path("name").asText(""), NAME);
            addWords(building, n, service.path("description").asText(""), DESCRIPTION);
            catalog.get(Kind.ORGANIZATION, service.path("organization_id").asText())
                    .ifPresent(o -> addWords(building, n, o.path("name").asText(""), ORGANIZATION));
            List<Slot> slots = new ArrayList<>();
            for (ObjectNode schedule : catalog.schedulesOf(id)) {
                slots.add(new Slot(days(schedule.path("byday").asText("")), time(schedule.get("opens_at")),
                        time(schedule.get("closes_at"))));
            }
            List<Coordinates> points = new ArrayList<>();
            for (ObjectNode location : catalog.locationsOf(id)) {
                JsonNode lat = location.get("latitude");
                JsonNode lon = location.get("longitude");
                if (lat != null && lon != null && lat.isNumber() && lon.isNumber()
                        && Math.abs(lat.asDouble()) <= 90 && Math.abs(lon.asDouble()) <= 180) {
                    points.add(new Coordinates(lat.asDouble(), lon.asDouble()));
                }
            }
            list.add(new Entry(id, service.path("name").asText("").toLowerCase(Locale.ROOT),
                    service.path("minimum_age").asDouble(Double.NaN), service.path("maximum_age").asDouble(Double.NaN),
                    termIds, taxonomyIds, slots, points, free(service, catalog.children(Kind.COST_OPTION, "service_id", id)),
                    service.path("organization_id").asText(null), instant(service.get("last_modified"))));
        }
        entries = list.toArray(Entry[]::new);
        Integer[] byName = new Integer[entries.length];
        for (int i = 0; i < byName.length; i++) {
            byName[i] = i;
        }
        Arrays.sort(byName, Comparator.comparing((Integer i) -> entries[i].sortName()).thenComparing(i -> entries[i].id()));
        nameRank = new int[entries.length];
        for (int rank = 0; rank < byName.length; rank++) {
            nameRank[byName[rank]] = rank;
        }
        building.forEach((word, postings) -> {
            int[] services = new int[postings.size()];
            float[] weights = new float[postings.size()];
            int i = 0;
            for (Map.Entry<Integer, Float> posting : postings.entrySet()) {
                services[i] = posting.getKey();
                weights[i++] = posting.getValue();
            }
            words.put(word, new Postings(services, weights));
        });
    }

    int size() {
        return entries.length;
    }

    Entry entry(int service) {
        return entries[service];
    }

    /**
     * Services matching the query, best first.
     *
     * @param origin the centroid of the query's postcode, or null
     */
    List<Hit> search(ServiceQuery query, Coordinates origin) {
        List<Hit> hits = searchUnsorted(query, origin);
        hits.sort(order(query.text() != null, origin != null));
        return hits;
    }

    private List<Hit> searchUnsorted(ServiceQuery query, Coordinates origin) {
        float[] relevance = null;
        if (query.text() != null) {
            relevance = relevance(words(query.text()));
        }
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            if (relevance != null && relevance[i] <= 0) {
                continue;
            }
            Entry entry = entries[i];
            if (!matchesFilters(entry, query)) {
                continue;
            }
            double distance = Double.POSITIVE_INFINITY;
            if (origin != null) {
                for (Coordinates point : entry.points()) {
                    distance = Math.min(distance, origin.metresTo(point));
                }
                if (query.proximity() != null && !(distance <= query.proximity())) {
                    continue;
                }
            }
            double score = relevance == null ? 0 : relevance[i];
            if (relevance != null && origin != null) {
                score = Double.isInfinite(distance) ? score * 0.1 : score / (1 + distance / 1000 / HALF_RELEVANCE_KM);
            }
            hits.add(new Hit(i, score, distance));
        }
        return hits;
    }

    /**
     * Like {@link #search} but only the best {@code limit} hits are put in order (a bounded heap instead of sorting
     * every match): a page of 20 out of 5,000 matches costs far less.
     */
    Result search(ServiceQuery query, Coordinates origin, int limit) {
        List<Hit> all = searchUnsorted(query, origin);
        Comparator<Hit> order = order(query.text() != null, origin != null);
        if (limit <= 0) {
            return new Result(all.size(), List.of());
        }
        if (all.size() <= limit * 4L) {
            all.sort(order);
            return new Result(all.size(), all.subList(0, Math.min(limit, all.size())));
        }
        java.util.PriorityQueue<Hit> best = new java.util.PriorityQueue<>(limit + 1, order.reversed());
        for (Hit hit : all) {
            best.add(hit);
            if (best.size() > limit) {
                best.poll();
            }
        }
        List<Hit> top = new ArrayList<>(best);
        top.sort(order);
        return new Result(all.size(), top);
    }

    private Comparator<Hit> order(boolean byRelevance, boolean byDistance) {
        Comparator<Hit> byName = (a, b) -> Integer.compare(nameRank[a.service()], nameRank[b.service()]);
        if (byRelevance) {
            return ((Comparator<Hit>) (a, b) -> Double.compare(b.score(), a.score())).thenComparing(byName);
        }
        if (byDistance) {
            return ((Comparator<Hit>) (a, b) -> Double.compare(a.distanceMetres(), b.distanceMetres())).thenComparing(byName);
        }
        return byName;
    }

    static boolean matchesFilters(Entry entry, ServiceQuery query) {
        if (query.taxonomyTermId() != null && !entry.termIds().contains(query.taxonomyTermId())) {
            return false;
        }
        if (query.taxonomyId() != null && !entry.taxonomyIds().contains(query.taxonomyId())) {
            return false;
        }
        if (query.organizationId() != null && !query.organizationId().equals(entry.organizationId())) {
            return false;
        }
        // "Modified on or after": a service that does not say when it changed cannot be said to have.
        if (query.modifiedAfter() != null && (entry.lastModified() == null || entry.lastModified().isBefore(query.modifiedAfter()))) {
            return false;
        }
        // The profile's wording: "a minimum age of at least" / "a maximum age equal to or below" the value.
        if (query.minimumAge() != null && !(entry.minimumAge() >= query.minimumAge())) {
            return false;
        }
        if (query.maximumAge() != null && !(entry.maximumAge() <= query.maximumAge())) {
            return false;
        }
        if (query.age() != null && ((entry.minimumAge() > query.age()) || (entry.maximumAge() < query.age()))) {
            return false;
        }
        if (query.freeOnly() && !entry.free()) {
            return false;
        }
        if (query.filtersOnSchedule()) {
            boolean any = false;
            for (Slot slot : entry.slots()) {
                if ((query.dayMask() == 0 || (slot.days() & query.dayMask()) != 0)
                        && (query.startTime() == null || (slot.opens() != null && !slot.opens().isBefore(query.startTime())))
                        && (query.endTime() == null || (slot.closes() != null && !slot.closes().isAfter(query.endTime())))) {
                    any = true;
                    break;
                }
            }
            return any;
        }
        return true;
    }

    /**
     * Per service, the summed best match of each query word, weighted by how rare that query word is among services;
     * services missing a word are dropped if any has all.
     */
    private float[] relevance(List<String> queryWords) {
        float[] total = new float[entries.length];
        if (queryWords.isEmpty()) {
            Arrays.fill(total, 1);
            return total;
        }
        int[] matched = new int[entries.length];
        float[] best = new float[entries.length];
        for (String queryWord : queryWords) {
            Arrays.fill(best, 0);
            int matching = 0;
            SortedMap<String, Postings> candidates = queryWord.length() >= 3
                    ? words.subMap(queryWord, queryWord + Character.MAX_VALUE)
                    : words.containsKey(queryWord) ? words.subMap(queryWord, queryWord + "\0") : new TreeMap<>();
            for (Map.Entry<String, Postings> candidate : candidates.entrySet()) {
                Postings postings = candidate.getValue();
                float exact = candidate.getKey().equals(queryWord) ? 1f : PREFIX;
                for (int i = 0; i < postings.services().length; i++) {
                    int service = postings.services()[i];
                    if (best[service] == 0) {
                        matching++;
                    }
                    best[service] = Math.max(best[service], postings.weights()[i] * exact);
                }
            }
            if (matching == 0) {
                continue;
            }
            // The rarity is the query word's (how many services it matches in any way), never that of the indexed
            // word it met: a rare word that merely starts with it ("walkley" for "walk") would otherwise outweigh
            // the whole word itself.
            float idf = (float) Math.log(1 + (double) entries.length / matching);
            for (int i = 0; i < entries.length; i++) {
                if (best[i] > 0) {
                    total[i] += best[i] * idf;
                    matched[i]++;
                }
            }
        }
        int most = 0;
        for (int count : matched) {
            most = Math.max(most, count);
        }
        for (int i = 0; i < entries.length; i++) {
            if (matched[i] < most) {
                total[i] = 0;
            }
        }
        return total;
    }

    private static void addWords(Map<String, Map<Integer, Float>> building, int service, String text, float weight) {
        for (String word : words(text)) {
            building.computeIfAbsent(word, w -> new HashMap<>()).merge(service, weight, Math::max);
        }
    }

    /**
     * Lower case, accents and compatibility forms folded, split on anything but letters and digits, stop words dropped,
     * plurals and -ing folded. Found probing: "café" found nothing although "cafe" found the service, and names written
     * with accents ("Zoë's Café") were missed by the same word typed without them, as full-width letters from some
     * phone keyboards ("ＷＡＬＫ") were; both sides are folded alike (NFKD without its combining marks).
     */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        String folded = COMBINING_MARKS.matcher(java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKD)).replaceAll("");
        for (String raw : folded.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) {
            if (raw.isEmpty() || STOP_WORDS.contains(raw)) {
                continue;
            }
            words.add(stem(raw));
        }
        return words;
    }

    /**
     * Folds a word to the stem its other forms share, so that the query and the indexed text meet whichever form either
     * uses. The same folding is applied to both sides, so a stem only has to be the same for the forms, not a word.
     * Beyond a plain trailing "s" (found probing: "lunches", "running" and "jogging" found nothing although "lunch",
     * "run" and "jog" are in the demo directory):
     * <ul>
     * <li>"-es" after ch, sh, ss, x and zz is the plural's ("lunches", "classes", "boxes");</li>
     * <li>a doubled consonant before "-ing" belongs to the "-ing" ("running", "swimming", "knitting"), but ll, ss and
     * zz stay ("falling", "dressing");</li>
     * <li>a final silent "e" after a consonant goes, in words of five letters or more, so that "dance" meets "dancing",
     * "house" "housing" and "headache" "headaches" (shorter words keep it: "care" is not "car").</li>
     * </ul>
     */
    static String stem(String word) {
        if (word.length() > 5 && word.endsWith("ing")) {
            String stem = word.substring(0, word.length() - 3);
            int n = stem.length();
            if (n >= 3 && stem.charAt(n - 1) == stem.charAt(n - 2) && "bdfgkmnprt".indexOf(stem.charAt(n - 1)) >= 0) {
                return stem.substring(0, n - 1);
            }
            return stem;
        }
        String folded = word;
        if (word.length() > 4 && word.endsWith("ies")) {
            folded = word.substring(0, word.length() - 3) + "y";
        } else if (word.length() > 4 && (word.endsWith("ches") || word.endsWith("shes") || word.endsWith("sses")
                || word.endsWith("xes") || word.endsWith("zzes"))) {
            folded = word.substring(0, word.length() - 2);
        } else if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) {
            folded = word.substring(0, word.length() - 1);
        }
        return silentE(folded);
    }

    private static String silentE(String word) {
        int n = word.length();
        if (n >= 5 && word.charAt(n - 1) == 'e' && "aeiouy".indexOf(word.charAt(n - 2)) < 0
                && Character.isLetter(word.charAt(n - 2))) {
            return word.substring(0, n - 1);
        }
        return word;
    }

    private static int days(String byday) {
        int mask = 0;
        for (String part : byday.toUpperCase(Locale.ROOT).split(",")) {
            String day = part.trim();
            if (day.length() >= 2) {
                int index = ServiceQuery.DAYS.indexOf(day.substring(day.length() - 2));
                if (index >= 0) {
                    mask |= 1 << index;
                }
            }
        }
        return mask;
    }

    private static Instant instant(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value.asText().trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDate.parse(value.asText().trim()).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static LocalTime time(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        try {
            return LocalTime.parse(value.asText().trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean free(ObjectNode service, List<ObjectNode> costOptions) {
        for (ObjectNode option : costOptions) {
            if ((option.has("amount") && option.get("amount").isNumber() && option.get("amount").asDouble() == 0)
                    || option.path("option").asText("").toLowerCase(Locale.ROOT).contains("free")) {
                return true;
            }
        }
        String fees = (service.path("fees").asText("") + " " + service.path("fees_description").asText("")).toLowerCase(Locale.ROOT);
        return fees.contains("free") || fees.contains("no cost");
    }
}
