package org.waymark.directory.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far an import has got: its phase and, per HSDS table, how many records of the phase are done out of how many.
 * The import's thread moves it on; {@link #snapshot} may be read from any thread. A listener hears each change and
 * decides itself how often to pass it on (the runs table is written at most a few times a second).
 */
final class ImportProgress {
    enum Phase {
        READING, VALIDATING, WRITING, INDEXING;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Done out of total for one table; total is unknown (-1) while reading, as files are still being read. */
    record Count(int done, int total) {
    }

    /** One moment of the progress, as the runs table and the API show it. */
    record Snapshot(Phase phase, Map<String, Count> kinds) {
        int done() {
            return kinds.values().stream().mapToInt(Count::done).sum();
        }

        /** The phase's total, or -1 while it is not known. */
        int total() {
            return kinds.values().stream().anyMatch(c -> c.total() < 0) ? -1 : kinds.values().stream().mapToInt(Count::total).sum();
        }
    }

    /**
     * Hears every change, on the import's thread; {@code phaseChanged} says a new phase began (worth passing on at
     * once). Called once a record, so it takes a {@link #snapshot} only when it means to pass one on.
     */
    interface Listener {
        void changed(ImportProgress progress, boolean phaseChanged);
    }

    static final Listener NONE = (progress, phaseChanged) -> { };

    private final Listener listener;
    private Phase phase = Phase.READING;
    private final Map<String, int[]> counts = new LinkedHashMap<>();

    ImportProgress(Listener listener) {
        this.listener = listener;
    }

    static ImportProgress silent() {
        return new ImportProgress(NONE);
    }

    /** Starts a phase with the totals of each table (none while reading: the count grows as records are read). */
    void begin(Phase next, Map<String, Integer> totals) {
        synchronized (this) {
            phase = next;
            counts.clear();
            totals.forEach((kind, total) -> counts.put(kind, new int[] {0, total}));
        }
        listener.changed(this, true);
    }

    /** {@code records} more records of a table done in the current phase. */
    void advance(String kind, int records) {
        synchronized (this) {
            int[] count = counts.computeIfAbsent(kind, k -> new int[] {0, phase == Phase.READING ? -1 : 0});
            count[0] += records;
        }
        listener.changed(this, false);
    }

    synchronized Snapshot snapshot() {
        Map<String, Count> copy = new LinkedHashMap<>();
        counts.forEach((kind, count) -> copy.put(kind, new Count(count[0], count[1])));
        return new Snapshot(phase, copy);
    }
}
