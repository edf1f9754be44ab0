package org.waymark.fhir.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessagesTest {
    @Test
    void bareAndQualifiedJavaClassNamesAreRemoved() {
        // The message HAPI gave for an input the fuzzer found (BarsMessageFuzzTestInputs/parseAndMap/crash-cf5a0...).
        String hapi = "HAPI-1851: DataFormatException at [Line number = 2 Column number = 208 ]: HAPI-1825: Unknown element"
                + " 'sostem' found during parse; caused by java.lang.IllegalStateException: ca.uhn.fhir.parser.Foo";
        String safe = Messages.safe(hapi);
        assertThat(safe).doesNotContain("Exception").doesNotContain("java.").doesNotContain("ca.uhn")
                .contains("HAPI-1851: [Line number = 2").contains("Unknown element 'sostem' found during parse");
    }

    @Test
    void plainWordsStay() {
        assertThat(Messages.safe("Error in the MessageHeader: Errors found")).isEqualTo("Error in the MessageHeader: Errors found");
    }

    @Test
    void aPackageNameGluedToTheSendersTextIsRemovedToo() {
        // Found by BarsMessageFuzzTest: HAPI echoes an unknown resource name the fuzzer had built from "Bundle".
        String safe = Messages.safe("HAPI-1684: Unknown resource name \"Bca.uhn.undle\" and xjava.lang.Foo, aNullPointerException,"
                + " Unknown element 'eventExceptionystem'");
        assertThat(safe).doesNotContain("ca.uhn").doesNotContain("java.").doesNotContain("Exception");
    }

    @Test
    void jacksonsNamesForItsLimitsAreRemoved() {
        String safe = Messages.safe("HAPI-1861: Failed to parse JSON encoded FHIR content: Number value length (1200) exceeds "
                + "the maximum allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`) at [line: 1, column: 9]");
        assertThat(safe).isEqualTo("HAPI-1861: Failed to parse JSON encoded FHIR content: Number value length (1200) exceeds "
                + "the maximum allowed (1000) at [line: 1, column: 9]");
        assertThat(Messages.safe("see Parser.parseResource(x) and `JsonParser`")).isEqualTo("see and");
    }

    /** 1e99999 sent for a code: HAPI's message echoes all 100,000 digits, and cleaning them took minutes. */
    @Test
    void aHugeEchoedValueIsCleanedQuickly() {
        String hapi = "HAPI-1821: [element=\"status\"] Invalid attribute value \"1" + "0".repeat(100_000) + "\": Unknown code";
        String safe = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> Messages.safe(hapi));
        assertThat(safe).startsWith("HAPI-1821: [element=\"status\"] Invalid attribute value \"1000").hasSizeLessThanOrEqualTo(303);
    }
}
