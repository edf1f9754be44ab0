package org.waymark.digitalskills.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameworkTest {

    static Map<String, String> all(String answer) {
        Map<String, String> answers = new HashMap<>();
        Framework.AREAS.forEach(a -> a.statements().forEach(s -> answers.put(s.code(), answer)));
        return answers;
    }

    @Test
    void hasTheFoundationAndTheFiveSkillAreasInOrder() {
        assertThat(Framework.AREAS).extracting(Framework.SkillArea::code).containsExactly("foundation", "communicating",
                "handling-information", "transacting", "problem-solving", "safe-legal");
        assertThat(Framework.AREAS).allSatisfy(a -> assertThat(a.statements()).isNotEmpty()
                .allSatisfy(s -> assertThat(s.text()).startsWith("I ")));
    }

    @Test
    void scoresEachAreaAsAShareOfItsMaximum() {
        Map<String, String> answers = all("not-yet");
        answers.put("communicating-messages", "yes");
        answers.put("communicating-video", "help");
        List<Framework.AreaScore> scores = Framework.score(answers);
        // Communicating: 2 + 1 + 0 of 6 = 50.
        assertThat(scores.get(1)).isEqualTo(new Framework.AreaScore("communicating", 50, Framework.Level.DEVELOPING));
        assertThat(scores.get(0)).isEqualTo(new Framework.AreaScore("foundation", 0, Framework.Level.NEEDS_SUPPORT));
        assertThat(Framework.overall(scores)).isEqualTo(8); // 50 / 6 areas, rounded
        assertThat(Framework.score(all("yes"))).allSatisfy(s -> assertThat(s.score()).isEqualTo(100));
        assertThat(Framework.overall(Framework.score(all("help")))).isEqualTo(50);
    }

    @Test
    void levelsChangeAtFortyAndEighty() {
        assertThat(Framework.Level.of(39)).isEqualTo(Framework.Level.NEEDS_SUPPORT);
        assertThat(Framework.Level.of(40)).isEqualTo(Framework.Level.DEVELOPING);
        assertThat(Framework.Level.of(79)).isEqualTo(Framework.Level.DEVELOPING);
        assertThat(Framework.Level.of(80)).isEqualTo(Framework.Level.CONFIDENT);
    }

    @Test
    void refusesAMissingOrUnknownAnswerAndAnUnknownStatement() {
        Map<String, String> missing = all("yes");
        missing.remove("safe-scams");
        assertThatThrownBy(() -> Framework.score(missing)).hasMessageContaining("I can spot a scam");
        Map<String, String> wrong = all("yes");
        wrong.put("safe-scams", "maybe");
        assertThatThrownBy(() -> Framework.score(wrong)).hasMessageContaining("yes, help or not-yet");
        Map<String, String> extra = all("yes");
        extra.put("made-up", "yes");
        assertThatThrownBy(() -> Framework.score(extra)).hasMessageContaining("Unknown statement: made-up");
    }

    @Test
    void theQuestionnaireAndAResponseCarryEveryStatement() {
        var questionnaire = FhirJson.questionnaire();
        assertThat(questionnaire.path("url").asText()).isEqualTo(FhirJson.QUESTIONNAIRE_URL);
        assertThat(questionnaire.path("item")).hasSize(6);
        assertThat(questionnaire.path("item").get(5).path("item").get(0).path("answerOption")).hasSize(3);
        var response = FhirJson.response("a1", "p1", "r1", true, null, java.time.Instant.parse("2026-01-05T10:00:00Z"), all("help"));
        assertThat(response.path("questionnaire").asText()).isEqualTo(FhirJson.QUESTIONNAIRE_URL + "|" + Framework.VERSION);
        assertThat(response.path("subject").path("reference").asText()).isEqualTo("Patient/p1");
        assertThat(response.path("author").path("reference").asText()).isEqualTo("Patient/p1");
        assertThat(response.path("item").get(0).path("item").get(0).path("answer").get(0).path("valueCoding").path("code").asText())
                .isEqualTo("help");
    }
}
