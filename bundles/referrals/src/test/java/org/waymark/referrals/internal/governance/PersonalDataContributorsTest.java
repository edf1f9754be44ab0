package org.waymark.referrals.internal.governance;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.waymark.api.governance.PersonalDataContributor;
import org.waymark.platform.testing.FakeBundles;

class PersonalDataContributorsTest {
    private final Set<String> approved = new HashSet<>();
    private final PersonalData data = new PersonalData(null, null, null, Clock.systemUTC(),
            GovernanceAccess.approvals(b -> b.getSymbolicName().startsWith("org.waymark.") || approved.contains(b.getSymbolicName())));

    @Test
    void anUnapprovedPluginsContributorIsNotCalledUntilApproved() {
        // Found probing: such a contributor got every export's transaction and, by throwing, made every export a 503.
        PersonalDataContributor core = contributor("notifications");
        PersonalDataContributor plugin = contributor("grabber");
        data.bindContributor(core, reference(bundle("org.waymark.notifications", "mvn:org.waymark/notifications/0.1.0")));
        data.bindContributor(plugin, reference(bundle("org.example.grabber", "file:/data/deploy/grabber.jar")));
        assertThat(data.others()).containsExactly(core);

        approved.add("org.example.grabber");
        assertThat(data.others()).containsExactly(plugin, core);
        data.unbindContributor(plugin);
        assertThat(data.others()).containsExactly(core);
    }

    private static PersonalDataContributor contributor(String name) {
        return new PersonalDataContributor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, List<Map<String, Object>>> export(Connection transaction, String patientId, Set<String> referralIds) {
                return Map.of();
            }

            @Override
            public int erase(Connection transaction, Erasure erasure) {
                return 0;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<PersonalDataContributor> reference(Bundle bundle) {
        return (ServiceReference<PersonalDataContributor>) Proxy.newProxyInstance(PersonalDataContributorsTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    private static Bundle bundle(String name, String location) {
        return FakeBundles.bundle(name, location, Map.of());
    }
}
