package org.waymark.platform.internal.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class MixPlanTest {
    private static final Set<String> CAPABILITIES = Set.of("waymark-core", "waymark-notifications", "waymark-email",
            "waymark-referrals", "waymark-fhir", "waymark-console", "waymark-directory");

    @Test
    void unsetMeansEverythingAndUninstallsNothing() {
        MixPlan fresh = MixPlan.of("", CAPABILITIES, Set.of());
        assertThat(fresh.install()).containsExactly("waymark-core");
        assertThat(fresh.uninstall()).isEmpty();

        MixPlan afterARestrictedMix = MixPlan.of(null, CAPABILITIES, Set.of("waymark-fhir", "waymark-console"));
        assertThat(afterARestrictedMix.install()).as("back to everything").containsExactly("waymark-core");
        assertThat(afterARestrictedMix.uninstall()).as("nothing an operator installed is taken away").isEmpty();
    }

    @Test
    void aRestrictedMixInstallsWhatItListsAndUninstallsTheCapabilitiesItLeavesOut() {
        MixPlan plan = MixPlan.of("waymark-fhir, waymark-console", CAPABILITIES, Set.of("waymark-core"));

        assertThat(plan.install()).containsExactly("waymark-fhir", "waymark-console");
        assertThat(plan.uninstall()).containsExactly("waymark-core");
    }

    @Test
    void aMixThatIsAlreadyInstalledChangesNothing() {
        assertThat(MixPlan.of("waymark-fhir,waymark-console", CAPABILITIES, Set.of("waymark-console", "waymark-fhir")).isEmpty())
                .isTrue();
        assertThat(MixPlan.of("", CAPABILITIES, Set.of("waymark-core")).isEmpty()).isTrue();
    }

    @Test
    void addingACapabilityToTheMixKeepsTheOthers() {
        MixPlan plan = MixPlan.of("waymark-fhir waymark-console waymark-directory", CAPABILITIES,
                Set.of("waymark-fhir", "waymark-console"));

        assertThat(plan.install()).containsExactly("waymark-directory");
        assertThat(plan.uninstall()).isEmpty();
    }

    @Test
    void platformThirdPartyAndPluginFeaturesAreNeverCapabilities() {
        assertThat(MixPlan.isCapability("waymark-platform")).isFalse();
        assertThat(MixPlan.isCapability("waymark-api")).isFalse();
        assertThat(MixPlan.isCapability("waymark-jetty-errors")).as("a fragment of the web server, never uninstalled").isFalse();
        assertThat(MixPlan.isCapability("waymark-thirdparty-postgresql")).isFalse();
        assertThat(MixPlan.isCapability("pathfinder-example")).isFalse();
        assertThat(MixPlan.isCapability("waymark-directory")).isTrue();
    }

    @Test
    void namesThatAreNotCapabilitiesAreRefusedAllAtOnce() {
        assertThatThrownBy(() -> MixPlan.of("waymark-fhir,waymark-fihr,waymark-platform", CAPABILITIES, Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("waymark-fihr, waymark-platform")
                .hasMessageContaining("known: waymark-console");
    }

    @Test
    void separatorsAndRepeatsAreForgiven() {
        assertThat(MixPlan.parse(" waymark-fhir,,waymark-console ,waymark-fhir\n")).containsExactly("waymark-fhir", "waymark-console");
    }
}
