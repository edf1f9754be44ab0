package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.waymark.api.measure.MeasureHistory;

class ReportsTest {

    private static MeasureHistory.Recorded ons4(String day, int satisfied, int anxious) {
        return new MeasureHistory.Recorded("ons4", "x", Map.of("life-satisfaction", satisfied, "anxiety", anxious),
                Instant.parse(day + "T10:00:00Z"));
    }

    @Test
    void measureChangeIsFromTheFirstToTheLatestResponsePerItem() {
        Map<String, int[]> sums = new TreeMap<>();
        Reports.measureChange(List.of(ons4("2026-01-01", 4, 8), ons4("2026-02-01", 5, 7), ons4("2026-03-01", 7, 5)), sums);
        Reports.measureChange(List.of(ons4("2026-01-01", 6, 3), ons4("2026-03-01", 5, 3)), sums);
        // A single response shows no change and is not counted.
        Reports.measureChange(List.of(ons4("2026-01-01", 1, 1)), sums);
        assertThat(sums.get("ons4/life-satisfaction")).containsExactly(2, 3 - 1);
        assertThat(sums.get("ons4/anxiety")).containsExactly(2, -3);
    }

    @Test
    void ageBandsAndSexFollowTheRecord() {
        Instant at = Instant.parse("2026-06-01T12:00:00Z");
        assertThat(Reports.ageBand(LocalDate.of(1950, 6, 2), at)).isEqualTo("75+");
        assertThat(Reports.ageBand(LocalDate.of(1951, 6, 1), at)).isEqualTo("75+");
        assertThat(Reports.ageBand(LocalDate.of(1951, 6, 2), at)).isEqualTo("65-74");
        assertThat(Reports.ageBand(LocalDate.of(2010, 1, 1), at)).isEqualTo("0-17");
        assertThat(Reports.ageBand(null, at)).isEqualTo("Not known");
        assertThat(Reports.sex("female")).isEqualTo("Female");
        assertThat(Reports.sex("unknown")).isEqualTo("Not known");
    }

    @Test
    void theCsvHoldsTheFiguresAsSuppressedOnScreen() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("area", "sheffield");
        report.put("from", "2026-01-01");
        report.put("to", "2026-06-30");
        report.put("funnel", List.of(Map.of("count", "40"), Map.of("count", "31"), Map.of("count", "20"), Map.of("count", "*"),
                Map.of("count", "*")));
        report.put("followUps", Map.of("due", "12", "done", "9", "completion", "75%"));
        report.put("skillAreaChange", List.of(Map.of("area", "foundation", "people", "6", "meanChange", "+12.5")));
        report.put("outcomeChange", List.of(Map.of("measure", "ons4", "item", "anxiety", "people", "*", "meanChange", "*")));
        report.put("equity", List.of(Map.of("dimension", "sex", "rows", List.of(
                Map.of("category", "Female", "referred", "25", "engaged", "20", "assessed", "12", "followedUp", "*", "improved", "*"),
                Map.of("category", "Not known, or other", "referred", "15", "engaged", "11", "assessed", "8", "followedUp", "*",
                        "improved", "*")))));
        String csv = Reports.csv(report);
        assertThat(csv).startsWith("section,group,category,referred,engaged,assessed,followedUp,improved\r\n"
                + "funnel,all,all,40,31,20,*,*\r\n"
                + "equity,sex,Female,25,20,12,*,*\r\n"
                + "equity,sex,\"Not known, or other\",15,11,8,*,*\r\n");
        assertThat(csv).contains("follow-ups,completion,75%\r\n", "skill-area-change,foundation mean change,+12.5\r\n",
                "outcome-change,ons4 anxiety people,*\r\n", "area,sheffield,");
    }
}
