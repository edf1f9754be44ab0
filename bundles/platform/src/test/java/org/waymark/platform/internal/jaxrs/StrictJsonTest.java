package org.waymark.platform.internal.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Found probing /api: values of the wrong type were converted and stored instead of refused. */
class StrictJsonTest {
    record Person(String family, LocalDate birthDate, Instant seenAt, Integer score) {
    }

    record Answers(java.util.Map<String, Integer> answers, Boolean consent, double weight) {
    }

    private final ObjectMapper json = JaxRsHost.objectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"{\"family\": 987}", "{\"family\": false}", "{\"family\": 1.5}", "{\"birthDate\": 7000}",
            "{\"birthDate\": [1980, 1, 2]}", "{\"seenAt\": 2}", "{\"seenAt\": 2.5}"})
    void aValueOfTheWrongTypeIsRefused(String body) {
        assertThatThrownBy(() -> json.readValue(body, Person.class)).isInstanceOf(MismatchedInputException.class);
    }

    /** Found probing outcome measures: 9.99 was stored as 9, "5" as 5, and 1 counted as consent. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"answers\": {\"happiness\": 9.99}}", "{\"answers\": {\"happiness\": \"5\"}}",
            "{\"answers\": {\"happiness\": \"\"}}", "{\"consent\": 1}", "{\"consent\": \"true\"}", "{\"weight\": \"2.5\"}"})
    void aNumberOfAnotherKindOrInQuotesIsRefused(String body) {
        assertThatThrownBy(() -> json.readValue(body, Answers.class)).isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void aBodyIsOneJsonValue() throws Exception {
        for (String trailing : java.util.List.of("{\"consent\": true} xyz", "{\"consent\": true} 5", "{\"consent\": true} {}")) {
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> json.readValue(trailing, Answers.class));
            assertThat(thrown).as(trailing).isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
            assertThat(org.waymark.platform.http.ErrorClassifier.classify(thrown).status()).isEqualTo(400);
        }
        assertThat(json.readValue("{\"answers\": {\"happiness\": 7}, \"consent\": true, \"weight\": 2}  \n", Answers.class))
                .isEqualTo(new Answers(java.util.Map.of("happiness", 7), true, 2.0));
    }

    @Test
    void valuesOfTheirOwnTypeStillRead() throws Exception {
        Person read = json.readValue("{\"family\": \"Holloway\", \"birthDate\": \"1944-03-02\", \"seenAt\": \"2026-12-06T10:00:00Z\","
                + " \"score\": 7}", Person.class);
        assertThat(read).isEqualTo(new Person("Holloway", LocalDate.of(1944, 3, 2), Instant.parse("2026-12-06T10:00:00Z"), 7));
        assertThat(json.readValue("{\"family\": null, \"birthDate\": null}", Person.class)).isEqualTo(new Person(null, null, null, null));
        assertThat(json.writeValueAsString(new Person(null, LocalDate.of(1944, 3, 2), null, null))).contains("\"1944-03-02\"");
    }

    @Test
    void aRefusalNamesTheFieldByItsJsonPathWithoutJavaTypes() {
        Throwable wrongType = org.assertj.core.api.Assertions.catchThrowable(() -> json.readValue("{\"birthDate\": 7000}", Person.class));
        assertThat(JsonFieldNames.explain(new RuntimeException(wrongType))).hasValue("The body's field birthDate has a value of the wrong type or form");
        Throwable unknown = org.assertj.core.api.Assertions.catchThrowable(() -> json.readValue("{\"nickname\": \"x\"}", Person.class));
        assertThat(JsonFieldNames.explain(unknown)).hasValue("The body has a field this request does not take: nickname");
        assertThat(JsonFieldNames.explain(new IllegalStateException("other"))).isEmpty();
    }

    /** Found probing the merge: a field named again after every other field answered 500. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"family\": \"a\", \"score\": 1, \"family\": \"b\"}", "{\"family\": \"a\", \"family\": \"b\", \"score\": 1}"})
    void aFieldNamedTwiceIsASyntaxError(String body) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> json.readValue(body, Person.class));
        assertThat(thrown).isInstanceOf(com.fasterxml.jackson.core.exc.StreamReadException.class).hasMessageContaining("Duplicate field 'family'");
        assertThat(org.waymark.platform.http.ErrorClassifier.classify(thrown).status()).isEqualTo(400);
    }
}
