package org.waymark.itests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start's {@code ./waymark run} over data from an earlier build. Karaf starts the bundles it keeps in its
 * data folder's cache, so after a rebuild a node silently ran the old code and the new migrations never ran (found
 * updating a checkout and running it on its old data). Runs the real script against a stand-in for Karaf that says
 * whether it found the cache, in a copy of the project layout: no build, no server.
 */
class WaymarkScriptTest {
    @TempDir
    Path root;

    @Test
    void aChangedDistributionStartsFromItsOwnBundlesAndAnUnchangedOneKeepsItsCache() throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("waymark");
        assertThat(script).as("the project's ./waymark, seen from the itests module").isRegularFile();
        Files.copy(script, root.resolve("waymark"), StandardCopyOption.COPY_ATTRIBUTES);
        Path dist = root.resolve("karaf-assembly/target/assembly");
        Files.createDirectories(dist.resolve("bin"));
        Files.createDirectories(dist.resolve("lib"));
        Path bundle = dist.resolve("system/org/waymark/platform/platform.jar");
        Files.createDirectories(bundle.getParent());
        Files.writeString(bundle, "a bundle");
        // Karaf's stand-in: reports whether the framework cache was there, then leaves one behind as Karaf does.
        Path karaf = dist.resolve("bin/karaf");
        Files.writeString(karaf, "#!/bin/sh\nif [ -d \"$KARAF_DATA/cache\" ]; then echo kept-cache; else echo fresh-cache; fi\n"
                + "mkdir -p \"$KARAF_DATA/cache/bundle1\"\n");
        Files.setPosixFilePermissions(karaf, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Built, and nothing newer than the build: the script starts without building.
        Files.writeString(root.resolve("karaf-assembly/target/.waymark-build-stamp"), "");

        assertThat(run()).contains("fresh-cache");
        assertThat(run()).as("the same distribution again keeps its cache").contains("kept-cache").doesNotContain("changed");

        Files.setLastModifiedTime(bundle, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(run()).as("a rebuilt bundle").contains("fresh-cache").contains("The distribution changed since this data last ran");
        assertThat(run()).contains("kept-cache");
    }

    private String run() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("waymark").toString(), "run")
                .directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("WAYMARK_DATA", root.resolve("data").toString());
        builder.environment().remove("EXTRA_JAVA_OPTS");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script ends with its stand-in").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
