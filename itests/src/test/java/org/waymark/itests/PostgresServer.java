package org.waymark.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL server for the tests: Debian's PostgreSQL binaries, a cluster in a temporary directory on a
 * free port. PostgreSQL refuses to run as root, so when the tests run as root (CI) every command runs as the
 * {@code postgres} user through {@code runuser}.
 */
final class PostgresServer implements AutoCloseable {
    static final String PROPERTY = "waymark.itest.database";
    private final Path dir;
    private final Path data;
    private final int port;
    private final Path bin;
    private boolean running;

    /** Whether the cluster's folder is outside the build's target folder and so is removed on close. */
    private final boolean removeOnClose;

    private PostgresServer(Path dir, int port, Path bin, boolean removeOnClose) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.bin = bin;
        this.removeOnClose = removeOnClose;
    }

    /** Whether every folder from the root down to this one lets other users pass through it. */
    private static boolean reachableByOthers(Path folder) throws IOException {
        for (Path step = folder.toAbsolutePath(); step != null; step = step.getParent()) {
            if (!Files.getPosixFilePermissions(step).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    /** Whether this test run is against PostgreSQL ({@code -Dwaymark.itest.database=postgresql}) rather than Derby. */
    static boolean selected() {
        return "postgresql".equalsIgnoreCase(System.getProperty(PROPERTY, "derby"));
    }

    static PostgresServer start(Path parent) throws IOException {
        Path bin = binaries();
        Files.createDirectories(parent);
        // As root the cluster belongs to the postgres user, who must be able to reach its folder: a checkout inside a
        // private folder (/root, a mktemp -d folder) is out of its reach, so the cluster then lives under /tmp.
        boolean outOfReach = isRoot() && !reachableByOthers(parent);
        Path dir = Files.createTempDirectory(outOfReach ? Path.of("/tmp") : parent, "waymark-postgres-");
        PostgresServer server = new PostgresServer(dir, TestEnvironment.freePort(), bin, outOfReach);
        if (isRoot()) {
            server.run(List.of("chown", "-R", "postgres", dir.toString()), false);
        }
        server.run(List.of(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync"), true);
        server.resume();
        return server;
    }

    /** Starts the server (again) on its data directory and port. */
    void resume() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60", "-l",
                dir.resolve("postgres.log").toString(), "-o", "-p " + port + " -k " + dir
                        + " -c listen_addresses=127.0.0.1 -c fsync=on", "start"), true);
        running = true;
    }

    /** Stops the server at once, as a crash or a network partition would take it away. */
    void halt() {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), true);
        running = false;
    }

    /** Creates a database with its own owner, so each Waymark under test starts from an empty schema. */
    String createDatabase(String name) {
        sql("CREATE USER " + name + " PASSWORD '" + name + "'");
        sql("CREATE DATABASE " + name + " OWNER " + name);
        return name;
    }

    /** The pax-jdbc data source configuration for a database made by {@link #createDatabase}. */
    String dataSourceConfig(String database) {
        return String.join("\n",
                "osgi.jdbc.driver.name = PostgreSQL JDBC Driver",
                "dataSourceName = waymark",
                "url = jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                "user = " + database,
                "password = " + database,
                "pool = dbcp2",
                "xa = false",
                "pool.maxTotal = 16",
                "pool.maxWaitMillis = 5000",
                "");
    }

    String sql(String statement) {
        return run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
                "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-At", "-c", statement), true);
    }

    String sql(String database, String statement) {
        return run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
                "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement), true);
    }

    @Override
    public void close() {
        if (running) {
            running = false;
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), true);
        }
        if (removeOnClose) {
            run(List.of("rm", "-rf", dir.toString()), false);
        }
    }

    Path directory() {
        return dir;
    }

    private String run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres && isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            // From the root directory: the postgres user may not enter the checkout (a private temporary directory in CI),
            // and psql's "could not change directory" warning would become part of a query's answer.
            Process process = new ProcessBuilder(full).directory(new java.io.File("/")).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("Failed: " + String.join(" ", full) + "\n" + output);
            }
            return output.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Debian's server binaries (postgresql package); .ci/run installs them. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (var versions = Files.list(root)) {
                var newest = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(java.util.Comparator.comparing(Path::toString));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        throw new IllegalStateException("PostgreSQL tests need Debian's postgresql package (apt-get install -y postgresql;"
                + " .ci/run does this)");
    }
}
