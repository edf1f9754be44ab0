package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;
import org.waymark.api.error.WaymarkException;

class StrictJsonTest {
    private static final MediaType JSON = MediaType.APPLICATION_JSON_TYPE;

    @Test
    void aBodyIsReadInTheCharsetItsContentTypeNames() {
        byte[] latin1 = "{\"name\": \"Caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(StrictJson.readBody(latin1, new MediaType("application", "json", "ISO-8859-1")).path("name").asText())
                .isEqualTo("Caf\u00e9");
        assertThat(StrictJson.readBody("\uFEFF{\"a\": 1}".getBytes(StandardCharsets.UTF_8), JSON).path("a").asInt())
                .as("a byte order mark").isEqualTo(1);
        assertThatThrownBy(() -> StrictJson.readBody(latin1, JSON)).isInstanceOf(WaymarkException.class)
                .hasMessage("The body is not valid UTF-8");
        assertThatThrownBy(() -> StrictJson.readBody(latin1, new MediaType("application", "json", "no-such-charset")))
                .isInstanceOfSatisfying(WaymarkException.class,
                        e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE));
    }

    @Test
    void aFieldNamedTwiceOrAnythingAfterTheValueIsNotValidJson() {
        assertThatThrownBy(() -> read("{\"id\": \"a\", \"name\": \"b\", \"id\": \"c\"}")).isInstanceOf(WaymarkException.class)
                .hasMessage("The body is not valid JSON (line 1, column 30: the field 'id' is named twice)");
        assertThatThrownBy(() -> read("{\"a\":1} xyz")).isInstanceOf(WaymarkException.class)
                .hasMessageStartingWith("The body is not valid JSON (line 1, column ");
        assertThatThrownBy(() -> read("{\"a\":1} {\"b\":2}")).isInstanceOf(WaymarkException.class)
                .hasMessageEndingWith(": something follows the JSON value)");
        assertThatThrownBy(() -> read("[1, 2] [3]")).hasMessageContaining("something follows the JSON value");
        assertThatThrownBy(() -> read("{\"a\": ")).hasMessageContaining("The body is not valid JSON (line 1");
        assertThatThrownBy(() -> read("  ")).hasMessage("The body is empty");
    }

    @Test
    void whatIsWrongIsSaidWithoutTheLibrarysOwnWords() {
        assertThatThrownBy(() -> read("{\"a\": tru}")).satisfies(e -> assertThat(e.getMessage())
                .startsWith("The body is not valid JSON (line 1, column ").doesNotContain("Unrecognized", "Feature", "jackson", "Source"));
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String body) {
        return StrictJson.readBody(body.getBytes(StandardCharsets.UTF_8), JSON);
    }
}
