package org.waymark.platform.internal.features;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeatureState;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.Repository;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.waymark.platform.internal.PlatformConfig;

/**
 * Applies the area's feature mix ({@code WAYMARK_FEATURES}, the platform's {@code features} setting) on every start:
 * installs the capability features it lists and uninstalls the capability features it leaves out. Karaf installs its
 * boot features only at the first start and keeps what is installed in its data directory, so without this a changed
 * setting would never reach a node that has started before.
 *
 * <p>The mix is applied once per framework start, after Karaf's boot features are in: the platform bundle coming back
 * within the same run (a refresh, an operator installing one feature alone) does not undo what the operator did.
 * Until the mix is applied, and while any installed Waymark feature is not started, {@link #problems()} says so and
 * {@code /api/health} answers DOWN.
 */
@Component(service = FeatureMix.class, immediate = true, configurationPid = PlatformConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class FeatureMix {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureMix.class);
    /** JVM-wide, so that it outlives a reinstall of this bundle: the framework run the mix was applied in. */
    static final String APPLIED_PROPERTY = "org.waymark.features.mixAppliedInFramework";
    private static final long BOOT_WAIT_MINUTES = 10;
    private static final String WAYMARK_REPOSITORY = "mvn:org.waymark/features/";
    /** Nothing else is refreshed: a plugin or capability coming or going must never restart the core. */
    private static final EnumSet<FeaturesService.Option> NO_REFRESH = EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles);

    private enum State { APPLYING, APPLIED, FAILED }

    private final FeaturesService features;
    private final String setting;
    private final ServiceTracker<BootFinished, BootFinished> bootFinished;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "waymark-feature-mix"));
    private volatile State state = State.APPLYING;
    private volatile String failure;

    @Activate
    public FeatureMix(BundleContext context, PlatformConfig config, @Reference FeaturesService features) {
        this.features = features;
        this.setting = config.features();
        String framework = context.getProperty(Constants.FRAMEWORK_UUID);
        if (framework != null && framework.equals(System.getProperty(APPLIED_PROPERTY))) {
            state = State.APPLIED;
            bootFinished = null;
            return;
        }
        bootFinished = new ServiceTracker<>(context, BootFinished.class, null);
        bootFinished.open();
        // Feature installs start and stop bundles: never from SCR's thread, which those bundles' components need.
        worker.execute(() -> apply(framework));
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
        if (bootFinished != null) {
            bootFinished.close();
        }
    }

    private void apply(String framework) {
        try {
            if (bootFinished.waitForService(TimeUnit.MINUTES.toMillis(BOOT_WAIT_MINUTES)) == null) {
                fail("Karaf's boot features did not finish within " + BOOT_WAIT_MINUTES + " minutes");
                return;
            }
            Set<String> capabilities = new LinkedHashSet<>();
            Set<String> required = new LinkedHashSet<>();
            for (Feature feature : waymarkFeatures()) {
                if (MixPlan.isCapability(feature.getName())) {
                    capabilities.add(feature.getName());
                    if (features.isRequired(feature)) {
                        required.add(feature.getName());
                    }
                }
            }
            MixPlan plan = MixPlan.of(setting, capabilities, required);
            if (!plan.install().isEmpty()) {
                LOG.info("Feature mix: installing {}", plan.install());
                features.installFeatures(new LinkedHashSet<>(plan.install()), NO_REFRESH);
            }
            if (!plan.uninstall().isEmpty()) {
                LOG.info("Feature mix: uninstalling {}", plan.uninstall());
                features.uninstallFeatures(new LinkedHashSet<>(plan.uninstall()), NO_REFRESH);
            }
            if (plan.isEmpty()) {
                LOG.info("Feature mix: installed features already match {}",
                        MixPlan.parse(setting).isEmpty() ? MixPlan.DEFAULT + " (the default)" : MixPlan.parse(setting));
            }
            if (framework != null) {
                System.setProperty(APPLIED_PROPERTY, framework);
            }
            state = State.APPLIED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        } catch (Exception e) {
            LOG.error("Feature mix could not be applied", e);
            fail("could not be applied: " + e.getMessage());
        }
    }

    private void fail(String message) {
        failure = message;
        state = State.FAILED;
        LOG.error("Feature mix: {}", message);
    }

    /**
     * The features of Waymark's own repository (the org.waymark:features artifact), never those of a plugin's .kar or
     * features.xml, whatever their names.
     */
    private Set<Feature> waymarkFeatures() throws Exception {
        Set<Feature> result = new LinkedHashSet<>();
        for (Repository repository : features.listRepositories()) {
            if (repository.getURI() != null && repository.getURI().toString().startsWith(WAYMARK_REPOSITORY)) {
                result.addAll(List.of(repository.getFeatures()));
            }
        }
        return result;
    }

    /** While the mix is being applied, features are still coming or going: readiness holds every route back. */
    public boolean applying() {
        return state == State.APPLYING;
    }

    /**
     * What keeps the node from being ready: the mix still being applied or refused, and every installed Waymark
     * feature (ours or a plugin's named waymark-*) that is not started. Empty when all is well.
     */
    public Map<String, String> problems() {
        Map<String, String> problems = new TreeMap<>();
        switch (state) {
            case APPLYING -> problems.put("features", "applying the configured feature mix");
            case FAILED -> problems.put("features", "feature mix refused: " + failure);
            default -> { }
        }
        try {
            for (Feature feature : features.listInstalledFeatures()) {
                if (feature.getName().startsWith("waymark-")) {
                    FeatureState featureState = features.getState(feature.getId());
                    if (featureState != FeatureState.Started) {
                        problems.put("feature " + feature.getName(), featureState == null ? "unknown" : featureState.name());
                    }
                }
            }
        } catch (Exception e) {
            problems.put("features", "cannot list installed features: " + e.getClass().getSimpleName());
        }
        return problems;
    }
}
