package org.waymark.itests;

import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureSecurity;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.doNotModifyLogConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.After;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Base of the Pax Exam tests that run inside the Waymark distribution (Karaf examples style): one container per class,
 * booted from our own assembly zip, with HTTP on a free port and Waymark's data (database, admin socket, deploy folder)
 * in {@code target/exam-data}, which the pom passes as WAYMARK_DATA and {@link #config()} empties before each boot.
 * Pax Exam deletes the unpacked container afterwards; {@code -Dwaymark.exam.keep=true} keeps it, with its karaf.log
 * (worth doing when every test fails with "gave up waiting for service ProbeInvoker": the boot features, which include
 * Pax Exam's own, did not install).
 *
 * <p>{@link #config()} runs in the test JVM; everything else runs in the container.
 */
public abstract class KarafTestSupport {
    protected static final String WAYMARK_BUNDLE_PREFIX = "org.waymark.";
    /** A cold boot takes 10-25 s on two cores. */
    protected static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Inject
    protected ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() throws IOException {
        String zip = TestEnvironment.requiredProperty("waymark.assembly.zip");
        String karafVersion = TestEnvironment.requiredProperty("waymark.karaf.version");
        Path waymarkData = freshWaymarkData();
        List<Option> options = new ArrayList<>(List.of(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(zip).toURI().toString())
                        .name("Waymark")
                        .karafVersion(karafVersion)
                        .unpackDirectory(new File(System.getProperty("waymark.exam.dir", "target/exam")))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                // The distribution has no management feature, so no KarafMBeanServerBuilder to point the JVM at.
                configureSecurity().disableKarafMBeanServerBuilder(),
                // Keep the distribution's own logging, so karaf.log is what an operator would see.
                doNotModifyLogConfiguration(),
                // Database, admin socket and deploy folder follow WAYMARK_DATA (set by the pom, inherited by the
                // container); the rest of what the cfg files read from the environment is pinned here.
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", Integer.toString(TestEnvironment.freePort())),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses", "127.0.0.1"),
                editConfigurationFilePut("etc/org.waymark.platform.cfg", "demo", "true"),
                editConfigurationFilePut("etc/system.properties", "derby.stream.error.file", waymarkData.resolve("derby.log").toString())));
        if (Boolean.getBoolean("waymark.exam.keep")) {
            // -Dwaymark.exam.keep=true keeps the unpacked container (and its karaf.log) for a post-mortem.
            options.add(keepRuntimeFolder());
        }
        options.addAll(java17Options(karafVersion));
        // As for the black-box nodes (WaymarkServer.TEST_NODE_JVM_OPTIONS): a container that lives for a minute does
        // not pay back C2's compile threads.
        for (String option : WaymarkServer.TEST_NODE_JVM_OPTIONS.split("\\s+")) {
            if (!option.isBlank()) {
                options.add(new VMOption(option));
            }
        }
        return options(options.toArray(Option[]::new));
    }

    /** The container's WAYMARK_DATA, emptied so that every run starts from an empty database. */
    private static Path freshWaymarkData() throws IOException {
        String configured = System.getenv("WAYMARK_DATA");
        if (configured == null || !configured.endsWith("exam-data")) {
            throw new IllegalStateException("WAYMARK_DATA must be the exam-data folder the itests pom sets, not " + configured);
        }
        Path data = Path.of(configured);
        if (Files.exists(data)) {
            try (Stream<Path> paths = Files.walk(data)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(data.resolve("deploy"));
        return data;
    }

    /** What bin/karaf passes to a Java 9+ JVM; Pax Exam starts Karaf's Main itself and does not add these. */
    private static List<Option> java17Options(String karafVersion) {
        List<Option> options = new ArrayList<>();
        for (String option : List.of(
                "--add-reads=java.xml=java.logging",
                "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
                "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
                "--add-opens", "java.base/java.security=ALL-UNNAMED",
                "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                "-Xmx512m",
                // Pax Exam's probe waits 10 s for its invoker service, which a loaded CI machine can exceed while the
                // boot features install; the probe then never runs and every test fails with "gave up waiting".
                "-Dorg.ops4j.pax.exam.raw.extender.intern.Parser.DEFAULT_TIMEOUT=" + BOOT_TIMEOUT.toMillis(),
                "-Dorg.ops4j.pax.swissbox.tracker.ServiceLookup.DEFAULT_TIMEOUT=" + BOOT_TIMEOUT.toMillis(),
                "-Dpax.exam.service.timeout=" + BOOT_TIMEOUT.toMillis(),
                "-classpath", "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*")) {
            options.add(new VMOption(option));
        }
        return options;
    }

    // ------------------------------------------------------------------ in the container

    /** Fails the test on ERROR lines in karaf.log, unless {@link #expectedLogErrors()} names them (Unomi style). */
    @After
    public void karafLogHasNoUnexpectedErrors() {
        Path logDir = Path.of(System.getProperty("karaf.log", System.getProperty("karaf.data") + "/log"));
        String failure = KarafLog.describe(KarafLog.unexpectedErrors(logDir, expectedLogErrors()), logDir);
        if (failure != null) {
            throw new AssertionError(failure);
        }
    }

    /** Regular expressions for ERROR lines that a test class provokes on purpose. */
    protected List<Pattern> expectedLogErrors() {
        return List.of();
    }

    /**
     * Waymark bundles that are not active (resolved, for fragments) and enabled components of Waymark bundles that
     * are not satisfied, each with the reason SCR gives; empty when all is well.
     */
    protected List<String> waymarkProblems() {
        List<String> problems = new ArrayList<>();
        for (Bundle bundle : bundleContext.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name == null || !name.startsWith(WAYMARK_BUNDLE_PREFIX)) {
                continue;
            }
            problems.addAll(bundleProblems(bundle));
            if (bundle.getState() == Bundle.ACTIVE) {
                problems.addAll(componentProblems(bundle));
            }
        }
        return problems;
    }

    protected static List<String> bundleProblems(Bundle bundle) {
        boolean fragment = bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
        int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
        if (bundle.getState() == expected) {
            return List.of();
        }
        return List.of("bundle " + bundle.getSymbolicName() + " " + bundle.getVersion() + " is " + stateName(bundle.getState())
                + " (expected " + stateName(expected) + ")");
    }

    protected List<String> componentProblems(Bundle bundle) {
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            if (!scr.isComponentEnabled(description)) {
                if (description.defaultEnabled) {
                    problems.add("component " + description.name + " is disabled");
                }
                continue;
            }
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty() && description.factory == null) {
                problems.add("component " + description.name + " has no configuration (policy "
                        + description.configurationPolicy + ", PIDs " + String.join(",", description.configurationPid) + ")");
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                if (configuration.state == ComponentConfigurationDTO.SATISFIED
                        || configuration.state == ComponentConfigurationDTO.ACTIVE) {
                    continue;
                }
                StringBuilder problem = new StringBuilder("component " + description.name + " is "
                        + componentStateName(configuration.state));
                if (configuration.failure != null) {
                    // The root cause says what went wrong; the first line is mostly an InvocationTargetException.
                    String rootCause = configuration.failure.lines().filter(l -> l.startsWith("Caused by:"))
                            .reduce((first, last) -> last)
                            .orElse(configuration.failure.lines().findFirst().orElse(""));
                    problem.append(": ").append(rootCause);
                }
                for (var reference : configuration.unsatisfiedReferences) {
                    problem.append("; unsatisfied reference ").append(reference.name)
                            .append(reference.target == null ? "" : " target " + reference.target);
                }
                problems.add(problem.toString());
            }
        }
        return problems;
    }

    /**
     * What a boot that never settled leaves to look at, since Pax Exam deletes the container afterwards: the database
     * services (a missing DataSource leaves almost every component unsatisfied) and the last warnings and errors in
     * karaf.log.
     */
    protected List<String> bootDiagnostics() {
        List<String> lines = new ArrayList<>();
        lines.add("-- services --");
        for (String type : List.of("javax.sql.DataSource", "org.osgi.service.jdbc.DataSourceFactory")) {
            try {
                ServiceReference<?>[] refs = bundleContext.getAllServiceReferences(type, null);
                lines.add(type + ": " + (refs == null ? "none" : java.util.Arrays.stream(refs)
                        .map(r -> r.getProperty("dataSourceName") + "/" + r.getProperty("osgi.jdbc.driver.name") + " from "
                                + r.getBundle().getSymbolicName()).toList()));
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        Path log = Path.of(System.getProperty("karaf.log", System.getProperty("karaf.data") + "/log")).resolve("karaf.log");
        lines.add("-- last warnings and errors in " + log + " --");
        try (Stream<String> all = Files.lines(log)) {
            List<String> notable = all.filter(l -> l.contains("| WARN ") || l.contains("| ERROR ")).toList();
            notable.subList(Math.max(0, notable.size() - 30), notable.size()).forEach(l -> lines.add(l.length() > 400 ? l.substring(0, 400) : l));
        } catch (IOException | java.io.UncheckedIOException e) {
            lines.add("(karaf.log not readable: " + e + ")");
        }
        return lines;
    }

    /**
     * What the container's threads are doing, taken in the container (a Pax Exam test has no process to point jcmd at):
     * every thread that is blocked, or waiting or running inside the OSGi framework, SCR, Derby or Waymark, with the lock it
     * waits for and who holds it, and its top {@code frames} frames. Threads idle in their pools are left out.
     */
    protected static List<String> frameworkThreads(int frames) {
        List<String> lines = new ArrayList<>();
        for (java.lang.management.ThreadInfo info : java.lang.management.ManagementFactory.getThreadMXBean()
                .dumpAllThreads(true, true)) {
            StackTraceElement[] stack = info.getStackTrace();
            boolean interesting = info.getThreadState() == Thread.State.BLOCKED || java.util.Arrays.stream(stack)
                    .anyMatch(f -> f.getClassName().startsWith("org.waymark.") || f.getClassName().startsWith("org.apache.felix.")
                            || f.getClassName().startsWith("org.apache.karaf.features.")
                            || f.getClassName().startsWith("org.apache.derby."));
            if (!interesting) {
                continue;
            }
            lines.add("\"" + info.getThreadName() + "\" " + info.getThreadState()
                    + (info.getLockName() == null ? "" : " on " + info.getLockName())
                    + (info.getLockOwnerName() == null ? "" : " held by \"" + info.getLockOwnerName() + "\""));
            for (int i = 0; i < Math.min(frames, stack.length); i++) {
                lines.add("    at " + stack[i]);
            }
        }
        return lines;
    }

    /**
     * Re-checks {@code problems} on every bundle and service event (and at least every 250 ms, because SCR activates
     * components without a service silently) until it is empty or {@code timeout} has passed; returns the last
     * problems found, empty on success.
     */
    protected List<String> awaitNoProblems(Supplier<List<String>> problems, Duration timeout) {
        Object changed = new Object();
        BundleListener bundleListener = event -> signal(changed);
        ServiceListener serviceListener = event -> signal(changed);
        bundleContext.addBundleListener(bundleListener);
        bundleContext.addServiceListener(serviceListener);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            synchronized (changed) {
                while (true) {
                    List<String> found = problems.get();
                    long remaining = deadline - System.nanoTime();
                    if (found.isEmpty()) {
                        return found;
                    }
                    if (remaining <= 0) {
                        List<String> described = new ArrayList<>(found);
                        described.addAll(bootDiagnostics());
                        return described;
                    }
                    changed.wait(Math.max(1, Math.min(250, remaining / 1_000_000)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting", e);
        } finally {
            bundleContext.removeServiceListener(serviceListener);
            bundleContext.removeBundleListener(bundleListener);
        }
    }

    private static void signal(Object monitor) {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    protected static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + state;
        };
    }

    private static String componentStateName(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "FAILED_ACTIVATION";
            default -> "state " + state;
        };
    }
}
