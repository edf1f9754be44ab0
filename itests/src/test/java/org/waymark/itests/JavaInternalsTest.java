package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JavaInternalsTest {
    @Test
    void findsClassNamesStackFramesAndMethodCalls() {
        assertThat("HAPI-1861: Document nesting depth (1001) exceeds the maximum allowed (1000, from "
                + "`StreamReadConstraints.getMaxNestingDepth()`)").containsPattern(JavaInternals.PATTERN);
        assertThat("caused by ca.uhn.fhir.parser.DataFormatException").containsPattern(JavaInternals.PATTERN);
        assertThat("\tat org.waymark.fhir.Foo.bar(Foo.java:12)").containsPattern(JavaInternals.PATTERN);
        assertThat("NullPointerException").containsPattern(JavaInternals.PATTERN);
    }

    @Test
    void plainAnswersPass() {
        assertThat("The body is nested too deeply (more than 1000 levels)").doesNotContainPattern(JavaInternals.PATTERN);
        assertThat("HAPI-1852: Failed to parse XML content: Unexpected end of input block in start tag at "
                + "[row,col {unknown-source}]: [1,67]").doesNotContainPattern(JavaInternals.PATTERN);
        assertThat("Dr. Smith (GP) said: see ServiceRequest/123").doesNotContainPattern(JavaInternals.PATTERN);
    }
}
