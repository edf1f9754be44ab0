package org.waymark.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import javax.inject.Inject;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.Repository;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.namespace.HostNamespace;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The distribution's Waymark features, inside Karaf: after boot everything Waymark is active and wired, each feature of
 * our features repository installs on its own, and the database outlives a restart of the Derby bundle.
 *
 * <p>One container for the class (a boot costs 15-25 s). Methods run in name order because
 * {@link #theDatabaseStaysReachableWhenTheDerbyBundleIsRefreshed} can leave the container without a database when it
 * fails, so it must come last.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class FeaturesIT extends KarafTestSupport {
    private static final String CORE = "waymark-core";
    /** Kept installed while features come and go: see {@link #eachWaymarkFeatureInstallsAloneWithoutTheOtherWaymarkFeatures}. */
    private static final String DERBY_FEATURE = "waymark-thirdparty-derby";
    private static final String DERBY_BUNDLE = "org.waymark.thirdparty.derby";
    /**
     * Also kept installed: a boot feature of the distribution that no feature mix uninstalls. It holds a fragment of
     * Pax Web's Jetty bundle, which attaches only when that bundle resolves, so installing it needs the refresh this
     * test avoids; the boot test checks that it is attached.
     */
    private static final String JETTY_ERRORS_FEATURE = "waymark-jetty-errors";
    private static final String JETTY_ERRORS_BUNDLE = "org.waymark.jetty-errors";
    private static final String PAX_WEB_JETTY = "org.ops4j.pax.web.pax-web-jetty";
    /** Installing a feature takes under 10 s here; a component that is not up by then will not come up. */
    private static final Duration FEATURE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A refresh stops the Derby engine, whose shutdown waits for Derby's own background daemon to finish what it is
     * doing. Right after a build has filled the disk's write queue that took 120 s (a newcomer's mvn -B verify: the
     * refresh thread in BasicDaemon.pause under RawStore.stop), where it usually takes under 2 s. A hang still fails.
     */
    private static final Duration REFRESH_TIMEOUT = Duration.ofMinutes(5);
    /** Nothing is refreshed: a refresh would also rewire (and so stop) this test's own probe bundle. */
    private static final EnumSet<FeaturesService.Option> NO_REFRESH = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

    /**
     * Karaf's features deployer looks into each bundle for a features repository from Felix's event queue, after the
     * event: when the queue lags (a slow disk: found by running this test beside a heavy writer) it reaches a bundle
     * this test has already uninstalled again and logs an ERROR for a bundle that is gone. Only this test installs and
     * uninstalls features back to back; any other ERROR of the deployer still fails it.
     */
    static final Pattern DEPLOYER_LOOKS_AT_AN_UNINSTALLED_BUNDLE = Pattern.compile("\\| FeatureDeploymentListener +\\| .*"
            + "\\| Unable to update deployed features for bundle: [^\\n]*\\njava\\.lang\\.IllegalStateException: The bundle is uninstalled\\.$");

    @Inject
    protected org.apache.karaf.shell.api.console.SessionFactory shell;

    @Inject
    protected org.osgi.service.cm.ConfigurationAdmin configurationAdmin;

    /**
     * An operator may switch one core resource off ({@code scr:disable}) without closing the node: readiness used to
     * count every component enabled by default as still coming, so from then on every route answered 503.
     */
    @Test
    public void aCoreResourceSwitchedOffByAnOperatorDoesNotHoldEveryRouteBack() throws Exception {
        List<String> booting = awaitNoProblems(this::bootProblems, BOOT_TIMEOUT);
        assertTrue("Waymark problems after boot:\n" + String.join("\n", booting), booting.isEmpty());
        String directory = "http://127.0.0.1:" + configurationAdmin.getConfiguration("org.ops4j.pax.web", null)
                .getProperties().get("org.osgi.service.http.port") + "/directory/services";
        assertEquals("the public directory answers before", 200, awaitStatus(directory, 200));
        var editing = scr.getComponentDescriptionDTOs(bundleNamed("org.waymark.directory")).stream()
                .filter(d -> d.name.endsWith(".ServiceEditResource")).findFirst()
                .orElseThrow(() -> new AssertionError("the directory's ServiceEditResource component"));
        scr.disableComponent(editing).getValue();
        try {
            assertEquals("the public directory still answers with the edit resource switched off", 200,
                    awaitStatus(directory, 200));
        } finally {
            scr.enableComponent(editing).getValue();
        }
        assertEquals("and after it is switched on again", 200, awaitStatus(directory, 200));
    }

    /**
     * Asks again after every bundle or service event (the JAX-RS host reloading, a servlet coming back) and at least
     * every 250 ms, until the answer is {@code expected} or 30 s have passed; returns the last status. The request is
     * made outside the monitor the listeners notify: a request can make the framework fire an event (a delayed
     * component activated), and a listener waiting for the monitor would then block the answer (it did: the first
     * version of this test, through awaitNoProblems, hung CI's FeaturesIT).
     */
    private int awaitStatus(String url, int expected) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build();
        Object changed = new Object();
        org.osgi.framework.BundleListener bundles = event -> wake(changed);
        org.osgi.framework.ServiceListener services = event -> wake(changed);
        bundleContext.addBundleListener(bundles);
        bundleContext.addServiceListener(services);
        try {
            long deadline = System.nanoTime() + FEATURE_TIMEOUT.toNanos();
            while (true) {
                int status = client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                long remaining = deadline - System.nanoTime();
                if (status == expected || remaining <= 0) {
                    return status;
                }
                synchronized (changed) {
                    changed.wait(Math.max(1, Math.min(250, remaining / 1_000_000)));
                }
            }
        } finally {
            bundleContext.removeServiceListener(services);
            bundleContext.removeBundleListener(bundles);
        }
    }

    private static void wake(Object monitor) {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** The operator's shell commands answer from the running core (the same as ./waymark through the admin socket). */
    @Test
    public void adminShellCommandsListPluginsAndJobs() throws Exception {
        List<String> booting = awaitNoProblems(this::bootProblems, BOOT_TIMEOUT);
        assertTrue("Waymark problems after boot:\n" + String.join("\n", booting), booting.isEmpty());
        String plugins = shellCommand("waymark:plugins");
        for (String expected : List.of("NotificationChannel email", "NotificationChannel fhir", "NotificationChannel inbox",
                "JobHandler notification.deliver")) {
            assertTrue("waymark:plugins lists " + expected + ":\n" + plugins, plugins.contains(expected));
        }
        String jobs = shellCommand("waymark:jobs --state dead");
        assertTrue("waymark:jobs answers: " + jobs, jobs.equals("No jobs") || jobs.startsWith("ID"));
    }

    private String shellCommand(String command) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
        org.apache.karaf.shell.api.console.Session session = shell.create(new java.io.ByteArrayInputStream(new byte[0]), print, print);
        try {
            Object result = session.execute(command);
            return result == null ? out.toString(java.nio.charset.StandardCharsets.UTF_8) : result.toString();
        } finally {
            session.close();
        }
    }

    @Test
    public void everyWaymarkBundleIsActiveAndEveryWaymarkComponentSatisfiedAfterBoot() throws Exception {
        List<String> problems = awaitNoProblems(this::bootProblems, BOOT_TIMEOUT);

        assertTrue("Waymark problems after boot:\n" + String.join("\n", problems), problems.isEmpty());
        // An empty container would pass the check above: make sure the core really is there.
        for (String required : List.of("org.waymark.api", "org.waymark.platform")) {
            assertTrue(required + " is installed", bundleNamed(required) != null);
        }
        assertTrue(CORE + " is installed", featuresService.isInstalled(featuresService.getFeature(CORE)));
        Bundle jettyErrors = bundleNamed(JETTY_ERRORS_BUNDLE);
        assertTrue(JETTY_ERRORS_BUNDLE + " is installed", jettyErrors != null);
        BundleWiring wiring = jettyErrors.adapt(BundleWiring.class);
        assertTrue(JETTY_ERRORS_BUNDLE + " is attached to " + PAX_WEB_JETTY, wiring != null && wiring.getRequiredWires(
                HostNamespace.HOST_NAMESPACE).stream().anyMatch(w -> PAX_WEB_JETTY.equals(w.getProvider().getSymbolicName())));
        // Without it Configuration Admin may deliver a configuration before "$[env:...]" is interpolated: once in CI the
        // DataSource never appeared, and a hot-deploy folder was never watched.
        assertEquals("org.apache.felix.configadmin.plugin.interpolation", bundleContext.getProperty("felix.cm.config.plugins"));
    }

    /**
     * One container instead of one per feature: the core is uninstalled, then each feature is installed alone,
     * checked and uninstalled again, without refreshes (a plugin install must not need one either). The Derby
     * feature stays installed throughout: embedded Derby is booted once per JVM, and a second Derby bundle could not
     * open the same database (see the last test).
     */
    @Test
    public void eachWaymarkFeatureInstallsAloneWithoutTheOtherWaymarkFeatures() throws Exception {
        List<String> atBoot = awaitNoProblems(this::bootProblems, BOOT_TIMEOUT);
        assertTrue("Waymark problems after boot:\n" + String.join("\n", atBoot), atBoot.isEmpty());
        List<Feature> features = waymarkFeatures();
        List<String> names = features.stream().map(Feature::getName).toList();
        assertTrue("our repository lists the core features: " + names,
                names.containsAll(List.of("waymark-api", "waymark-platform", CORE, DERBY_FEATURE)));

        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, Long> millis = new LinkedHashMap<>();
        featuresService.installFeature(DERBY_FEATURE, NO_REFRESH);
        featuresService.uninstallFeature(CORE, NO_REFRESH);
        try {
            List<String> baseline = installedWaymarkBundles();
            assertEquals("Waymark bundles left after uninstalling " + CORE, List.of(JETTY_ERRORS_BUNDLE, DERBY_BUNDLE), baseline);
            for (Feature feature : features) {
                if (feature.getName().equals(DERBY_FEATURE) || feature.getName().equals(JETTY_ERRORS_FEATURE)) {
                    continue;
                }
                long start = System.nanoTime();
                List<String> problems = installAlone(feature, baseline);
                millis.put(feature.getName(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                if (!problems.isEmpty()) {
                    failures.put(feature.getName(), String.join("\n    ", problems));
                }
            }
        } finally {
            // Leave the container as booted, whatever happened, for the tests that follow.
            featuresService.installFeature(CORE, NO_REFRESH);
            awaitNoProblems(this::bootProblems, FEATURE_TIMEOUT);
        }
        System.out.println("Install alone + uninstall, per feature (ms): " + millis);
        assertTrue("Features that do not work on their own:\n" + failures.entrySet().stream()
                .map(e -> "  " + e.getKey() + ":\n    " + e.getValue()).collect(Collectors.joining("\n")), failures.isEmpty());
    }

    /**
     * Installing a feature can refresh the Derby bundle (it imports everything optionally), which gives it a new class
     * loader. The old one must have shut the embedded engine down, or the new one cannot boot the database again
     * ("Another instance of Derby may have already booted the database") until the JVM restarts.
     */
    @Test
    public void theDatabaseStaysReachableWhenTheDerbyBundleIsRefreshed() throws Exception {
        List<String> atStart = awaitNoProblems(this::bootProblems, BOOT_TIMEOUT);
        assertTrue("Waymark problems before the refresh:\n" + String.join("\n", atStart), atStart.isEmpty());
        Bundle derby = bundleNamed(DERBY_BUNDLE);
        assertTrue(DERBY_BUNDLE + " is installed", derby != null);

        BundleRevision revisionBefore = derby.adapt(BundleRevision.class);
        CountDownLatch refreshed = new CountDownLatch(1);
        long start = System.nanoTime();
        bundleContext.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(derby), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        if (!refreshed.await(FEATURE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            // Past 30 s it is slow (see REFRESH_TIMEOUT): the log gets what the threads are doing, the only evidence a
            // deleted container leaves.
            // The bundle's state and revision say which half it is stuck in: stopping the old revision (what uses the
            // database going away first), or starting the new one (what uses it coming back, on the same thread).
            System.out.println("The Derby bundle's refresh has not finished after " + FEATURE_TIMEOUT.toSeconds()
                    + " s (the bundle is in state " + derby.getState() + ", its revision "
                    + (derby.adapt(BundleRevision.class) == revisionBefore ? "unchanged" : "new")
                    + "); the framework's threads:\n" + String.join("\n", frameworkThreads(40)) + "\n"
                    + String.join("\n", bootDiagnostics()) + "\n-- the end of derby.log --\n" + derbyLogTail(40));
            assertTrue("the refresh finished", refreshed.await(REFRESH_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        System.out.println("The Derby bundle's refresh took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");

        List<String> problems = awaitNoProblems(this::waymarkProblems, FEATURE_TIMEOUT);
        assertTrue("Waymark problems after the Derby bundle was refreshed:\n" + String.join("\n", problems), problems.isEmpty());
        assertEquals("the waymark DataSource answers a query", 1, queryOne());
    }

    @Override
    protected List<Pattern> expectedLogErrors() {
        return List.of(DEPLOYER_LOOKS_AT_AN_UNINSTALLED_BUNDLE);
    }

    // ------------------------------------------------------------------ helpers

    private static String derbyLogTail(int lines) {
        String file = System.getProperty("derby.stream.error.file");
        try {
            List<String> all = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException | RuntimeException e) {
            return "(" + file + " not readable: " + e + ")";
        }
    }

    /** Installs {@code feature}, returns what is wrong with it installed alone, and uninstalls it again. */
    private List<String> installAlone(Feature feature, List<String> baseline) throws Exception {
        List<String> problems = new ArrayList<>();
        try {
            featuresService.installFeature(feature, NO_REFRESH);
        } catch (Exception e) {
            return List.of("install failed: " + e.getMessage());
        }
        try {
            problems.addAll(awaitNoProblems(() -> featureProblems(feature), FEATURE_TIMEOUT));
        } finally {
            featuresService.uninstallFeature(feature.getName(), feature.getVersion(), NO_REFRESH);
        }
        List<String> left = installedWaymarkBundles();
        if (!left.equals(baseline)) {
            problems.add("uninstalling it left Waymark bundles behind: " + left);
        }
        return problems;
    }

    /** Every bundle of the feature is active, and so is everything Waymark it brought in, with its components. */
    private List<String> featureProblems(Feature feature) {
        List<String> problems = new ArrayList<>();
        for (BundleInfo info : feature.getBundles()) {
            // dependency="true" bundles are installed only when nothing else provides their packages.
            if (info.isDependency()) {
                continue;
            }
            Bundle bundle = bundleContext.getBundle(info.getLocation());
            if (bundle == null) {
                problems.add("bundle " + info.getLocation() + " is not installed");
            } else {
                problems.addAll(bundleProblems(bundle));
            }
        }
        problems.addAll(waymarkProblems());
        return problems;
    }

    /**
     * The probe can run while the boot features are still being installed: the Waymark bundles present may all be
     * active while waymark-fhir's are not there yet (once in CI, waymark:plugins then had no fhir channel). So boot is
     * over only when the core feature and every Waymark feature it includes are installed with all their bundles active.
     */
    private List<String> bootProblems() {
        try {
            Feature core = featuresService.getFeature(CORE);
            if (core == null || !featuresService.isInstalled(core)) {
                return List.of(CORE + " is not installed yet");
            }
            List<String> problems = new ArrayList<>();
            for (Feature feature : withIncludedFeatures(core)) {
                problems.addAll(featureProblems(feature));
            }
            return problems;
        } catch (Exception e) {
            return List.of("features service: " + e);
        }
    }

    private List<Feature> withIncludedFeatures(Feature root) throws Exception {
        List<Feature> found = new ArrayList<>(List.of(root));
        for (int i = 0; i < found.size(); i++) {
            for (var dependency : found.get(i).getDependencies()) {
                Feature included = featuresService.getFeature(dependency.getName());
                // Karaf's own features (scr, pax-web) are checked through what Waymark needs of them.
                if (included != null && included.getName().startsWith("waymark-") && found.stream().noneMatch(f -> f.getId().equals(included.getId()))) {
                    found.add(included);
                }
            }
        }
        return found;
    }

    private List<Feature> waymarkFeatures() throws Exception {
        List<Feature> features = new ArrayList<>();
        for (Repository repository : featuresService.listRepositories()) {
            if (repository.getName() != null && repository.getName().startsWith("waymark-")) {
                features.addAll(Arrays.asList(repository.getFeatures()));
            }
        }
        return features;
    }

    private List<String> installedWaymarkBundles() {
        return Arrays.stream(bundleContext.getBundles())
                .map(Bundle::getSymbolicName)
                .filter(name -> name != null && name.startsWith(WAYMARK_BUNDLE_PREFIX))
                .sorted()
                .toList();
    }

    private Bundle bundleNamed(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElse(null);
    }

    private int queryOne() throws Exception {
        ServiceReference<DataSource> reference = bundleContext.getServiceReferences(DataSource.class, "(dataSourceName=waymark)")
                .stream().findFirst().orElseThrow(() -> new AssertionError("no DataSource (dataSourceName=waymark)"));
        DataSource dataSource = bundleContext.getService(reference);
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("VALUES 1")) {
            result.next();
            return result.getInt(1);
        } finally {
            bundleContext.ungetService(reference);
        }
    }
}
