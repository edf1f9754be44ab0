package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.ws.rs.core.MediaType;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.waymark.api.error.WaymarkException;
import org.waymark.platform.http.RequestBodies;

/**
 * Waymark's own corpus of hostile and broken bodies (src/test/resources/hostile): each must be refused as the
 * sender's mistake (400), never crash the parser, expand entities or read files.
 */
class HostileInputTest {
    /** Class or method names (as the itests' JavaInternals): "StreamReadConstraints.getMaxNestingDepth()", "Foo.bar(". */
    static final Pattern JAVA_NAMES = Pattern.compile("\\b[A-Z][A-Za-z0-9_$]*\\.[a-z][A-Za-z0-9_$]*\\(|`|\\w+(?:Exception|Error)\\b"
            + "|\\b(?:java|javax|com|org|ca\\.uhn)\\.[a-z][a-z0-9_]*\\.[A-Za-z0-9_.$]+");

    private static Fhir fhir;

    @BeforeAll
    static void createContext() {
        fhir = new Fhir();
    }

    static Stream<Path> corpus() throws IOException {
        return Files.list(Path.of("src/test/resources/hostile")).sorted();
    }

    @Test
    void nestingPastTheParsersLimitIsExplainedPlainly() {
        String deep = "{\"resourceType\":\"ServiceRequest\",\"note\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        assertThatThrownBy(() -> fhir.parse(FhirFormat.JSON, deep, ServiceRequest.class))
                .hasMessage("The body is nested too deeply (more than 1000 levels)");
        assertThatThrownBy(() -> fhir.parseLeniently(FhirFormat.JSON, deep))
                .hasMessage("The body is nested too deeply (more than 1000 levels)");
    }

    /** The parsers' other complaints pass through, with their HAPI codes and positions but no Java names. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"resourceType\":\"ServiceRequest\",", "{\"resourceType\":\"ServiceRequest\",\"status\":12}",
            "{\"resourceType\":\"ServiceRequest\",\"status\":1e99999}",
            "LONG-NUMBER",
            "<ServiceRequest xmlns=\"http://hl7.org/fhir\"><status value=\"active\"/", "<ServiceRequest><x></y></ServiceRequest>",
            "[1,2]"})
    void parserMessagesCarryNoJavaNames(String sent) {
        String body = sent.equals("LONG-NUMBER") ? "{\"resourceType\":\"ServiceRequest\",\"x\":" + "1".repeat(1200) + "}" : sent;
        FhirFormat format = body.startsWith("<") ? FhirFormat.XML : FhirFormat.JSON;
        assertThatThrownBy(() -> fhir.parse(format, body, ServiceRequest.class))
                .isInstanceOf(WaymarkException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern(JAVA_NAMES));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void hostileBodyIsRefusedAsInvalid(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        FhirFormat format = file.toString().endsWith(".xml") ? FhirFormat.XML : FhirFormat.JSON;
        // As the endpoints read a body: decoded strictly, then parsed.
        assertThatThrownBy(() -> {
            String body = RequestBodies.decode(bytes, MediaType.valueOf(format.mediaType()));
            ReferralMapping.toNewReferral(fhir.parse(format, body, ServiceRequest.class), null, body);
        })
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    if (e.kind() != WaymarkException.Kind.INVALID && e.kind() != WaymarkException.Kind.UNPROCESSABLE) {
                        throw new AssertionError("expected a 4xx kind for " + file + " but got " + e.kind());
                    }
                    if (e.getMessage().contains("root:") || e.getMessage().contains("java.")
                            || JAVA_NAMES.matcher(e.getMessage()).find()) {
                        throw new AssertionError("leaks internals: " + e.getMessage());
                    }
                });
    }

    /**
     * A property named twice in one JSON object is refused as XML refuses a repeated element: HAPI's JSON reader
     * silently kept the last ("intent" order, then plan), so a referral meant something else to each reader.
     */
    @Test
    void propertyNamedTwiceIsRefusedInJsonAsInXml() {
        String json = "{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\","
                + "\"subject\":{\"reference\":\"Patient/1\",\"reference\":\"Patient/2\"},\"intent\":\"plan\"}";
        assertThat(fhir.parse(FhirFormat.JSON, json, ServiceRequest.class).getIntent().toCode()).isEqualTo("plan");
        assertThatThrownBy(() -> JsonDuplicates.refuse(json))
                .isInstanceOfSatisfying(WaymarkException.class, e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.INVALID))
                .hasMessage("The body is not valid FHIR JSON: the property 'reference' appears twice in one object (near line 1, column 115)");
        String xml = "<ServiceRequest xmlns=\"http://hl7.org/fhir\"><status value=\"active\"/><intent value=\"order\"/>"
                + "<intent value=\"plan\"/></ServiceRequest>";
        assertThatThrownBy(() -> fhir.parse(FhirFormat.XML, xml, ServiceRequest.class)).isInstanceOf(WaymarkException.class);
        // The same names in different objects, and in the entries of an array, are no repetition.
        JsonDuplicates.refuse("{\"resourceType\":\"ServiceRequest\",\"subject\":{\"reference\":\"Patient/1\"},"
                + "\"requester\":{\"reference\":\"Organization/1\"},\"note\":[{\"text\":\"a\"},{\"text\":\"b\"}]}");
    }

    /** Found probing: a gzipped body was refused as "not valid UTF-8", and a body only labelled gzip was read as plain. */
    @Test
    void aCompressedBodyIsRefusedAsAnUnsupportedContentEncoding() {
        for (String coding : new String[] {"gzip", "deflate, gzip", "br"}) {
            assertThatThrownBy(() -> ReferralEndpoint.requireUncompressed(headers(coding)))
                    .isInstanceOfSatisfying(WaymarkException.class,
                            e -> assertThat(e.kind()).isEqualTo(WaymarkException.Kind.UNSUPPORTED_MEDIA_TYPE))
                    .hasMessageContaining("send the body uncompressed");
        }
        ReferralEndpoint.requireUncompressed(headers(null));
        ReferralEndpoint.requireUncompressed(headers("identity"));
    }

    private static javax.ws.rs.core.HttpHeaders headers(String contentEncoding) {
        return (javax.ws.rs.core.HttpHeaders) java.lang.reflect.Proxy.newProxyInstance(HostileInputTest.class.getClassLoader(),
                new Class<?>[] {javax.ws.rs.core.HttpHeaders.class}, (proxy, method, args) ->
                        method.getName().equals("getHeaderString") && "Content-Encoding".equals(args[0]) ? contentEncoding : null);
    }
}
