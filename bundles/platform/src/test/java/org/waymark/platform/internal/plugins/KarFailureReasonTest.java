package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KarFailureReasonTest {
    @Test
    void aMissingPackageIsNamedWithTheVersionsWanted() {
        assertThat(KarFailureReason.of(FailedKarsTest.UNRESOLVABLE)).isEqualTo("its bundle org.example.broken-plugin 1.0.0 "
                + "needs the package org.example.missing (version 1.0.0 or later, before 2.0.0), which neither Waymark nor "
                + "an installed plugin exports");
    }

    @Test
    void aMissingFeatureIsNamed() {
        assertThat(KarFailureReason.of("No matching features for leeds-sms/[1.0,2.0)")).contains("the feature leeds-sms");
    }

    @Test
    void aNewerJavaIsSaidSo() {
        assertThat(KarFailureReason.of("Unable to resolve org.example.x/1.0.0: missing requirement [org.example.x/1.0.0] "
                + "osgi.ee; filter:=\"(&(osgi.ee=JavaSE)(version=21))\"")).contains("needs Java 21", "this server runs Java");
    }

    @Test
    void whatItCannotReadSendsToTheLogWithoutTheResolversWords() {
        assertThat(KarFailureReason.of(new IllegalStateException("java.lang.NullPointerException at org.apache.felix.X")))
                .contains("the server's log").doesNotContain("Exception", "org.apache");
    }
}
