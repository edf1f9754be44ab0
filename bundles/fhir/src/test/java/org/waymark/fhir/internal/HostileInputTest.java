package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.waymark.api.error.WaymarkException;

/**
 * Waymark's own corpus of hostile and broken bodies (src/test/resources/hostile): each must be refused as the
 * sender's mistake (400), never crash the parser, expand entities or read files.
 */
class HostileInputTest {
    private static Fhir fhir;

    @BeforeAll
    static void createContext() {
        fhir = new Fhir();
    }

    static Stream<Path> corpus() throws IOException {
        return Files.list(Path.of("src/test/resources/hostile")).sorted();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void hostileBodyIsRefusedAsInvalid(Path file) throws IOException {
        String body = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        FhirFormat format = file.toString().endsWith(".xml") ? FhirFormat.XML : FhirFormat.JSON;
        assertThatThrownBy(() -> ReferralMapping.toNewReferral(fhir.parse(format, body, ServiceRequest.class), null, body))
                .isInstanceOfSatisfying(WaymarkException.class, e -> {
                    if (e.kind() != WaymarkException.Kind.INVALID && e.kind() != WaymarkException.Kind.UNPROCESSABLE) {
                        throw new AssertionError("expected a 4xx kind for " + file + " but got " + e.kind());
                    }
                    if (e.getMessage().contains("root:") || e.getMessage().contains("java.")) {
                        throw new AssertionError("leaks internals: " + e.getMessage());
                    }
                });
    }
}
