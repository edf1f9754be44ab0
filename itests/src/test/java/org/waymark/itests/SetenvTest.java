package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The distribution's {@code bin/setenv}, which {@code bin/karaf} sources before Java starts: run as Karaf runs it, with
 * only the environment the test gives (no server).
 */
class SetenvTest {
    private static final Path SETENV = Path.of(System.getProperty("user.dir")).getParent()
            .resolve("karaf-assembly/src/main/assembly/bin/setenv");

    @Test
    void aNodeOnASharedAddressStartsWithoutDemoDataUnlessAskedFor() throws Exception {
        // Found running the distribution with bin/karaf as the README's PostgreSQL section says: on 0.0.0.0 it seeded
        // admin/admin and the demo GP client's published secret.
        assertThat(demoAfterSetenv(Map.of())).as("loopback by default: demo data as the quick start has it").isEmpty();
        assertThat(demoAfterSetenv(Map.of("WAYMARK_HOST", "127.0.0.1"))).isEmpty();
        assertThat(demoAfterSetenv(Map.of("WAYMARK_HOST", "localhost"))).isEmpty();
        assertThat(demoAfterSetenv(Map.of("WAYMARK_HOST", "::1"))).isEmpty();
        assertThat(demoAfterSetenv(Map.of("WAYMARK_HOST", "0.0.0.0"))).isEqualTo("false");
        assertThat(demoAfterSetenv(Map.of("WAYMARK_HOST", "10.1.2.3"))).isEqualTo("false");
        assertThat(demoAfterSetenv(Map.of("WAYMARK_HOST", "0.0.0.0", "WAYMARK_DEMO", "true"))).as("asked for").isEqualTo("true");
        assertThat(demoAfterSetenv(Map.of("WAYMARK_HOST", "127.0.0.1", "WAYMARK_DEMO", "false"))).isEqualTo("false");
    }

    /** WAYMARK_DEMO as Java would see it after bin/setenv ran with this environment (empty: not set). */
    private static String demoAfterSetenv(Map<String, String> environment) throws Exception {
        assertThat(SETENV).as("the distribution's bin/setenv, seen from the itests module").isRegularFile();
        ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", ". \"$0\" 2>/dev/null && printf %s \"${WAYMARK_DEMO:-}\"",
                SETENV.toString());
        shell.environment().keySet().removeIf(name -> name.startsWith("JAVA_") || name.startsWith("WAYMARK_"));
        shell.environment().putAll(environment);
        Process sh = shell.redirectErrorStream(true).start();
        String output = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).as(output).isZero();
        return output;
    }
}
