package org.waymark.platform.internal.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What an area's feature mix ({@code WAYMARK_FEATURES}) asks of Karaf: which Waymark capability features to install
 * and which to uninstall, given what is installed now. Pure, so that the rules are unit-tested apart from Karaf.
 *
 * <p>Capabilities are the features of Waymark's own repository other than the third-party ones, the two that
 * everything needs ({@code waymark-api}, {@code waymark-platform}) and the web server's error handler
 * ({@code waymark-jetty-errors}, a boot feature of the distribution: see features.xml). Plugin features (from a
 * deployed .kar or features.xml) are never touched. An empty setting means the default: {@value #DEFAULT} (everything), and then
 * nothing is uninstalled.
 *
 * @param install   capability features to install (in the order given)
 * @param uninstall capability features installed now that the mix leaves out
 */
record MixPlan(List<String> install, List<String> uninstall) {
    static final String DEFAULT = "waymark-core";
    private static final Set<String> ALWAYS = Set.of("waymark-api", "waymark-platform", "waymark-jetty-errors");

    MixPlan {
        install = List.copyOf(install);
        uninstall = List.copyOf(uninstall);
    }

    boolean isEmpty() {
        return install.isEmpty() && uninstall.isEmpty();
    }

    /** Whether a feature of Waymark's repository is a capability an area may pick or leave out. */
    static boolean isCapability(String feature) {
        return feature.startsWith("waymark-") && !feature.startsWith("waymark-thirdparty-") && !ALWAYS.contains(feature);
    }

    /** The feature names of a {@code WAYMARK_FEATURES} value: comma- or space-separated, blanks ignored. */
    static List<String> parse(String setting) {
        if (setting == null) {
            return List.of();
        }
        return Arrays.stream(setting.split("[,\\s]+")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
    }

    /**
     * @param setting      the configured mix (empty: the default)
     * @param capabilities the capability features Waymark's repository offers
     * @param required     the capability features installed on purpose now (not those only pulled in by another)
     * @throws IllegalArgumentException naming every configured feature that is not a Waymark capability
     */
    static MixPlan of(String setting, Set<String> capabilities, Set<String> required) {
        List<String> wanted = parse(setting);
        boolean defaultMix = wanted.isEmpty();
        if (defaultMix) {
            wanted = List.of(DEFAULT);
        }
        Set<String> unknown = wanted.stream().filter(name -> !capabilities.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("WAYMARK_FEATURES names features that are not Waymark capabilities: "
                    + String.join(", ", unknown) + " (known: " + String.join(", ", new TreeSet<>(capabilities)) + ")");
        }
        List<String> install = wanted.stream().filter(name -> !required.contains(name)).toList();
        List<String> uninstall = new ArrayList<>();
        if (!defaultMix) {
            Set<String> keep = new LinkedHashSet<>(wanted);
            required.stream().filter(name -> capabilities.contains(name) && !keep.contains(name)).sorted()
                    .forEach(uninstall::add);
        }
        return new MixPlan(install, uninstall);
    }
}
