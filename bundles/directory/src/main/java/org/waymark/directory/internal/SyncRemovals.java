package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sync removes: the records an earlier sync from the same remote copied that the remote no longer lists. Found
 * probing: a sync only upserted, so a service the remote had withdrawn stayed listed, searchable and open to onward
 * referrals here for ever.
 * <ul>
 * <li>A service is not deleted but marked {@code inactive} (HSDS {@code status}): onward referrals and signposts keep
 * naming it, its provider's answer link keeps working, nobody is referred to it any more (an inactive service takes no
 * one), and an app copying this directory by {@code modified_after} learns of it (it is dated by the sync), which it
 * would not of a deletion. Listed again by the remote, it takes the remote's status again.</li>
 * <li>Any other record is deleted (a phone, schedule or location the remote dropped from a service it still lists),
 * unless something that stays still needs it: a record anything kept links to, or one that links to a service kept as
 * inactive (its locations, schedules and contacts stay with it).</li>
 * </ul>
 * Records an admin imported from a file, and the demo data, never came from a sync and are never removed.
 *
 * @param inactivated the services to mark inactive (id and record as it is)
 * @param deleted     the records to delete, by table
 * @param ownedCount  how many records (still in the directory) the remote had given before, and of them services
 */
record SyncRemovals(Map<String, ObjectNode> inactivated, Map<Kind, Set<String>> deleted, int ownedCount, int ownedServices) {
    /** The statuses a service withdrawn by the remote is left with: it takes no one already. */
    private static final Set<String> ALREADY_CLOSED = Set.of("inactive", "defunct");
    /** At most this share of a remote's records (or of its services) is removed by one sync unless confirmed. */
    static final int MAX_SHARE_PERCENT = 25;

    static SyncRemovals none() {
        return new SyncRemovals(Map.of(), Map.of(), 0, 0);
    }

    /**
     * @param owned   the records the remote gave before, by table (see {@link DirectoryStore#owned})
     * @param listed  what the remote lists now (the sync's batch)
     * @param catalog the directory as it is
     */
    static SyncRemovals plan(Map<Kind, Set<String>> owned, Map<Kind, ? extends Map<String, ObjectNode>> listed, Catalog catalog) {
        Map<String, ObjectNode> stale = new LinkedHashMap<>();
        Map<String, Kind> staleKind = new LinkedHashMap<>();
        int ownedCount = 0;
        int ownedServices = 0;
        for (Map.Entry<Kind, Set<String>> entry : owned.entrySet()) {
            Kind kind = entry.getKey();
            for (String id : entry.getValue()) {
                ObjectNode record = catalog.get(kind, id).orElse(null);
                if (record == null) {
                    continue;
                }
                ownedCount++;
                ownedServices += kind == Kind.SERVICE ? 1 : 0;
                Map<String, ObjectNode> now = listed.get(kind);
                if (now == null || !now.containsKey(id)) {
                    stale.put(id, record);
                    staleKind.put(id, kind);
                }
            }
        }
        if (stale.isEmpty()) {
            return new SyncRemovals(Map.of(), Map.of(), ownedCount, ownedServices);
        }
        // Kept: the withdrawn services, and every withdrawn record something staying links to.
        Set<String> kept = new HashSet<>();
        Set<String> wanted = new HashSet<>();
        staleKind.forEach((id, kind) -> {
            if (kind == Kind.SERVICE) {
                kept.add(id);
                wanted.addAll(links(kind, stale.get(id)));
            }
        });
        for (Kind kind : Kind.values()) {
            Map<String, ObjectNode> now = listed.containsKey(kind) ? listed.get(kind) : Map.of();
            now.values().forEach(record -> wanted.addAll(links(kind, record)));
            for (ObjectNode record : catalog.all(kind)) {
                String id = Catalog.id(record);
                if (!stale.containsKey(id) && !now.containsKey(id)) {
                    wanted.addAll(links(kind, record));
                }
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Map.Entry<String, Kind> entry : staleKind.entrySet()) {
                String id = entry.getKey();
                if (kept.contains(id)) {
                    continue;
                }
                List<String> links = links(entry.getValue(), stale.get(id));
                if (wanted.contains(id) || links.stream().anyMatch(kept::contains)) {
                    kept.add(id);
                    wanted.addAll(links);
                    grew = true;
                }
            }
        }
        Map<String, ObjectNode> inactivated = new LinkedHashMap<>();
        Map<Kind, Set<String>> deleted = new EnumMap<>(Kind.class);
        staleKind.forEach((id, kind) -> {
            if (kind == Kind.SERVICE) {
                if (!ALREADY_CLOSED.contains(stale.get(id).path("status").asText(""))) {
                    inactivated.put(id, stale.get(id));
                }
            } else if (!kept.contains(id)) {
                deleted.computeIfAbsent(kind, k -> new java.util.TreeSet<>()).add(id);
            }
        });
        return new SyncRemovals(inactivated, deleted, ownedCount, ownedServices);
    }

    /** The ids a record points at through its link fields. */
    private static List<String> links(Kind kind, ObjectNode record) {
        List<String> ids = new ArrayList<>();
        for (String link : kind.links()) {
            JsonNode value = record.get(link);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                ids.add(value.asText());
            }
        }
        return ids;
    }

    int deletedCount() {
        return deleted.values().stream().mapToInt(Set::size).sum();
    }

    boolean isEmpty() {
        return inactivated.isEmpty() && deleted.isEmpty();
    }

    /**
     * Why this is too much to do without the admin's word, or null: the remote withdrawing more than a quarter of what
     * it gave (its records, or its services) looks more like a broken remote (an empty or cut-short list) than a
     * directory that changed overnight, and would empty the directory.
     */
    String tooMany() {
        int removed = inactivated.size() + deletedCount();
        boolean services = inactivated.size() * 100 > ownedServices * MAX_SHARE_PERCENT;
        boolean records = removed * 100 > ownedCount * MAX_SHARE_PERCENT;
        if (!services && !records) {
            return null;
        }
        return "The remote no longer lists " + (services ? inactivated.size() + " of the " + ownedServices + " services"
                : removed + " of the " + ownedCount + " records") + " it gave before: a sync takes away at most "
                + MAX_SHARE_PERCENT + "% at once, in case the remote is broken. Nothing was changed. If they were really"
                + " withdrawn, run ./waymark directory-sync URL --allow-removals";
    }

    /** What the run's report lists as removed, one line a record. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        inactivated.forEach((id, service) -> lines.add("service " + id + " \"" + ServiceHistory.clip(service.path("name").asText(""), 100)
                + "\": no longer listed by the remote, marked inactive"));
        deleted.forEach((kind, ids) -> ids.forEach(id -> lines.add(kind.hsdsName() + " " + id + ": no longer listed by the remote, deleted")));
        return lines;
    }
}
