package org.waymark.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.Repository;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * The distribution's Waymark features, inside Karaf: after boot everything Waymark is active and wired, and each
 * feature of our features repository installs on its own into a container that has no other Waymark feature.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeaturesIT extends KarafTestSupport {
    private static final String CORE = "waymark-core";
    private static final java.time.Duration FEATURE_TIMEOUT = java.time.Duration.ofSeconds(60);

    @Test
    public void everyWaymarkBundleIsActiveAndEveryWaymarkComponentSatisfiedAfterBoot() throws Exception {
        List<String> problems = awaitNoProblems(this::waymarkProblems, BOOT_TIMEOUT);

        assertTrue("Waymark problems after boot:\n" + String.join("\n", problems), problems.isEmpty());
        // An empty container would pass the check above: make sure the core really is there.
        for (String required : List.of("org.waymark.api", "org.waymark.platform")) {
            assertTrue(required + " is installed", bundleNamed(required) != null);
        }
        assertTrue(CORE + " is installed", featuresService.isInstalled(featuresService.getFeature(CORE)));
    }

    /**
     * One container instead of one per feature (a boot costs 13-16 s): the core is uninstalled, then each feature is
     * installed alone, checked and uninstalled again. Installs do not refresh other bundles, as a plugin install must
     * not.
     */
    @Test
    public void eachWaymarkFeatureInstallsAloneIntoAContainerWithoutOtherWaymarkFeatures() throws Exception {
        List<String> atBoot = awaitNoProblems(this::waymarkProblems, BOOT_TIMEOUT);
        assertTrue("Waymark problems after boot:\n" + String.join("\n", atBoot), atBoot.isEmpty());
        List<Feature> features = waymarkFeatures();
        List<String> names = features.stream().map(Feature::getName).toList();
        assertTrue("our repository lists the core features: " + names,
                names.containsAll(List.of("waymark-api", "waymark-platform", CORE)));

        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, Long> millis = new LinkedHashMap<>();
        featuresService.uninstallFeature(CORE);
        try {
            assertEquals("Waymark bundles left after uninstalling " + CORE, List.of(), installedWaymarkBundles());
            for (Feature feature : features) {
                long start = System.nanoTime();
                List<String> problems = installAlone(feature);
                millis.put(feature.getName(), (System.nanoTime() - start) / 1_000_000);
                if (!problems.isEmpty()) {
                    failures.put(feature.getName(), String.join("\n    ", problems));
                }
            }
        } finally {
            // Leave the container as booted, whatever happened, so the other test sees the distribution.
            featuresService.installFeature(CORE);
            awaitNoProblems(this::waymarkProblems, FEATURE_TIMEOUT);
        }
        System.out.println("Install alone + uninstall, per feature (ms): " + millis);
        assertTrue("Features that do not work on their own:\n" + failures.entrySet().stream()
                .map(e -> "  " + e.getKey() + ":\n    " + e.getValue()).collect(Collectors.joining("\n")), failures.isEmpty());
    }

    /** Installs {@code feature}, returns what is wrong with it installed alone, and uninstalls it again. */
    private List<String> installAlone(Feature feature) throws Exception {
        List<String> problems = new ArrayList<>();
        try {
            featuresService.installFeature(feature, EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        } catch (Exception e) {
            return List.of("install failed: " + e.getMessage());
        }
        try {
            problems.addAll(awaitNoProblems(() -> featureProblems(feature), FEATURE_TIMEOUT));
        } finally {
            featuresService.uninstallFeature(feature.getName(), feature.getVersion());
        }
        List<String> left = installedWaymarkBundles();
        if (!left.isEmpty()) {
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
}
