package org.waymark.directory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerResponseContext;
import javax.ws.rs.core.MultivaluedHashMap;
import javax.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

class CachingTest {
    private static final JsonNode BODY = new ObjectMapper().createObjectNode().put("name", "Walking group");

    /** A response as the filter sees it: status, entity and headers, changed in place. */
    private static final class Answer {
        int status = 200;
        Object entity = BODY;
        final MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
    }

    private static Answer filter(String method, String ifNoneMatch, int status) {
        Answer answer = new Answer();
        answer.status = status;
        // As the platform's filter may have set it already (found in the integration test: it is unmodifiable).
        answer.headers.put("Cache-Control", List.of("no-store"));
        ContainerRequestContext request = (ContainerRequestContext) Proxy.newProxyInstance(getLoader(),
                new Class<?>[]{ContainerRequestContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getHeaderString" -> "If-None-Match".equals(args[0]) ? ifNoneMatch : null;
                    default -> throw new AssertionError("the filter asked the request for " + m.getName()
                            + ", which this test does not model");
                });
        ContainerResponseContext response = (ContainerResponseContext) Proxy.newProxyInstance(getLoader(),
                new Class<?>[]{ContainerResponseContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getStatus" -> answer.status;
                    case "setStatus" -> { answer.status = (int) args[0]; yield null; }
                    case "getEntity" -> answer.entity;
                    case "setEntity" -> { answer.entity = args[0]; yield null; }
                    case "getEntityAnnotations" -> new java.lang.annotation.Annotation[0];
                    case "getHeaders" -> answer.headers;
                    default -> throw new AssertionError("the filter asked the response for " + m.getName()
                            + ", which this test does not model");
                });
        new Caching().filter(request, response);
        return answer;
    }

    private static ClassLoader getLoader() {
        return CachingTest.class.getClassLoader();
    }

    @Test
    void anAnswerGetsAStrongEtagOfItsBytesAndAMinuteOfPublicCaching() throws Exception {
        Answer answer = filter("GET", null, 200);

        String tag = (String) answer.headers.getFirst("ETag");
        assertThat(tag).matches("\"[0-9a-f]{32}\"");
        assertThat(answer.headers.getFirst("Cache-Control")).isEqualTo("public, max-age=60");
        assertThat(new String((byte[]) answer.entity, StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"Walking group\"}");
        assertThat(filter("GET", null, 200).headers.getFirst("ETag")).as("the same answer, the same tag").isEqualTo(tag);
    }

    @Test
    void ifNoneMatchNamingTheTagIsAnsweredNotModifiedWithoutABody() {
        String tag = (String) filter("GET", null, 200).headers.getFirst("ETag");

        Answer same = filter("GET", "\"other\", " + tag, 200);
        Answer weak = filter("GET", "W/" + tag, 200);
        Answer other = filter("GET", "\"other\"", 200);

        assertThat(same.status).isEqualTo(304);
        assertThat(same.entity).isNull();
        assertThat(same.headers.getFirst("ETag")).isEqualTo(tag);
        assertThat(weak.status).isEqualTo(304);
        assertThat(other.status).isEqualTo(200);
        assertThat(other.entity).isInstanceOf(byte[].class);
    }

    @Test
    void errorsAndOtherMethodsAreLeftToTheDefaultNoStore() {
        Map<Integer, Answer> answers = new HashMap<>();
        for (int status : new int[] {400, 404, 500}) {
            answers.put(status, filter("GET", null, status));
        }
        answers.put(0, filter("POST", null, 200));

        answers.values().forEach(answer -> {
            assertThat(answer.headers).containsOnlyKeys("Cache-Control");
            assertThat(answer.headers.get("Cache-Control")).containsExactly("no-store");
            assertThat(answer.entity).isSameAs(BODY);
        });
    }
}
