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

        Path karRecord = Files.createDirectories(root.resolve("data/karaf/kar/pathfinder-sheffield-0.1.0"));
        assertThat(run()).contains("kept-cache");
        assertThat(karRecord).as("kept with the cache").exists();
        Files.setLastModifiedTime(bundle, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(run()).as("a rebuilt bundle").contains("fresh-cache").contains("The distribution changed since this data last ran");
        // Found probing: with the cache gone but this record kept, each .kar in deploy/ was "already installed" and
        // its plugin never came back.
        assertThat(karRecord.getParent()).as("the .kar files are installed again from deploy/").doesNotExist();
        assertThat(run()).contains("kept-cache");
    }

    /** Found probing: the database and logs were created 644 in 755 folders, readable by every local user. */
    @Test
    void theNodeCreatesItsFilesForItsOwnerOnly() throws Exception {
        Path dist = root.resolve("karaf-assembly/target/assembly");
        Files.createDirectories(dist.resolve("bin"));
        Path karaf = dist.resolve("bin/karaf");
        Files.writeString(karaf, "#!/bin/sh\necho \"umask $(umask)\"\n");
        Files.setPosixFilePermissions(karaf, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Path.of(System.getProperty("user.dir")).getParent().resolve("waymark"), root.resolve("waymark"));
        Files.writeString(root.resolve("karaf-assembly/target/.waymark-build-stamp"), "");
        Path db = Files.createDirectories(root.resolve("data/db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(run()).contains("umask 0077");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).as("a database made before")
                .isEqualTo("rwx------");
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

    /**
     * Found probing: {@code ./waymark backup /mnt/new/nightly} (a parent not made yet) handed the server {@code /nightly},
     * so the copy of every person's record went to the root of the file system and the script reported success.
     */
    @Test
    void backupPathsReachTheServerAsTypedMadeAbsolute() throws Exception {
        Path dist = root.resolve("karaf-assembly/target/assembly");
        Files.createDirectories(dist.resolve("bin"));
        Path karaf = dist.resolve("bin/karaf");
        Files.writeString(karaf, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(karaf, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Path.of(System.getProperty("user.dir")).getParent().resolve("waymark"), root.resolve("waymark"));
        Files.writeString(root.resolve("karaf-assembly/target/.waymark-build-stamp"), "");
        adminClientStandIn(dist);
        Path data = Files.createDirectories(root.resolve("data"));
        try (var socket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(java.net.UnixDomainSocketAddress.of(data.resolve("admin.sock")));

            assertThat(admin("backup", "/nonexistent-parent/nightly")).contains("SENT backup|/nonexistent-parent/nightly");
            assertThat(admin("backup", "backups/new")).contains("SENT backup|" + root + "/backups/new");
            assertThat(admin("restore-backup", "a/b.wmbackup", "/srv/restored"))
                    .contains("SENT restore-backup|" + root + "/a/b.wmbackup|/srv/restored");
            assertThat(admin("backup", "")).as("no path is a mistake, not the current folder").doesNotContain("SENT");
        }
    }

    /**
     * Found probing: a command typed while {@code ./waymark run} served, after a change to the sources, rebuilt the
     * distribution under the running node, which stopped. A running node is asked as it is; nothing is built.
     */
    @Test
    void aRunningNodeIsNeverRebuiltUnderItself() throws Exception {
        Path dist = root.resolve("karaf-assembly/target/assembly");
        Files.createDirectories(dist.resolve("bin"));
        Path karaf = dist.resolve("bin/karaf");
        Files.writeString(karaf, "#!/bin/sh\necho started-another\n");
        Files.setPosixFilePermissions(karaf, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Path.of(System.getProperty("user.dir")).getParent().resolve("waymark"), root.resolve("waymark"));
        Path stamp = root.resolve("karaf-assembly/target/.waymark-build-stamp");
        Files.writeString(stamp, "");
        Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().minusSeconds(60)));
        Path source = root.resolve("bundles/platform/src/main/java/Changed.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Changed {}");
        // Maven's stand-in: a build would say so.
        Path bin = Files.createDirectories(root.resolve("fake-bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho BUILT\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        adminClientStandIn(dist);
        Path data = Files.createDirectories(root.resolve("data"));
        try (var socket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            socket.bind(java.net.UnixDomainSocketAddress.of(data.resolve("admin.sock")));

            assertThat(admin(bin, "jobs")).contains("SENT jobs").doesNotContain("BUILT");
            assertThat(admin(bin, "run")).contains("already running").doesNotContain("BUILT").doesNotContain("started-another");
            assertThat(admin(bin, "build")).contains("stop it first").doesNotContain("BUILT");
        }
        Files.delete(data.resolve("admin.sock")); // the node stopped
        assertThat(admin(bin, "build")).as("not running: the build goes ahead").contains("BUILT");
    }

    /** Runs ./waymark with these words; {@code fakeBin}, if given, comes first on the PATH (stand-ins for mvn). */
    private String admin(Path fakeBin, String... words) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", root.resolve("waymark").toString()));
        command.addAll(java.util.List.of(words));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("WAYMARK_DATA", root.resolve("data").toString());
        if (fakeBin != null) {
            builder.environment().put("PATH", fakeBin + ":" + builder.environment().get("PATH"));
        }
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private String admin(String... words) throws IOException, InterruptedException {
        return admin(null, words);
    }

    /** The admin client's stand-in: answers a ping and prints the command it would send. */
    private static void adminClientStandIn(Path dist) throws IOException {
        Files.writeString(dist.resolve("bin/AdminClient.java"), """
                public class AdminClient {
                    public static void main(String[] args) {
                        if (args[1].equals("--ping")) return;
                        System.out.println("SENT " + String.join("|", java.util.Arrays.copyOfRange(args, 1, args.length)));
                    }
                }
                """);
    }
}
