package org.waymark.platform.internal.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.waymark.platform.testing.MutableClock;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found probing: a .kar that Karaf refused (a package nothing exports) never showed in /api/plugins; Karaf only logged
 * it, with a resolver stack trace, and kept the file as if it were installed.
 */
class FailedKarsTest {
    /** The resolver's message for a bundle importing a package nothing exports, as Karaf 4.4 throws it. */
    static final String UNRESOLVABLE = "Unable to resolve root: missing requirement [root] osgi.identity; osgi.identity=broken-plugin; "
            + "type=karaf.feature; version=\"[1.0.0,1.0.0]\"; filter:=\"(&(osgi.identity=broken-plugin)(type=karaf.feature)"
            + "(version>=1.0.0)(version<=1.0.0))\" [caused by: Unable to resolve broken-plugin/1.0.0: missing requirement "
            + "[broken-plugin/1.0.0] osgi.identity; osgi.identity=org.example.broken-plugin; type=osgi.bundle; "
            + "version=\"[1.0.0,1.0.0]\"; resolution:=mandatory [caused by: Unable to resolve org.example.broken-plugin/1.0.0: "
            + "missing requirement [org.example.broken-plugin/1.0.0] osgi.wiring.package; filter:=\"(&(osgi.wiring.package="
            + "org.example.missing)(version>=1.0.0)(!(version>=2.0.0)))\"]]";

    @TempDir
    Path deploy;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    /** Each feature's state in Karaf: absent, installed or not; and why its installation fails, if it does. */
    private final Map<String, Boolean> karaf = new ConcurrentHashMap<>();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    /** What was audited, as "action type id by caller". */
    private final java.util.List<String> audited = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void aKarKarafRefusedIsAFailedPluginWithAReasonToActOnUntilItsFileGoes() throws IOException {
        Path kar = kar("broken-plugin-1.0.0.kar", "broken-plugin", "org.example.broken-plugin");
        karaf.put("broken-plugin", false);
        refusals.put("broken-plugin", UNRESOLVABLE);
        FailedKars judge = judge();

        judge.scan();

        assertThat(judge.failed()).singleElement().satisfies(failed -> {
            assertThat(failed.id()).isEqualTo("org.example.broken-plugin");
            assertThat(failed.version()).isEqualTo("1.0.0");
            assertThat(failed.state()).isEqualTo("failed");
            assertThat(failed.builtIn()).isFalse();
            assertThat(failed.lastError()).contains("broken-plugin-1.0.0.kar", "the package org.example.missing", "1.0.0", "2.0.0")
                    .doesNotContain("Exception", "filter:=", "osgi.wiring", "caused by");
        });
        // Found reviewing: the refusal was in the log only; an install is audited, so what was refused is too, once.
        judge.scan();
        assertThat(audited).containsExactly("ADMIN Plugin refuse org.example.broken-plugin 1.0.0 (broken-plugin-1.0.0.kar) by system:deploy");

        Files.delete(kar);
        judge.scan();
        assertThat(judge.failed()).isEmpty();
    }

    @Test
    void anInstalledKarAndOneBeingInstalledAreNotFailures() throws IOException {
        kar("good-1.0.0.kar", "good", "org.example.good");
        kar("coming-1.0.0.kar", "coming", "org.example.coming");
        karaf.put("good", true);
        karaf.put("coming", false); // installable: Karaf is installing it
        FailedKars judge = judge();

        judge.scan();

        assertThat(judge.failed()).isEmpty();
    }

    @Test
    void aFileStillBeingCopiedIsNotJudged() throws IOException {
        Path kar = deploy.resolve("half.kar");
        Files.writeString(kar, "PK"); // the start of a zip
        Files.setLastModifiedTime(kar, FileTime.from(clock.instant()));
        FailedKars judge = judge();

        judge.scan();
        assertThat(judge.failed()).isEmpty();

        clock.advance(java.time.Duration.ofSeconds(5));
        judge.scan();
        assertThat(judge.failed()).singleElement().satisfies(f -> assertThat(f.lastError()).contains("half.kar", "not a .kar"));
    }

    @Test
    void aKarKarafNeverTakesInIsRefusedAfterAWhile() throws IOException {
        kar("ignored-1.0.0.kar", "ignored", "org.example.ignored");
        FailedKars judge = judge();

        judge.scan();
        assertThat(judge.failed()).as("Karaf may still be reading it").isEmpty();

        clock.advance(FailedKars.UNREAD.plusSeconds(10));
        judge.scan();
        assertThat(judge.failed()).singleElement().satisfies(f -> assertThat(f.lastError()).contains("did not take it in"));
        judge.scan();
        assertThat(audited).containsExactly("ADMIN Plugin refuse org.example.ignored 1.0.0 (ignored-1.0.0.kar) by system:deploy");
    }

    private FailedKars judge() {
        return new FailedKars(deploy, new FailedKars.Features() {
            @Override
            public Boolean installed(String name, String version) {
                return karaf.get(name);
            }

            @Override
            public void simulateInstall(String name, String version) throws Exception {
                String refusal = refusals.get(name);
                if (refusal != null) {
                    throw new Exception("Resolution failed", new Exception(refusal));
                }
            }
        }, clock, (caller, action, type, id, patient) -> audited.add(action + " " + type + " " + id + " by " + caller.id()), false);
    }

    /** A .kar as the karaf-maven-plugin writes it: a features file and the bundle under repository/. */
    private Path kar(String file, String feature, String symbolicName) throws IOException {
        Path kar = deploy.resolve(file);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(kar))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("repository/org/example/" + feature + "/1.0.0/" + feature + "-1.0.0-features.xml"));
            zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<features name=\"" + feature
                    + "\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\"><feature name=\"" + feature
                    + "\" version=\"1.0.0\"><bundle>mvn:org.example/" + feature + "/1.0.0</bundle></feature></features>")
                    .getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("repository/org/example/" + feature + "/1.0.0/maven-metadata-local.xml"));
            zip.write("<metadata/>".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("repository/org/example/" + feature + "/1.0.0/" + feature + "-1.0.0.jar"));
            zip.write(bundle(symbolicName));
        }
        Files.setLastModifiedTime(kar, FileTime.from(clock.instant().minusSeconds(10)));
        return kar;
    }

    private static byte[] bundle(String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue(PluginApprovals.PLUGIN_HEADER, "true");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.flush();
        }
        return bytes.toByteArray();
    }
}
