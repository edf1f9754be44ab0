package org.waymark.directory.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One import as the runs table keeps it: its state, the phase it is in, who started it, and in {@code doc} its
 * progress by table, the counts of what it applied, what it skipped and the problems that stopped it.
 */
record ImportRun(String id, State state, String phase, String source, String actor, String node, int records,
                 int errorCount, boolean written, String detail, JsonNode doc, Instant created, Instant started,
                 Instant finished, Instant heartbeat) {

    enum State {
        QUEUED, RUNNING, APPLIED, FAILED;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean ended() {
            return this == APPLIED || this == FAILED;
        }
    }

    String location() {
        return "/api/directory/imports/" + id;
    }

    /** The run as {@code GET /api/directory/imports/{id}} answers it; {@code full} adds the skipped items and errors. */
    Map<String, Object> json(boolean full) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("state", state.json());
        json.put("phase", phase);
        json.put("source", source);
        json.put("actor", actor);
        json.put("node", node);
        json.put("createdAt", created.toString());
        json.put("startedAt", started == null ? null : started.toString());
        json.put("finishedAt", finished == null ? null : finished.toString());
        json.put("heartbeatAt", heartbeat.toString());
        json.put("progress", doc.path("progress"));
        json.put("records", records);
        json.put("counts", doc.path("counts"));
        json.put("errorCount", errorCount);
        if (detail != null) {
            json.put("detail", detail);
        }
        if (full) {
            json.put("skipped", doc.path("skipped"));
            // A sync's: what the remote no longer lists, taken away (absent for other imports and older runs).
            if (doc.has("removed")) {
                json.put("removed", doc.path("removed"));
            }
            json.put("errors", doc.path("errors"));
        }
        return json;
    }
}
