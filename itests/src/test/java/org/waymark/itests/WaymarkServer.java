package org.waymark.itests;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The built Waymark distribution, started as an operator starts it ({@code bin/karaf server} configured through
 * {@code WAYMARK_*} variables), in a fresh data directory on a free port: one server per test class.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final WaymarkServer server = new WaymarkServer();
 * </pre>
 *
 * After the class it stops the server with SIGTERM and fails the class if karaf.log holds ERROR lines that no test
 * declared with {@link #expectErrorInLog(String)} (Apache Unomi does the same): an error that only shows in the log is
 * still a bug.
 */
public final class WaymarkServer implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    public static final String DEMO_CLIENT = "demo-gp";
    public static final String DEMO_CLIENT_SECRET = "demo-gp-secret";

    /**
     * A cold boot takes 10-25 s on two cores; 120 s leaves room for a busy CI machine without hanging forever. A machine
     * shared by several builds may need more: -Dwaymark.itest.bootSeconds=N.
     */
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(Long.getLong("waymark.itest.bootSeconds", 120));
    /** Karaf stops in about 2 s; more than this means SIGTERM does not stop it cleanly. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /**
     * A start slower than this is not yet a failure (two cores, a build beside it), but it once took 97 s for no
     * reason the logs gave; a thread dump taken at this point is kept with the node's files to explain the next one.
     */
    private static final Duration SLOW_START = Duration.ofSeconds(Long.getLong("waymark.itest.slowStartSeconds", 30));
    private int slowStarts;
    /**
     * A test node lives for seconds to a few minutes, so the optimising JIT (C2) never pays back its compile threads,
     * which compete with the boot for the two cores: with C1 alone a first boot took 22 s instead of 43 s and a restart
     * 12-14 s instead of 22 s on a busy two-core machine. Production starts keep the default (bin/setenv is untouched);
     * -Dwaymark.itest.jvmOptions= runs the nodes with it too.
     */
    static final String TEST_NODE_JVM_OPTIONS = System.getProperty("waymark.itest.jvmOptions", "-XX:TieredStopAtLevel=1");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path assembly;
    private final Set<String> areaAdminsMade = new HashSet<>();
    private final List<Pattern> expectedErrors = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder()
            // Plain HTTP/1.1: the JDK client would otherwise offer an h2c upgrade on every request.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final Map<String, String> extraEnvironment = new java.util.concurrent.ConcurrentHashMap<>();
    /** Set for a node on PostgreSQL: the data source configuration that replaces embedded Derby's. */
    private String dataSourceConfig;
    /** The PostgreSQL server this node started for itself (a run with -Dwaymark.itest.database=postgresql). */
    private PostgresServer ownPostgres;
    private Path workDir;
    private Path dataDir;
    private int port;
    private Process process;
    /** Set when something failed: the data directory (karaf.log, derby.log, console.log) is then kept. */
    private volatile boolean keepFiles;

    public WaymarkServer() {
        this(Path.of(TestEnvironment.requiredProperty("waymark.assembly")));
    }

    /** Pax Web's shutdown race as the framework logs it: the ERROR line, a newline, the exception's first line. */
    static final String PAX_WEB_SHUTDOWN_RACE = "pax-web-extender-whiteboard - [\\d.]+ \\| FrameworkEvent ERROR\\n"
            + "java\\.util\\.concurrent\\.RejectedExecutionException: Task org\\.ops4j\\.pax\\.web\\.service\\.spi"
            + "\\.util\\.WebContainerManager";

    public WaymarkServer(Path assembly) {
        this.assembly = assembly.toAbsolutePath().normalize();
        // Pax Web 8.0.34 at shutdown: the whiteboard extender can hand the runtime's executor a task after the runtime
        // stopped it (seen once in a few dozen stops); nothing of Waymark's is involved and nothing is lost.
        expectErrorInLog("pax-web-extender-whiteboard \\[\\d+\\] EventDispatcher: Error during dispatch\\. "
                + "\\(java\\.util\\.concurrent\\.RejectedExecutionException: Task org\\.ops4j\\.pax\\.web\\.service\\.spi"
                + "\\.util\\.WebContainerManager");
        // The same race, logged by the framework as a bare "FrameworkEvent ERROR" with the exception on the next line
        // (fresh-clone mvn -B verify, BarsMessageIT on PostgreSQL, at the stop).
        expectErrorInLog(PAX_WEB_SHUTDOWN_RACE);
    }

    private Path restoredDatabase;

    /** Starts this node on a copy of a backed-up embedded database (the backup's {@code db} folder). */
    public WaymarkServer withRestoredDatabase(Path db) {
        this.restoredDatabase = db;
        return this;
    }

    /** The PostgreSQL server this node started for itself, if the run is on PostgreSQL. */
    Optional<PostgresServer> ownPostgres() {
        return Optional.ofNullable(ownPostgres);
    }

    /** Runs this node on PostgreSQL instead of embedded Derby, e.g. to share one database between two nodes. */
    public WaymarkServer withDataSource(String config) {
        this.dataSourceConfig = config;
        return this;
    }

    /** Sets a WAYMARK_* variable for every start of this server, e.g. the SMTP relay of a test mail server. */
    public WaymarkServer withEnvironment(String name, String value) {
        extraEnvironment.put(name, value);
        return this;
    }

    // ------------------------------------------------------------------ JUnit 5 lifecycle

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        shutdown();
    }

    /** Stops the node, checks its log and removes its files (kept when something failed). */
    public void shutdown() throws IOException {
        if (workDir == null) {
            return; // never started
        }
        boolean clean = false;
        try {
            try {
                stop();
            } finally {
                // A node that would not stop must not leave its database server running after the build.
                if (ownPostgres != null) {
                    ownPostgres.close();
                }
            }
            assertNoUnexpectedErrorsInLog();
            clean = true;
        } finally {
            // -Dwaymark.itest.keep=true keeps a passing run's files too, to compare with a failing one.
            if (clean && !keepFiles && !Boolean.getBoolean("waymark.itest.keep")) {
                deleteRecursively(workDir);
            } else {
                System.out.println("Waymark server files kept for inspection: " + workDir);
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        keepFiles = true;
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * A work folder with a short random suffix: the node's admin socket lives in it, and a Unix socket's path may
     * have 107 characters at most (createTempDirectory's 19-digit suffix broke that in a deeper clone).
     */
    private static Path shortWorkDir(Path root, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path candidate = root.resolve(name + "-" + Integer.toString(java.util.concurrent.ThreadLocalRandom.current()
                    .nextInt(36 * 36 * 36 * 36), 36));
            try {
                return Files.createDirectory(candidate);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                if (attempt > 100) {
                    throw taken;
                }
            }
        }
    }

    public void start(String name) throws IOException {
        if (process != null) {
            throw new IllegalStateException("Already started");
        }
        if (!Files.isExecutable(assembly.resolve("bin/karaf"))) {
            throw new IllegalStateException("No built distribution at " + assembly + ": build karaf-assembly first");
        }
        Path root = Path.of(System.getProperty("waymark.itest.dir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(root);
        workDir = shortWorkDir(root, name);
        dataDir = deepDataDirectory ? workDir.resolve(DEEP_FOLDER).resolve("data") : workDir.resolve("data");
        Files.createDirectories(dataDir.resolve("karaf"));
        Files.createDirectories(dataDir.resolve("deploy"));
        if (restoredDatabase != null) {
            copyRecursively(restoredDatabase, dataDir.resolve("db"));
        }
        // A private KARAF_BASE with its own copy of etc/: Karaf writes its lock and pid file into KARAF_BASE, and
        // fileinstall watches etc/, so sharing them with another server of the same distribution (or with a rebuild
        // of it) would make the two interfere.
        Path base = workDir.resolve("base");
        copyRecursively(assembly.resolve("etc"), base.resolve("etc"));
        if (dataSourceConfig == null && PostgresServer.selected()) {
            ownPostgres = PostgresServer.start(root);
            dataSourceConfig = ownPostgres.dataSourceConfig(ownPostgres.createDatabase("waymark"));
        }
        if (dataSourceConfig != null) {
            usePostgres(base.resolve("etc"));
        }
        if (featuresEdit != null) {
            useEditedFeatures(base.resolve("etc"));
        }
        port = fixedPort != 0 ? fixedPort : TestEnvironment.freePort();
        launch();
    }

    private int fixedPort;

    /** A folder name that alone takes the admin socket's path past the 107 bytes of a Unix socket address. */
    private static final String DEEP_FOLDER = "a-data-folder-deeper-than-a-unix-socket-address-allows-".repeat(2);
    private boolean deepDataDirectory;

    /** Puts WAYMARK_DATA deeper than a Unix socket's address allows, as a clone in a deep folder would. */
    public WaymarkServer withDeepDataDirectory() {
        this.deepDataDirectory = true;
        return this;
    }

    /** Starts on this port rather than a free one it picks, so that a test can send requests while the node boots. */
    public WaymarkServer withPort(int port) {
        this.fixedPort = port;
        return this;
    }

    private java.util.function.UnaryOperator<String> featuresEdit;

    /**
     * Boots this node from an edited copy of Waymark's features repository (the distribution's own stays as built):
     * for a start order or a feature mix that the distribution does not produce on its own. An edit that changes
     * nothing fails the start, so that a test cannot pass against the unedited features.
     */
    public WaymarkServer withFeaturesEdited(java.util.function.UnaryOperator<String> edit) {
        this.featuresEdit = edit;
        return this;
    }

    /**
     * The edited repository takes the built one's Maven coordinates in this node's own KARAF_BASE/system, which the
     * node is told to search first: the feature mix knows Waymark's features by those coordinates, not by a file.
     */
    private void useEditedFeatures(Path etc) throws IOException {
        Path system = assembly.resolve("system");
        Path built;
        try (var found = Files.find(system.resolve("org/waymark/features"), 2,
                (path, attributes) -> path.getFileName().toString().endsWith("-features.xml"))) {
            built = found.findFirst().orElseThrow(() -> new IllegalStateException("No Waymark features in " + assembly));
        }
        String original = Files.readString(built);
        String edited = featuresEdit.apply(original);
        if (edited.equals(original)) {
            throw new IllegalStateException("The features edit changed nothing in " + built);
        }
        Path copy = workDir.resolve("base/system").resolve(system.relativize(built));
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, edited);
        Path config = etc.resolve("org.ops4j.pax.url.mvn.cfg");
        String text = Files.readString(config);
        String baseFirst = "${karaf.base.uri}${karaf.default.repository}@id=node.edited.repository@snapshots, \\\n    ";
        String homeFirst = "org.ops4j.pax.url.mvn.defaultRepositories=\\\n    ";
        if (!text.contains(homeFirst) || !text.contains("@id=child.system.repository@snapshots")) {
            throw new IllegalStateException("Unexpected default repositories in " + config);
        }
        Files.writeString(config, text.replace(homeFirst, homeFirst + baseFirst));
    }

    /** Points this node's private etc/ at PostgreSQL: its data source, and the driver among the boot features. */
    private void usePostgres(Path etc) throws IOException {
        Files.writeString(etc.resolve("org.ops4j.datasource-waymark.cfg"), dataSourceConfig);
        Path features = etc.resolve("org.apache.karaf.features.cfg");
        String text = Files.readString(features);
        if (!text.contains("featuresBoot = \\")) {
            throw new IllegalStateException("Unexpected featuresBoot in " + features);
        }
        Files.writeString(features, text.replace("featuresBoot = \\", "featuresBoot = waymark-thirdparty-postgresql, \\"));
    }

    /** Starts the server again on the same data directory and port (after {@link #stop()} or {@link #kill()}). */
    public void restart() {
        if (isRunning()) {
            stop();
        }
        launch();
    }

    /** SIGTERM, as an operator's Ctrl-C or a service manager would send; fails when Karaf does not stop in time. */
    public void stop() {
        if (process == null) {
            return;
        }
        Process stopping = process;
        process = null;
        long logBeforeStop = logSize();
        long started = System.nanoTime();
        stopping.destroy();
        boolean stopped = waitFor(stopping, STOP_TIMEOUT);
        System.out.printf("Waymark on port %d %s %d ms after SIGTERM%n", port, stopped ? "stopped" : "had not stopped",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        if (!stopped) {
            keepFiles = true;
            Path dump = dumpThreads(stopping, "threads-at-stop-timeout.txt");
            stopping.destroyForcibly();
            waitFor(stopping, STOP_TIMEOUT);
            // The build log is all a CI run keeps: what held the stop must be in the message.
            throw new AssertionError("Waymark did not stop within " + STOP_TIMEOUT.toSeconds() + " s of SIGTERM"
                    + "\n--- threads stopping bundles and threads in Waymark's code ---\n"
                    + String.join("\n", ThreadDumps.stoppingThreads(readLines(dump), 60, 15))
                    + "\n--- karaf.log since SIGTERM ---\n" + String.join("\n", lastLines(logSince(logBeforeStop), 60)));
        }
        List<String> lostDatabase = logSince(logBeforeStop).stream().filter(line -> DATABASE_GONE.matcher(line).find()).toList();
        if (!lostDatabase.isEmpty()) {
            keepFiles = true;
            throw new AssertionError("The database went away under components still using it while the node stopped:\n"
                    + String.join("\n", lostDatabase.subList(0, Math.min(5, lostDatabase.size()))));
        }
    }

    /**
     * Derby's "failed to start database" and "system shutdown": a component trying to reach an engine that stopped
     * before it. ("No current connection" is left out: a background thread's last attempt as its pool closes says it too.)
     */
    private static final Pattern DATABASE_GONE = Pattern.compile("SQLState (XJ040|XJ015)|Derby system shutdown");

    private long logSize() {
        try {
            return Files.exists(karafLog()) ? Files.size(karafLog()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The lines karaf.log gained after it had {@code offset} bytes (all of it if it rolled over meanwhile). */
    private List<String> logSince(long offset) {
        try (var file = new java.io.RandomAccessFile(karafLog().toFile(), "r")) {
            long start = file.length() >= offset ? offset : 0;
            byte[] added = new byte[(int) Math.min(Integer.MAX_VALUE - 8, file.length() - start)];
            file.seek(start);
            file.readFully(added);
            return new String(added, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What every thread of a node that is stuck is doing, kept beside its logs; returns the dump's file. */
    private Path dumpThreads(Process stuck, String fileName) {
        Path dump = workDir.resolve(fileName);
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(stuck.pid()), "Thread.print").redirectErrorStream(true).redirectOutput(dump.toFile()).start();
            if (jcmd.waitFor(30, TimeUnit.SECONDS)) {
                System.out.println("Threads of the node on port " + port + ": " + dump);
            } else {
                // A JVM that cannot bring its threads to a safepoint or handshake does not answer jcmd either.
                jcmd.destroyForcibly();
                System.out.println("jcmd got no answer from the stuck node " + stuck.pid() + " within 30 s");
            }
        } catch (IOException e) {
            System.out.println("No thread dump of the stuck node: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dump;
    }

    private static List<String> lastLines(List<String> lines, int count) {
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** kill -9: no shutdown hooks, nothing flushed; what a crash or an OOM killer does. */
    public void kill() {
        if (process == null) {
            return;
        }
        Process killed = process;
        process = null;
        killed.destroyForcibly();
        if (!waitFor(killed, STOP_TIMEOUT)) {
            throw new AssertionError("Waymark did not die after SIGKILL");
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(assembly.resolve("bin/karaf").toString(), "server")
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("console.log").toFile()));
        Map<String, String> env = builder.environment();
        // Whatever the developer's shell exported must not leak into the node under test.
        env.keySet().removeIf(key -> key.startsWith("WAYMARK_") || key.startsWith("KARAF_") || key.equals("JAVA_OPTS")
                || key.equals("EXTRA_JAVA_OPTS"));
        env.put("WAYMARK_DATA", dataDir.toString());
        env.put("WAYMARK_PORT", Integer.toString(port));
        env.put("WAYMARK_HOST", "127.0.0.1");
        env.put("WAYMARK_DEMO", "true");
        env.putAll(extraEnvironment);
        env.put("KARAF_DATA", dataDir.resolve("karaf").toString());
        env.put("KARAF_BASE", workDir.resolve("base").toString());
        env.put("KARAF_EXEC", "exec");
        env.put("JAVA_MAX_MEM", "768m"); // as ./waymark runs it (bin/setenv makes it -Xmx)
        // The collector's log is kept with the others: a node that stalls may be collecting, not deadlocked.
        env.put("EXTRA_JAVA_OPTS", "-Dderby.stream.error.file=" + dataDir.resolve("derby.log")
                + " -Dkaraf.startLocalConsole=false -Xlog:gc*:file=" + dataDir.resolve("gc.log")
                + ":time,uptime:filecount=2,filesize=8m " + TEST_NODE_JVM_OPTIONS);
        // Karaf records running instances in KARAF_HOME/instances and bin/karaf refuses to start a second "root";
        // this node is independent of any other server run from the same distribution, so it keeps its own record.
        env.put("KARAF_SYSTEM_OPTS", "-Dkaraf.instances=" + workDir.resolve("instances"));
        env.put("CHECK_ROOT_INSTANCE_RUNNING", "false");
        long started = System.nanoTime();
        try {
            process = builder.start();
            process.getOutputStream().close(); // no terminal: stdin closed, as the contract says
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + assembly.resolve("bin/karaf"), e);
        }
        awaitUp();
        System.out.printf("Waymark on port %d reported UP %d ms after start (data: %s)%n", port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dataDir);
    }

    private void awaitUp() {
        Process starting = process;
        long slowAfter = System.nanoTime() + SLOW_START.toNanos();
        boolean[] dumped = {false};
        try {
            await("Waymark on port " + port + " to answer GET /api/health with 200")
                    .atMost(BOOT_TIMEOUT)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!starting.isAlive()) {
                            throw new IllegalStateException("Waymark exited with code " + starting.exitValue());
                        }
                        // Health UP means every declared route is served (FaultIT and every test after a start
                        // rely on it: nothing here waits for a particular endpoint).
                        if (healthStatus() == 200) {
                            return true;
                        }
                        if (!dumped[0] && System.nanoTime() - slowAfter > 0) {
                            dumped[0] = true;
                            slowStarts++;
                            Path dump = dumpThreads(starting, "threads-slow-start-" + slowStarts + ".txt");
                            System.out.println("Waymark on port " + port + " not UP after " + SLOW_START.toSeconds()
                                    + " s; GET /api/health as admin: " + healthAsAdmin() + "; its busy threads:\n"
                                    + String.join("\n", ThreadDumps.busyThreads(readLines(dump), 12)));
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException | IllegalStateException e) {
            keepFiles = true;
            process = null;
            String health = "(exited)";
            if (starting.isAlive()) {
                health = healthAsAdmin();
                dumpThreads(starting, "threads-at-boot-timeout.txt");
            }
            starting.destroyForcibly();
            waitFor(starting, STOP_TIMEOUT);
            throw new AssertionError(e.getMessage() + "\n--- GET /api/health as admin ---\n" + health + "\n--- console.log ---\n" + tail(workDir.resolve("console.log"), 30)
                    + "\n--- karaf.log ---\n" + tail(karafLog(), 60), e);
        }
    }

    /**
     * What the node says is missing, as the demo admin sees it (status and problems), or why it could not say: a node
     * that is up but never UP is explained by this, not by its threads.
     */
    private String healthAsAdmin() {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri("/api/health")).timeout(Duration.ofSeconds(5))
                    .header("Authorization", basic("admin", "admin")).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() + " " + answer.body();
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private int healthStatus() {
        try {
            return http.send(HttpRequest.newBuilder(uri("/api/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ where things are

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    public int port() {
        return port;
    }

    /** The node's Java process as the operating system sees it (bin/karaf execs Java, so it is the process started). */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** WAYMARK_DATA of this node. */
    public Path dataDir() {
        return dataDir;
    }

    /** The node's Karaf etc/, whose .cfg files Karaf watches (configuration of the core and of plugins). */
    public Path etcDir() {
        return workDir.resolve("base/etc");
    }

    /** Where plugins are hot-deployed. */
    public Path deployDir() {
        return dataDir.resolve("deploy");
    }

    /** Drops a plugin into deploy/ the way an operator should: copied beside it, then moved in at once. */
    public Path deploy(Path plugin) {
        Path staging = dataDir.resolve(plugin.getFileName() + ".part");
        Path target = deployDir().resolve(plugin.getFileName());
        try {
            Files.copy(plugin, staging, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(staging, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Approves a plugin (a bundle jar, or the bundle inside a .kar) for its exact version, as an admin does before
     * or after deploying it: the core uses no plugin an admin has not approved.
     */
    public String approve(Path plugin) {
        java.util.jar.Manifest manifest = pluginManifest(plugin);
        String name = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        String version = manifest.getMainAttributes().getValue("Bundle-Version");
        return admin("plugin-approve", name, "--version", version);
    }

    static java.util.jar.Manifest pluginManifest(Path plugin) {
        try (java.util.jar.JarFile archive = new java.util.jar.JarFile(plugin.toFile())) {
            if (!plugin.toString().endsWith(".kar")) {
                return archive.getManifest();
            }
            java.util.jar.JarEntry bundle = archive.stream().filter(e -> e.getName().startsWith("repository/")
                    && e.getName().endsWith(".jar")).findFirst().orElseThrow(() -> new IllegalStateException("No bundle in " + plugin));
            try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(archive.getInputStream(bundle))) {
                return in.getManifest();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path karafLog() {
        return dataDir.resolve("karaf/log/karaf.log");
    }

    /**
     * Whether embedded Derby refused to boot because its crash recovery failed: undoing a B-tree purge on a page that
     * has no room for it (the kind of upstream bug fixed as DERBY-5284 in 10.9, still seen with 10.16 after kill -9).
     */
    public boolean derbyRecoveryFailed() {
        try {
            Path log = dataDir.resolve("derby.log");
            return Files.exists(log) && Files.readString(log).contains("Cannot rollback transaction");
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether karaf.log has a line containing this text. */
    public boolean logContains(String text) {
        return readLines(karafLog()).stream().anyMatch(line -> line.contains(text));
    }

    /** The last lines of karaf.log, for a failure message; the files are kept for a closer look. */
    public String karafLogTail(int lines) {
        keepFiles = true;
        return tail(karafLog(), lines);
    }

    // ------------------------------------------------------------------ HTTP

    public HttpClient http() {
        return http;
    }

    /** A request to this server; {@code headers} are name, value pairs. */
    public HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return request;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    public HttpResponse<String> postJson(String path, String json, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public HttpResponse<String> postForm(String path, Map<String, String> form, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form))));
    }

    /**
     * The Basic credentials of an admin of this one area, made on first use (the demo admin administers both demo areas,
     * so area scope needs one of these).
     */
    public synchronized String areaAdmin(String area) {
        String name = "admin-of-" + area;
        String password = name + "-password-1";
        if (areaAdminsMade.add(area)) {
            admin("create-user", name, "--role", "admin", "--area", area, "--password", password);
        }
        return basic(name, password);
    }

    /**
     * Runs an operator command ({@code ./waymark create-client ...}) against this server through its admin socket,
     * as the {@code waymark} script does, and returns what it printed.
     */
    public String admin(String... words) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                assembly.resolve("bin").resolve("AdminClient.java").toString(), dataDir.resolve("admin.sock").toString()));
        command.addAll(List.of(words));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("Admin command " + List.of(words) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Registers a machine client through the admin command and returns its secret; more words register what it sends
     * as ({@code "--endpoint", URL, "--ods", CODE}, ...).
     */
    public String createClient(String clientId, String area, String... senders) {
        List<String> words = new ArrayList<>(List.of("create-client", clientId, "--area", area));
        words.addAll(List.of(senders));
        return admin(words.toArray(String[]::new)).lines().filter(l -> l.contains("secret:")).findFirst()
                .orElseThrow().replaceAll(".*secret: ", "").strip();
    }

    /** An OAuth2 access token for a machine client (client credentials grant). */
    public String clientToken(String clientId, String secret) {
        HttpResponse<String> response = postForm("/oauth2/token", Map.of("grant_type", "client_credentials"),
                "Authorization", basic(clientId, secret));
        if (response.statusCode() != 200) {
            throw new AssertionError("Token request for " + clientId + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json(response).path("access_token").asText();
    }

    public String demoClientToken() {
        return clientToken(DEMO_CLIENT, DEMO_CLIENT_SECRET);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public static String formEncode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("Not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    public static ObjectMapper objectMapper() {
        return JSON;
    }

    // ------------------------------------------------------------------ log checks

    /** Declares that the test provokes ERROR lines matching {@code regex} (searched in the whole line). */
    public void expectErrorInLog(String regex) {
        expectedErrors.add(Pattern.compile(regex));
    }

    /** ERROR lines of karaf.log (and its rotated files) that no test declared. */
    public List<String> unexpectedErrorsInLog() {
        return KarafLog.unexpectedErrors(karafLog().getParent(), expectedErrors);
    }

    public void assertNoUnexpectedErrorsInLog() {
        String failure = KarafLog.describe(unexpectedErrorsInLog(), karafLog().getParent());
        if (failure != null) {
            keepFiles = true;
            throw new AssertionError(failure);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(none)";
            }
            return String.join("\n", lastLines(Files.readAllLines(file, StandardCharsets.UTF_8), lines));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : paths.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
