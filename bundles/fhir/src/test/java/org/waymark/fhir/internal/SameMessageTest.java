package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.waymark.api.referral.RecordedMessage;

/** A message resent in another layout is the same message; one with other content under the same id is not. */
class SameMessageTest {
    private static Fhir fhir;
    private static SameMessage same;
    private static String original;

    @BeforeAll
    static void load() throws IOException {
        fhir = new Fhir();
        same = new SameMessage(fhir);
        try (InputStream in = SameMessageTest.class.getResourceAsStream("BarsMessageFuzzTestInputs/parseAndMap/seed-new-referral.json")) {
            original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Bundle parse(String json) {
        return fhir.parse(FhirFormat.JSON, json, Bundle.class);
    }

    /** As recorded for an update or delete: with the canonical digest of the message first received. */
    private static RecordedMessage recordedWithCanonicalHash() {
        return new RecordedMessage(ProcessMessageResource.sha256(original), "r1", "{}", same.canonicalHash(parse(original)));
    }

    /** As recorded for a new referral, or before canonical digests: only the raw digest; the original is kept. */
    private static RecordedMessage recordedWithoutCanonicalHash() {
        return new RecordedMessage(ProcessMessageResource.sha256(original), "r1", "{}");
    }

    private static boolean isSame(RecordedMessage recorded, String resent, Supplier<Optional<String>> kept) {
        return same.isSame(recorded, ProcessMessageResource.sha256(resent), parse(resent), kept);
    }

    @Test
    void theSameBytesAreTheSameMessageWithoutReadingTheKeptOriginal() {
        assertThat(isSame(recordedWithoutCanonicalHash(), original, () -> {
            throw new AssertionError("the kept original was read for a byte-identical replay");
        })).isTrue();
    }

    @Test
    void anotherLayoutOfTheSameContentIsTheSameMessage() {
        String pretty = fhir.encode(FhirFormat.JSON, parse(original), true);
        String reordered = original.replace("\"type\":\"message\",\"timestamp\":\"2026-01-05T10:00:00+00:00\"",
                "\"timestamp\":\"2026-01-05T10:00:00+00:00\",\"type\":\"message\"");
        assertThat(reordered).isNotEqualTo(original);

        for (String resent : new String[] {original + "\n", pretty, reordered}) {
            assertThat(isSame(recordedWithCanonicalHash(), resent, Optional::empty)).as(resent).isTrue();
            assertThat(isSame(recordedWithoutCanonicalHash(), resent, () -> Optional.of(original))).as(resent).isTrue();
        }
        String xml = fhir.encode(FhirFormat.XML, parse(original), true);
        assertThat(same.isSame(recordedWithoutCanonicalHash(), ProcessMessageResource.sha256(xml),
                fhir.parse(FhirFormat.XML, xml, Bundle.class), () -> Optional.of(xml))).isTrue();
    }

    @Test
    void otherContentUnderTheSameIdIsAnotherMessage() {
        String changed = original.replace("\"Lonely\"", "\"Bereaved\"");
        assertThat(changed).isNotEqualTo(original);

        assertThat(isSame(recordedWithCanonicalHash(), changed, Optional::empty)).isFalse();
        assertThat(isSame(recordedWithoutCanonicalHash(), changed, () -> Optional.of(original))).isFalse();
        // A message recorded before canonical digests whose referral keeps another message (an update's): not the same.
        assertThat(isSame(recordedWithoutCanonicalHash(), original + "\n", () -> Optional.of(changed))).isFalse();
        assertThat(isSame(recordedWithoutCanonicalHash(), original + "\n", Optional::empty)).isFalse();
    }
}
