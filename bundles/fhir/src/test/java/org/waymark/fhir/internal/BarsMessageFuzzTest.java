package org.waymark.fhir.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeAll;
import org.waymark.api.error.WaymarkException;
import org.waymark.api.referral.NewReferral;

/**
 * Coverage-guided fuzzing (Jazzer) of what a GP system's body goes through before anything is stored: strict FHIR
 * parsing (JSON or XML), the BaRS message rules, and the mapping of the focal ServiceRequest and its Patient,
 * Encounter, Conditions and sender to a new referral. Whatever the bytes, the only acceptable failure is a
 * {@link WaymarkException} of a 4xx kind whose message names no Java internals; anything else (a
 * NullPointerException, a ClassCastException, HAPI's own exceptions leaking) is a crash, kept as a regression input
 * in {@code src/test/resources/org/waymark/fhir/internal/BarsMessageFuzzTestInputs/parseAndMap}.
 *
 * <p>{@code mvn verify} fuzzes it for a bounded time (the {@code fuzz} surefire execution sets {@code JAZZER_FUZZ});
 * without {@code JAZZER_FUZZ} only the kept inputs run.
 */
class BarsMessageFuzzTest {
    private static final Set<WaymarkException.Kind> REFUSALS = Set.of(WaymarkException.Kind.INVALID,
            WaymarkException.Kind.UNPROCESSABLE);
    private static Fhir fhir;

    @BeforeAll
    static void createContext() {
        fhir = new Fhir();
    }

    @FuzzTest(maxDuration = "30s")
    void parseAndMap(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        FhirFormat format = body.stripLeading().startsWith("<") ? FhirFormat.XML : FhirFormat.JSON;
        try {
            Bundle bundle = fhir.parse(format, body, Bundle.class);
            BarsMessage message = new BarsMessage(bundle);
            message.id();
            BarsMessage.Reason reason = message.reason();
            String endpoint = message.sourceEndpoint();
            Bundle.BundleEntryComponent focus = message.focus();
            String key = BarsMessage.referralKey(focus);
            if (reason == BarsMessage.Reason.NEW) {
                NewReferral referral = message.newReferral((ServiceRequest) focus.getResource(),
                        ProcessMessageResource.REFERRAL_KEY_SYSTEM + endpoint, key, format.mediaType(), body);
                if (referral == null) {
                    throw new AssertionError("a new referral message mapped to nothing");
                }
            }
            // The same ServiceRequest posted on its own goes through the plain mapping.
            ReferralMapping.toNewReferral((ServiceRequest) focus.getResource(), format.mediaType(), body);
        } catch (WaymarkException refused) {
            if (!REFUSALS.contains(refused.kind())) {
                throw new AssertionError("refused as " + refused.kind() + " (not a 4xx kind): " + refused.getMessage());
            }
            String message = String.valueOf(refused.getMessage());
            if (message.contains("java.") || message.contains("Exception") || message.contains("ca.uhn.")) {
                throw new AssertionError("the refusal leaks internals: " + message);
            }
        }
    }
}
