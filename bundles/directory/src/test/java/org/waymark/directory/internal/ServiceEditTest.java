package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceEditTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode current = ServiceEdit.view(
            object("{\"id\": \"s1\", \"name\": \"Walk\", \"status\": \"active\", \"email\": \"walk@example.org\", \"minimum_age\": 16,"
                    + " \"organization_id\": \"o1\", \"fees\": \"Free\"}"),
            List.of(object("{\"id\": \"p1\", \"contact_id\": \"c1\", \"number\": \"0114 496 0001\"}")),
            List.of(object("{\"id\": \"d1\", \"service_id\": \"s1\", \"byday\": \"MO\", \"description\": \"Mondays 10 to 12\"}")));

    @Test
    void theViewHoldsTheEditableFieldsOnly() {
        assertThat(current.has("organization_id")).isFalse();
        assertThat(current.path("phones").get(0).path("number").asText()).isEqualTo("0114 496 0001");
        assertThat(current.path("schedules").get(0).has("byday")).isFalse();
    }

    @Test
    void eachChangedFieldIsListedWithItsOldAndNewValue() {
        ServiceEdit.Result result = ServiceEdit.apply(current, object("{\"name\": \" Crookes Walk \", \"email\": \"walk@example.org\","
                + " \"minimum_age\": \"18\", \"maximum_age\": 80, \"phones\": [{\"id\": \"p1\", \"number\": \"0114 496 0999\"}],"
                + " \"schedules\": [{\"id\": \"d1\", \"description\": \"Tuesdays\"}]}"));

        assertThat(result.changes()).containsExactly(
                new ServiceHistory.Change("name", "Walk", "Crookes Walk"),
                new ServiceHistory.Change("minimum_age", "16", "18"),
                new ServiceHistory.Change("maximum_age", null, "80"),
                new ServiceHistory.Change("phone", "0114 496 0001", "0114 496 0999"),
                new ServiceHistory.Change("schedule", "Mondays 10 to 12", "Tuesdays"));
        assertThat(result.view().path("minimum_age").isInt()).isTrue();
        assertThat(result.view().path("fees").asText()).as("fields left out stay as they are").isEqualTo("Free");
    }

    @Test
    void blankOrNullRemovesAnOptionalField() {
        ServiceEdit.Result result = ServiceEdit.apply(current, object("{\"fees\": \"  \", \"email\": null, \"minimum_age\": null}"));

        assertThat(result.view().has("fees")).isFalse();
        assertThat(result.view().has("email")).isFalse();
        assertThat(result.view().has("minimum_age")).isFalse();
        assertThat(result.changes()).extracting(ServiceHistory.Change::field).containsExactly("email", "fees", "minimum_age");
    }

    @Test
    void sendingTheSameValuesChangesNothing() {
        assertThat(ServiceEdit.apply(current, current).changes()).isEmpty();
        assertThat(ServiceEdit.apply(current, object("{\"minimum_age\": 16.0}")).changes()).isEmpty();
    }

    @Test
    void everyBadValueIsNamedByItsField() {
        assertThatThrownBy(() -> ServiceEdit.apply(current, object("{\"name\": \"\", \"status\": \"full\", \"url\": \"example.org\","
                + " \"email\": \"not an email\", \"minimum_age\": -1, \"colour\": \"red\","
                + " \"phones\": [{\"id\": \"p2\", \"number\": \"1\"}, {\"id\": \"p1\", \"number\": \"call us\"}],"
                + " \"schedules\": [{\"id\": \"x\"}]}")))
                .isInstanceOfSatisfying(ServiceEdit.Invalid.class, e -> assertThat(e.errors()).extracting(ServiceEdit.FieldError::field)
                        .containsExactlyInAnyOrder("colour", "name", "url", "email", "status", "minimum_age", "phones[0].id",
                                "phones[1].number", "schedules[0].id"));
    }

    @Test
    void theMinimumAgeMayNotExceedTheMaximum() {
        assertThatThrownBy(() -> ServiceEdit.apply(current, object("{\"maximum_age\": 12}")))
                .isInstanceOfSatisfying(ServiceEdit.Invalid.class, e -> assertThat(e.errors()).containsExactly(
                        new ServiceEdit.FieldError("maximum_age", "must not be below the minimum age")));
    }

    @Test
    void statusIsOneOfHsdsStatusesAndTheIdCannotChange() {
        assertThat(ServiceEdit.apply(current, object("{\"status\": \"Temporarily closed\"}")).view().path("status").asText())
                .isEqualTo("temporarily closed");
        assertThatThrownBy(() -> ServiceEdit.apply(current, object("{\"id\": \"s2\"}"))).isInstanceOf(ServiceEdit.Invalid.class)
                .hasMessageContaining("id");
        assertThatThrownBy(() -> ServiceEdit.apply(current, JSON.valueToTree(List.of()))).isInstanceOf(ServiceEdit.Invalid.class);
    }

    @Test
    void ifMatchAcceptsTheTagQuotedWeakListedOrAStar() {
        assertThat(ServiceEditor.matches("\"abc\"", "abc")).isTrue();
        assertThat(ServiceEditor.matches("W/\"abc\"", "abc")).isTrue();
        assertThat(ServiceEditor.matches("\"x\", \"abc\"", "abc")).isTrue();
        assertThat(ServiceEditor.matches("*", "abc")).isTrue();
        assertThat(ServiceEditor.matches("\"abd\"", "abc")).isFalse();
    }

    private static ObjectNode object(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return (ObjectNode) node;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
