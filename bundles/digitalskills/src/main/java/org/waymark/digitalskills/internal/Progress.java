package org.waymark.digitalskills.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Change between the first assessment (the baseline) and the latest: per skill area, overall, and for each goal of the
 * plan (the change in the goal's skill area, and whether it is achieved).
 */
final class Progress {
    private Progress() {
    }

    static Map<String, Object> of(List<Assessments.Assessment> assessments, JsonNode plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("assessments", assessments.size());
        json.put("history", assessments.stream().map(a -> {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("id", a.id());
            point.put("takenAt", a.takenAt().toString());
            point.put("mode", a.mode());
            point.put("overall", a.overall());
            Map<String, Integer> areas = new LinkedHashMap<>();
            a.scores().forEach(s -> areas.put(s.area(), s.score()));
            point.put("areas", areas);
            return point;
        }).toList());
        if (assessments.isEmpty()) {
            json.put("areas", List.of());
            json.put("goals", goals(plan, null, null));
            return json;
        }
        Assessments.Assessment first = assessments.get(0);
        Assessments.Assessment latest = assessments.get(assessments.size() - 1);
        List<Map<String, Object>> areas = new ArrayList<>();
        for (Framework.SkillArea area : Framework.AREAS) {
            Framework.AreaScore before = score(first, area.code());
            Framework.AreaScore now = score(latest, area.code());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("area", area.code());
            row.put("title", area.title());
            row.put("baseline", before.score());
            row.put("baselineLevel", before.level().code);
            row.put("latest", now.score());
            row.put("latestLevel", now.level().code);
            row.put("change", now.score() - before.score());
            areas.add(row);
        }
        json.put("baselineAt", first.takenAt().toString());
        json.put("latestAt", latest.takenAt().toString());
        json.put("overallChange", latest.overall() - first.overall());
        json.put("improved", improved(first, latest));
        json.put("areas", areas);
        json.put("goals", goals(plan, first, latest));
        return json;
    }

    /** Improved: the overall score rose, or some area moved up a level. */
    static boolean improved(Assessments.Assessment first, Assessments.Assessment latest) {
        if (first == latest) {
            return false;
        }
        if (latest.overall() > first.overall()) {
            return true;
        }
        return Framework.AREAS.stream().anyMatch(a -> score(latest, a.code()).level().ordinal() > score(first, a.code()).level().ordinal());
    }

    private static List<Map<String, Object>> goals(JsonNode plan, Assessments.Assessment first, Assessments.Assessment latest) {
        List<Map<String, Object>> goals = new ArrayList<>();
        if (plan == null) {
            return goals;
        }
        for (JsonNode goal : plan.path("goals")) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", goal.path("id").asText());
            row.put("text", goal.path("text").asText());
            row.put("skillArea", goal.path("skillArea").asText());
            row.put("achieved", goal.hasNonNull("achievedOn"));
            row.put("achievedOn", goal.path("achievedOn").asText(null));
            if (first != null) {
                String area = goal.path("skillArea").asText();
                row.put("areaChange", score(latest, area).score() - score(first, area).score());
            }
            goals.add(row);
        }
        return goals;
    }

    static Framework.AreaScore score(Assessments.Assessment a, String area) {
        return a.scores().stream().filter(s -> s.area().equals(area)).findFirst()
                .orElseThrow(() -> new IllegalStateException("An assessment without a score for " + area));
    }
}
